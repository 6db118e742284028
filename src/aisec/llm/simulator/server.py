"""The simulator served over the OpenAI-compatible protocol: ``GET /v1/models`` and
``POST /v1/chat/completions`` (whole or streamed), behind an optional bearer key.

Plain ASGI with no framework: the protocol is two routes, and the application must run
wherever aisec does. Request bodies are capped (413 beyond ``max_body``); errors have
OpenAI's shape, so clients and red-team harnesses read them as they read OpenAI's.
``?debug=1`` adds the rules that decided each answer (``aisec_debug``).
"""

from __future__ import annotations

import asyncio
import hmac
import itertools
import json
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import parse_qs

from aisec.llm.simulator.engine import SimulatedApp
from aisec.llm.simulator.wire import RequestError, chunks, completion, error_body, parse_request

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

MAX_BODY = 1 << 20  # 1 MiB
_BATCH = 16 << 10  # bytes of server-sent events written at once
_DRAIN = 16 << 20  # most bytes of an oversized body read (and dropped) before answering 413


def model_name(app: SimulatedApp) -> str:
    return "aisec-simulator-" + ("hardened" if app.config.hardened else "vulnerable")


class _TooLarge(Exception):
    pass


class _Server:
    def __init__(self, app: SimulatedApp, api_key: str | None, max_body: int) -> None:
        self.app, self.api_key, self.max_body = app, api_key, max_body
        self.ids = itertools.count(1)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        path, method = scope["path"], scope["method"]
        if path in ("/health", "/healthz"):
            await _json(send, 200, {"status": "ok"})
            return
        if not self._authorised(scope):
            await _error(send, 401, "Incorrect API key provided.", "invalid_request_error",
                         code="invalid_api_key")  # fmt: skip
            return
        if path == "/v1/models" and method == "GET":
            await _json(send, 200, {"object": "list", "data": [self._model()]})
        elif path == "/v1/chat/completions" and method == "POST":
            await self._chat(scope, receive, send)
        elif path in ("/v1/models", "/v1/chat/completions"):
            await _error(send, 405, f"{method} is not allowed on {path}", "invalid_request_error")
        else:
            await _error(send, 404, f"no route {path}", "invalid_request_error", code="not_found")

    def _authorised(self, scope: Scope) -> bool:
        if self.api_key is None:
            return True
        headers = dict(scope.get("headers") or [])
        # Compared as bytes: the header's bytes against the key's UTF-8 (a non-ASCII key
        # would never match a header decoded as Latin-1 and encoded back as UTF-8).
        given = headers.get(b"authorization", b"")
        scheme, _, token = given.partition(b" ")
        expected = self.api_key.encode("utf-8")
        return scheme.lower() == b"bearer" and hmac.compare_digest(token.strip(), expected)

    def _model(self) -> dict[str, Any]:
        return {"id": model_name(self.app), "object": "model", "created": 0, "owned_by": "aisec"}

    async def _chat(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            raw = await self._body(scope, receive)
            request = parse_request(raw)
        except _TooLarge:
            await _error(send, 413, f"the request body exceeds {self.max_body} bytes",
                         "invalid_request_error", code="request_too_large")  # fmt: skip
            return
        except RequestError as exc:
            await _error(send, exc.status, exc.message, "invalid_request_error", exc.param)
            return
        # A long answer takes a moment to build: off the event loop, other clients wait not.
        reply = await asyncio.to_thread(
            self.app.chat, request.messages, request.tools, request.max_tokens
        )
        debug = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("debug") == ["1"]
        head = {"id": f"chatcmpl-sim{next(self.ids):010d}", "created": int(time.time()),
                "model": request.model or model_name(self.app),
                "system_fingerprint": model_name(self.app)}  # fmt: skip
        if not request.stream:
            await _json(send, 200, completion(reply, head, debug))
            return
        await _start(send, 200, b"text/event-stream", [(b"cache-control", b"no-cache")])
        # ASCII-escaped JSON: a lone surrogate sent in a prompt and repeated in the answer
        # cannot be encoded as UTF-8, and must not fail the response. Events go out in
        # batches of about 16 KiB: the answer is complete already, and a 100,000-token
        # flood sent one event per write would take seconds for nothing.
        batch: list[bytes] = []
        size = 0
        for chunk in chunks(reply, head, request.include_usage, debug):
            batch.append(f"data: {json.dumps(chunk)}\n\n".encode())
            size += len(batch[-1])
            if size >= _BATCH:
                await send(
                    {"type": "http.response.body", "body": b"".join(batch), "more_body": True}
                )
                batch, size = [], 0
        batch.append(b"data: [DONE]\n\n")
        await send({"type": "http.response.body", "body": b"".join(batch), "more_body": False})

    async def _body(self, scope: Scope, receive: Receive) -> bytes:
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length", b"").decode("latin-1")
        too_large = declared.isdigit() and int(declared) > self.max_body
        parts: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                break
            chunk, more = message.get("body", b""), bool(message.get("more_body"))
            size += len(chunk)
            too_large = too_large or size > self.max_body
            if too_large and size > _DRAIN:
                break
            if not too_large:
                parts.append(chunk)
        if too_large:
            raise _TooLarge
        return b"".join(parts)


def create_app(app: SimulatedApp, api_key: str | None = None, *,
               max_body: int = MAX_BODY) -> ASGIApp:  # fmt: skip
    """An ASGI application serving ``app``; with ``api_key``, every ``/v1`` request must
    carry ``Authorization: Bearer <api_key>``."""
    return _Server(app, api_key, max_body)


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


async def _start(send: Send, status: int, kind: bytes,
                 extra: list[tuple[bytes, bytes]] | None = None) -> None:  # fmt: skip
    headers = [(b"content-type", kind), *(extra or [])]
    await send({"type": "http.response.start", "status": status, "headers": headers})


async def _json(send: Send, status: int, payload: dict[str, Any]) -> None:
    await _start(send, status, b"application/json")
    body = json.dumps(payload).encode()
    await send({"type": "http.response.body", "body": body, "more_body": False})


async def _error(send: Send, status: int, message: str, kind: str, param: str | None = None,
                 code: str | None = None) -> None:  # fmt: skip
    await _json(send, status, error_body(message, kind, param, code))
