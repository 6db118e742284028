"""Calls to a model's upstream: one pooled httpx client, bounded retries of requests that
never reached it, and its circuit breaker.

A retry happens only when the connection could not be made (nothing was sent, so a
non-idempotent model call cannot run twice); a timeout or a 5xx answer counts against the
breaker but is not retried.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from aisec.core.errors import UpstreamUnavailable
from aisec.runtime.proxy.breaker import Breaker

if TYPE_CHECKING:
    import httpx

    from aisec.runtime.config import ModelConfig

# Headers that describe one hop, never forwarded (RFC 9110 §7.6.1), and the client's
# credentials for the gateway, which the upstream must never see.
HOP_HEADERS = frozenset(
    {
        "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te",
        "trailer", "transfer-encoding", "upgrade", "host", "content-length",
        "authorization", "x-api-key", "cookie",
    }
)  # fmt: skip


def unavailable(message: str, status: int, retry_after: float | None = None) -> UpstreamUnavailable:
    return UpstreamUnavailable(message, status=status, retry_after=retry_after)


@dataclass
class Reply:
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes


class Upstream:
    def __init__(self, model: ModelConfig, client: httpx.AsyncClient) -> None:
        self.model = model
        self.client = client
        self.breaker = Breaker(model.breaker.failures, model.breaker.reset_seconds)

    def _request(
        self, method: str, path: str, headers: Mapping[str, str], body: bytes
    ) -> httpx.Request:
        forwarded = {k.lower(): v for k, v in headers.items() if k.lower() not in HOP_HEADERS}
        # Plain bytes back: the detectors read the answer, and a stream is passed on as
        # it arrives (decoded), so no compression is asked for.
        forwarded["accept-encoding"] = "identity"
        return self.client.build_request(
            method, self.model.upstream + path, headers=forwarded, content=body,
            timeout=self.model.breaker.timeout_seconds,
        )  # fmt: skip

    async def call(self, method: str, path: str, headers: Mapping[str, str], body: bytes) -> Reply:
        response = await self._send(method, path, headers, body, stream=False)
        return Reply(response.status_code, _headers(response), response.content)

    async def open_stream(
        self, method: str, path: str, headers: Mapping[str, str], body: bytes
    ) -> tuple[int, list[tuple[bytes, bytes]], AsyncIterator[bytes], httpx.Response]:
        response = await self._send(method, path, headers, body, stream=True)
        return response.status_code, _headers(response), response.aiter_bytes(), response

    async def _send(
        self, method: str, path: str, headers: Mapping[str, str], body: bytes, *, stream: bool
    ) -> httpx.Response:
        wait = self.breaker.allow()
        if wait is not None:
            raise unavailable(
                "the model's circuit breaker is open after repeated failures", 503, wait
            )
        try:
            return await self._attempts(method, path, headers, body, stream=stream)
        except asyncio.CancelledError:
            self.breaker.abandon()
            raise

    async def _attempts(
        self, method: str, path: str, headers: Mapping[str, str], body: bytes, *, stream: bool
    ) -> httpx.Response:
        import httpx

        attempts = self.model.breaker.retries + 1
        for attempt in range(attempts):
            try:
                response = await self.client.send(
                    self._request(method, path, headers, body), stream=stream
                )
            except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
                if attempt + 1 < attempts:
                    await asyncio.sleep(0.05 * (attempt + 1))
                    continue
                self.breaker.failure()
                raise unavailable(f"cannot connect to the model's server: {exc}", 502) from None
            except httpx.TimeoutException:
                self.breaker.failure()
                raise unavailable("the model's server did not answer in time", 504) from None
            except httpx.HTTPError as exc:
                self.breaker.failure()
                raise unavailable(f"the model's server failed: {type(exc).__name__}", 502) from None
            if response.status_code >= 500:
                self.breaker.failure()
            else:
                self.breaker.success()
            return response
        raise AssertionError("unreachable")  # the loop returns or raises


def _headers(response: httpx.Response) -> list[tuple[bytes, bytes]]:
    return [
        (name.lower(), value)
        for name, value in response.headers.raw
        if name.lower().decode("latin-1") not in HOP_HEADERS | {"content-encoding"}
    ]
