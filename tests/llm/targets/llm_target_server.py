"""A real HTTP server on 127.0.0.1 for the target tests: uvicorn in a thread, serving
scenarios that each test registers (a handler per scenario, under its own path prefix),
counting every call a scenario receives."""

from __future__ import annotations

import asyncio
import itertools
import json
import socket
import threading
import time
from collections.abc import Awaitable, Callable
from contextlib import contextmanager
from dataclasses import dataclass, field

import uvicorn
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse


@dataclass
class Call:
    n: int  # 1 for the first call of the scenario
    path: str
    method: str
    headers: dict[str, str]
    body: bytes
    query: str = ""

    def json(self):
        return json.loads(self.body)


Handler = Callable[[Call], Awaitable[Response]]


@dataclass
class Scenario:
    handler: Handler
    calls: list[Call] = field(default_factory=list)
    in_flight: int = 0
    max_in_flight: int = 0


class Scenarios:
    def __init__(self):
        self.base = ""
        self.items: dict[str, Scenario] = {}
        self.ids = itertools.count(1)

    def add(self, handler: Handler) -> tuple[str, Scenario]:
        """Serves ``handler``; answers its URL prefix and its record."""
        key = str(next(self.ids))
        scenario = self.items[key] = Scenario(handler)
        return f"{self.base}/s/{key}", scenario

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return
        request = Request(scope, receive)
        parts = request.url.path.split("/", 3)  # "", "s", key, rest
        scenario = self.items.get(parts[2]) if len(parts) > 2 else None
        if scenario is None:
            await JSONResponse({"error": "no scenario"}, status_code=404)(scope, receive, send)
            return
        body = await request.body()
        call = Call(len(scenario.calls) + 1, "/" + (parts[3] if len(parts) > 3 else ""),
                    request.method, dict(request.headers), body,
                    request.url.query)  # fmt: skip
        scenario.calls.append(call)
        scenario.in_flight += 1
        scenario.max_in_flight = max(scenario.max_in_flight, scenario.in_flight)
        try:
            response = await scenario.handler(call)
        finally:
            scenario.in_flight -= 1
        await response(scope, receive, send)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def serve_app(app):
    """``app`` (ASGI) served on a free loopback port; yields its base URL."""
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                            lifespan="off")  # fmt: skip
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


@contextmanager
def serve():
    scenarios = Scenarios()
    with serve_app(scenarios) as base:
        scenarios.base = base
        yield scenarios


# ---- answers ---------------------------------------------------------------------------


def completion(content="", tool_calls=None, usage=(7, 5), finish="stop") -> dict:
    message = {"role": "assistant", "content": content}
    if tool_calls:
        message["tool_calls"] = tool_calls
        finish = "tool_calls"
    body = {"id": "chatcmpl-1", "object": "chat.completion", "model": "m",
            "choices": [{"index": 0, "message": message, "finish_reason": finish}]}  # fmt: skip
    if usage:
        body["usage"] = {"prompt_tokens": usage[0], "completion_tokens": usage[1],
                         "total_tokens": sum(usage)}  # fmt: skip
    return body


def sse(chunks: list[dict], done: bool = True) -> StreamingResponse:
    async def events():
        for chunk in chunks:
            yield f"data: {json.dumps(chunk)}\n\n".encode()
            await asyncio.sleep(0)
        if done:
            yield b"data: [DONE]\n\n"

    return StreamingResponse(events(), media_type="text/event-stream")


def chunk(delta=None, finish=None, usage=None, choices=True) -> dict:
    body: dict = {"id": "chatcmpl-1", "object": "chat.completion.chunk", "model": "m"}
    body["choices"] = (
        [{"index": 0, "delta": delta or {}, "finish_reason": finish}] if choices else []
    )
    if usage is not None:
        body["usage"] = usage
    return body


def always(response_factory: Callable[[Call], Response]) -> Handler:
    async def handler(call: Call) -> Response:
        return response_factory(call)

    return handler
