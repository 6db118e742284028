"""The simulator's ASGI application served by a real uvicorn on a free loopback port, in a
thread of the test process."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from aisec.llm.simulator import SimulatedApp
from aisec.llm.simulator.server import create_app


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def served(app: SimulatedApp, api_key: str | None = None) -> Iterator[str]:
    import uvicorn

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(app, api_key), host="127.0.0.1", port=port,
                                           log_level="warning", lifespan="on"))  # fmt: skip
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the simulator did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=60)


def events(body: str) -> list[dict | str]:
    """The data of each server-sent event; "[DONE]" stays a string."""
    out: list[dict | str] = []
    for block in body.split("\n\n"):
        if block.startswith("data: "):
            data = block[len("data: ") :]
            out.append(data if data == "[DONE]" else json.loads(data))
    return out


def assembled(chunks: list[dict | str]) -> tuple[str, list[dict], str | None]:
    """Content, tool calls and finish reason put back together from streamed chunks, as
    OpenAI's client libraries do."""
    content, calls, finish = "", {}, None
    for chunk in chunks:
        if not isinstance(chunk, dict) or not chunk["choices"]:
            continue
        choice = chunk["choices"][0]
        delta = choice["delta"]
        content += delta.get("content") or ""
        for piece in delta.get("tool_calls", []):
            call = calls.setdefault(piece["index"], {"id": None, "name": "", "arguments": ""})
            call["id"] = piece.get("id") or call["id"]
            function = piece.get("function", {})
            call["name"] += function.get("name", "")
            call["arguments"] += function.get("arguments", "")
        finish = choice["finish_reason"] or finish
    return content, [calls[i] for i in sorted(calls)], finish
