"""The few ASGI primitives the gateway needs: read a capped body, send an answer, send the
error envelope. Raw ASGI rather than a framework: the gateway's only routes are its
proxies, and every microsecond on this path is added to every model call."""

from __future__ import annotations

import json
import math
from collections.abc import Awaitable, Callable, MutableMapping, Sequence
from typing import Any

from aisec.core.errors import GatewayRefusal, RequestRefused

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
Headers = list[tuple[bytes, bytes]]

_JSON = (b"content-type", b"application/json")


async def read_body(scope: Scope, receive: Receive, limit: int) -> bytes:
    """The whole request body, refused (413) once it passes ``limit`` bytes, before any
    more of it is read or kept."""
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                declared = int(value)
            except ValueError:
                raise RequestRefused("Content-Length is not a number", status=400) from None
            if declared > limit:
                raise _too_large(limit)
    parts: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ConnectionResetError("the client went away")
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise _too_large(limit)
        parts.append(chunk)
        if not message.get("more_body", False):
            return b"".join(parts)


def _too_large(limit: int) -> RequestRefused:
    return RequestRefused(f"the request body is larger than {limit} bytes", status=413)


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found = dict(pairs)
    if len(found) != len(pairs):
        # Python keeps the last of two equal keys, some servers the first: the detectors
        # would judge other rows than the model runs.
        raise ValueError("a key is given twice")
    return found


def parse_json(body: bytes) -> Any:
    try:
        return json.loads(body, object_pairs_hook=_unique)
    except (ValueError, RecursionError):
        raise RequestRefused(
            "the request body is not JSON (or gives a key twice)", status=400
        ) from None


async def answer(
    send: Send, status: int, body: bytes, headers: Sequence[tuple[bytes, bytes]]
) -> None:
    out = [*headers, (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": out})
    await send({"type": "http.response.body", "body": body})


def refusal_body(error: GatewayRefusal | Any, status: int) -> bytes:
    """The server's error envelope, with ``type`` as OpenAI clients expect."""
    envelope = {
        "status": status,
        "code": getattr(error, "code", "AISEC-E710"),
        "type": type(error).__name__,
        "message": getattr(error, "message", str(error)),
    }
    hint = getattr(error, "hint", None)
    if hint:
        envelope["hint"] = hint
    return json.dumps({"error": envelope}, separators=(",", ":")).encode()


async def refuse(
    send: Send, error: GatewayRefusal, extra: Sequence[tuple[bytes, bytes]] = ()
) -> None:
    headers: Headers = [_JSON, *extra]
    if error.retry_after is not None and math.isfinite(error.retry_after):
        headers.append((b"retry-after", str(max(1, math.ceil(error.retry_after))).encode()))
    await answer(send, error.status, refusal_body(error, error.status), headers)


def header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return bytes(value).decode("latin-1")
    return None


# Client headers that claim to describe the connection or the client to the upstream:
# the gateway is the upstream's client, and its clients' claims are theirs alone.
_CLIENT_CLAIMS = frozenset({
    "forwarded", "x-forwarded-for", "x-forwarded-host", "x-forwarded-proto", "x-real-ip",
    "proxy-connection", "expect",
})  # fmt: skip


def forwardable(scope: Scope) -> dict[str, str]:
    """The client's headers that may go upstream: not those its Connection header names
    (RFC 9110 §7.6.1), nor forwarding claims; hop-by-hop ones go in upstream.py."""
    pairs = [
        (bytes(k).decode("latin-1").lower(), bytes(v).decode("latin-1"))
        for k, v in scope.get("headers", ())
    ]
    named = {t.strip().lower() for k, v in pairs if k == "connection" for t in v.split(",")}
    return {k: v for k, v in pairs if k not in named and k not in _CLIENT_CLAIMS}
