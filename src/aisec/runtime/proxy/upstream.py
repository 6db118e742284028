"""Calls to a model's upstream: one pooled aiohttp session, bounded retries of requests
that never reached it, a cap on what an answer may weigh, and the circuit breaker.

aiohttp rather than httpx: on this path httpx's pool cost 1.4-3.2 ms of CPU per request
against aiohttp's 0.24 ms (docs/adr/0023), and the gateway's whole budget is a few
milliseconds. A retry happens only when the connection could not be made (nothing was
sent, so a model call can never run twice); a timeout or a 5xx answer counts against the
breaker but is not retried.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aisec.core.errors import UpstreamUnavailable
from aisec.runtime.proxy.breaker import Breaker

if TYPE_CHECKING:
    import aiohttp

    from aisec.runtime.config import ModelConfig

# Headers that describe one hop, never forwarded (RFC 9110 §7.6.1), and the client's
# credentials for the gateway, which the upstream must never see.
HOP_HEADERS = frozenset(
    {
        "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te",
        "trailer", "transfer-encoding", "upgrade", "host", "content-length",
        "authorization", "x-api-key", "cookie", "accept-encoding",
    }
)  # fmt: skip
# Also the upstream's own date and server (uvicorn sends the gateway's), cookies, and
# anything claiming to be the gateway's verdict.
_DROPPED = HOP_HEADERS | {
    "content-encoding", "date", "server", "set-cookie", "x-aisec-detections",
    "x-aisec-request-id",
}  # fmt: skip
_log = logging.getLogger(__name__)
MAX_ANSWER_BYTES = 64 << 20  # an upstream's answer is untrusted input too
_CHUNK = 64 << 10


def unavailable(message: str, status: int, retry_after: float | None = None) -> UpstreamUnavailable:
    return UpstreamUnavailable(message, status=status, retry_after=retry_after)


@dataclass
class Reply:
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes


def new_session() -> aiohttp.ClientSession:
    """The gateway's one pooled session: no proxy or netrc from the environment (only
    what is configured is called), no cookie jar (clients' cookies are theirs)."""
    import aiohttp

    connector = aiohttp.TCPConnector(limit=512, limit_per_host=0, ttl_dns_cache=60)
    return aiohttp.ClientSession(
        connector=connector, trust_env=False, cookie_jar=aiohttp.DummyCookieJar(),
        auto_decompress=True, skip_auto_headers=("User-Agent",),
    )  # fmt: skip


class Upstream:
    def __init__(self, model: ModelConfig, session: aiohttp.ClientSession | None = None) -> None:
        self.model = model
        self.session = session  # set when the gateway starts
        self.breaker = Breaker(model.breaker.failures, model.breaker.reset_seconds)

    async def call(self, method: str, path: str, headers: Mapping[str, str], body: bytes) -> Reply:
        response = await self._send(method, path, headers, body)
        try:
            data = await _read_capped(response)
        except UpstreamUnavailable:
            self.breaker.failure()
            raise
        except (TimeoutError, OSError, _client_errors()) as exc:
            self.breaker.failure()
            raise unavailable(f"the model's answer broke off: {type(exc).__name__}", 502) from None
        finally:
            response.release()
        return Reply(response.status, _headers(response), data)

    async def open_stream(
        self, method: str, path: str, headers: Mapping[str, str], body: bytes
    ) -> tuple[int, list[tuple[bytes, bytes]], AsyncIterator[bytes], Any]:
        response = await self._send(method, path, headers, body)
        return response.status, _headers(response), response.content.iter_any(), response

    async def _send(
        self, method: str, path: str, headers: Mapping[str, str], body: bytes
    ) -> aiohttp.ClientResponse:
        wait = self.breaker.allow()
        if wait is not None:
            raise unavailable(
                "the model's circuit breaker is open after repeated failures", 503, wait
            )
        try:
            return await self._attempts(method, path, headers, body)
        except asyncio.CancelledError:
            self.breaker.abandon()
            raise

    async def _attempts(
        self, method: str, path: str, headers: Mapping[str, str], body: bytes
    ) -> aiohttp.ClientResponse:
        import aiohttp

        forwarded = {k: v for k, v in headers.items() if k.lower() not in HOP_HEADERS}
        # Plain bytes back: the detectors read the answer, and a stream is passed on as
        # it arrives, so no compression is asked for.
        forwarded["accept-encoding"] = "identity"
        timeout = aiohttp.ClientTimeout(total=self.model.breaker.timeout_seconds)
        url = self.model.upstream + path
        assert self.session is not None, "the gateway has not started"
        attempts = self.model.breaker.retries + 1
        for attempt in range(attempts):
            try:
                response = await self.session.request(
                    method, url, data=body or None, headers=forwarded, timeout=timeout,
                    allow_redirects=False,  # a redirect elsewhere is not the configured target
                )  # fmt: skip
            except aiohttp.ClientConnectorError as exc:
                if attempt + 1 < attempts:
                    await asyncio.sleep(0.05 * (attempt + 1))
                    continue
                self.breaker.failure()
                # The address stays in the gateway's log: clients need not learn it.
                _log.warning("model %s: cannot connect: %s", self.model.name, exc)
                raise unavailable("cannot connect to the model's server", 502) from None
            except TimeoutError:
                self.breaker.failure()
                raise unavailable("the model's server did not answer in time", 504) from None
            except aiohttp.ClientError as exc:
                self.breaker.failure()
                raise unavailable(f"the model's server failed: {type(exc).__name__}", 502) from None
            if response.status >= 500:
                self.breaker.failure()
            else:
                self.breaker.success()
            return response
        raise AssertionError("unreachable")  # the loop returns or raises


async def _read_capped(response: aiohttp.ClientResponse) -> bytes:
    declared = response.content_length
    if declared is not None and declared > MAX_ANSWER_BYTES:
        raise unavailable(f"the model's answer is larger than {MAX_ANSWER_BYTES} bytes", 502)
    parts: list[bytes] = []
    size = 0
    while chunk := await response.content.read(_CHUNK):
        size += len(chunk)
        if size > MAX_ANSWER_BYTES:
            raise unavailable(f"the model's answer is larger than {MAX_ANSWER_BYTES} bytes", 502)
        parts.append(chunk)
    return b"".join(parts)


def _client_errors() -> type[Exception]:
    import aiohttp

    return aiohttp.ClientError


def _headers(response: aiohttp.ClientResponse) -> list[tuple[bytes, bytes]]:
    return [
        (name.lower(), value)
        for name, value in response.raw_headers
        if name.lower().decode("latin-1") not in _DROPPED
    ]
