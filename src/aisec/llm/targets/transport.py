"""The HTTP edge shared by the HTTP targets: one request, its failures mapped to
:class:`~aisec.core.errors.TargetError` subclasses, its answer read under a size cap.

The endpoint is the user's choice, but what it answers is untrusted: redirects are never
followed (they would carry the API key to a host nobody configured), answers stop at
:data:`MAX_ANSWER_BYTES` whether streamed or not and are read as sent (a compressed
answer is refused: no decoder runs, since a few hundred bytes of brotli inflate to
gigabytes), and the secrets sent are scrubbed from every message and transcript, since
error bodies sometimes echo them.
"""

from __future__ import annotations

import asyncio
import email.utils
import importlib.util
import ipaddress
import json
import os
import re
import time
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

from aisec.assurance.targets.http_target import public_url
from aisec.core.errors import (
    ConfigError,
    TargetAnswerInvalid,
    TargetError,
    TargetRefused,
    TargetUnavailable,
)
from aisec.llm.targets.redaction import Redactor

if TYPE_CHECKING:
    import httpx

MAX_ANSWER_BYTES = 8 * 1024 * 1024
ERROR_BODY_BYTES = 64 * 1024  # of an error answer, enough for its message
_RETRYABLE = frozenset({408, 425, 429, 500, 502, 503, 504})
_HOST = re.compile(rb"[A-Za-z0-9._~-]+")
_HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
_HEADER_VALUE = re.compile(r"[\t\x20-\x7e]*")


def check_url(url: str) -> str:
    """``url`` when it is an http(s) URL that can be sent to; a :class:`ConfigError`
    naming what is wrong (never at the first request)."""
    scheme, sep, rest = url.partition("://")
    if not sep or scheme.lower() not in ("http", "https") or not rest.strip("/"):
        raise ConfigError(
            f"target URL {public_url(url)}: only http:// and https:// URLs are supported",
            hint="write the endpoint as https://host/path",
        )
    if importlib.util.find_spec("httpx") is None:
        return url  # HttpChannel says that httpx is missing
    import httpx

    try:
        parsed = httpx.URL(url)
        host, port = parsed.raw_host, parsed.port
    except (httpx.InvalidURL, ValueError, UnicodeError):
        host, port = b"", None
    if not _valid_host(host) or not (port is None or 0 < port < 65536):
        raise ConfigError(f"target URL {public_url(url)}: not a valid host and port",
                          hint="write the endpoint as https://host[:port]/path")  # fmt: skip
    return url


def _valid_host(host: bytes) -> bool:
    if b":" in host:  # an IPv6 address, its brackets taken off
        try:
            ipaddress.IPv6Address(host.decode("ascii"))
        except ValueError:
            return False
        return True
    return _HOST.fullmatch(host) is not None and host.strip(b".") != b""


def check_headers(headers: Mapping[str, str]) -> None:
    """Headers that HTTP can carry: the error names the header, never its value."""
    for name, value in headers.items():
        if not _HEADER_NAME.fullmatch(name):
            raise ConfigError(f"header name {name!r} is not a valid HTTP header name")
        if not _HEADER_VALUE.fullmatch(value) or value != value.strip():
            raise ConfigError(
                f"the value of header {name} is not plain ASCII text",
                hint="check the environment variable: no accents, line breaks or spaces "
                "around the value",
            )


def env_headers(headers_env: Mapping[str, str]) -> dict[str, str]:
    """Header values read from the environment variables named (header -> variable), so
    that secrets live in the environment and never in a plan or a run record."""
    headers = {}
    for header, variable in headers_env.items():
        value = os.environ.get(variable)
        if not value:
            raise ConfigError(f"environment variable {variable} (for header {header}) is not set",
                              hint=f"export {variable}=... before the run")  # fmt: skip
        headers[header] = value
    return headers


def retry_after(value: str | None, now: float | None = None) -> float | None:
    """Retry-After as seconds: a number, or an HTTP date; None when absent or unreadable."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return max(0.0, when - (time.time() if now is None else now))


class HttpChannel:
    """One endpoint, its fixed headers, and an httpx client that never redirects."""

    def __init__(self, url: str, headers: Mapping[str, str], timeout: float,
                 redactor: Redactor) -> None:  # fmt: skip
        if importlib.util.find_spec("httpx") is None:
            raise ConfigError("HTTP targets need httpx", hint="pip install 'aisec[redteam]'")
        check_headers(headers)
        self.url, self.shown, self.redactor = check_url(url), public_url(url), redactor
        self.timeout, self.headers = timeout, dict(headers)
        self._client: httpx.AsyncClient | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def client(self) -> httpx.AsyncClient:
        """The client of the running event loop. A client's connections belong to the loop
        that opened them, and a script may run one loop after another (``asyncio.run``
        per step); the client of a finished loop is dropped, as it can no longer be used
        or closed."""
        import httpx

        loop = asyncio.get_running_loop()
        if self._client is None or self._loop is not loop:
            self._loop = loop
            self._client = httpx.AsyncClient(
                follow_redirects=False,
                timeout=httpx.Timeout(self.timeout, connect=min(self.timeout, 10.0)),
                # Compressed answers are refused (see open), so none is asked for.
                headers={**self.headers, "Accept-Encoding": "identity"},
            )
        return self._client

    @asynccontextmanager
    async def open(self, method: str, body: Any, total: float) -> AsyncIterator[httpx.Response]:
        """The response to ``body`` once its status is a success; ``total`` bounds the
        whole exchange, since a server may trickle bytes just inside the read timeout."""
        import httpx

        try:
            async with asyncio.timeout(total):
                async with self.client().stream(method, self.url, json=body) as response:
                    encoding = _content_encoding(response)
                    if not 200 <= response.status_code < 300:
                        text = "(a compressed body, not read)"
                        if encoding is None:
                            data = await read_some(response, ERROR_BODY_BYTES)
                            cut = len(data) >= ERROR_BODY_BYTES  # may end inside a secret
                            text = self.redactor.text(data.decode(errors="replace"), partial=cut)
                        raise self.status_error(response, text)
                    if encoding is not None:
                        raise TargetAnswerInvalid(
                            f"{self.shown}: the answer is compressed ({encoding[:40]}); "
                            "only uncompressed answers are read",
                            hint="configure the server or gateway not to compress answers",
                        )
                    yield response
        except TimeoutError:
            raise TargetUnavailable(f"{self.shown}: no complete answer within {total:g} s",
                                    hint="raise the target's timeout") from None  # fmt: skip
        except httpx.TimeoutException as exc:
            raise TargetUnavailable(f"{self.shown}: timed out ({type(exc).__name__})") from None
        except httpx.TransportError as exc:
            reason = self.redactor.text(str(exc)) or type(exc).__name__
            raise TargetUnavailable(f"{self.shown}: cannot connect or read: {reason}",
                                    hint="check that the endpoint is up") from None  # fmt: skip

    def status_error(self, response: httpx.Response, text: str) -> TargetError:
        status = response.status_code
        if 300 <= status < 400:
            where = public_url(response.headers.get("location", "")) or "?"
            return TargetRefused(f"{self.shown}: redirect (HTTP {status}) to {where} refused",
                                 hint="configure the final URL; redirects are never followed",
                                 status=status)  # fmt: skip
        detail = _error_detail(text, self.redactor)
        message = f"{self.shown}: HTTP {status}: {detail}"
        if status in _RETRYABLE:
            wait = retry_after(response.headers.get("retry-after"))
            return TargetUnavailable(message, status=status, retry_after=wait)
        hint = "check the API key and model name" if status in (401, 403, 404) else None
        return TargetRefused(message, status=status, hint=hint)

    async def aclose(self) -> None:
        if self._client is not None and self._loop is asyncio.get_running_loop():
            await self._client.aclose()
        self._client = self._loop = None


async def read_capped(response: httpx.Response, cap: int = MAX_ANSWER_BYTES) -> bytes:
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > cap:
        raise too_large(cap)
    parts, size = [], 0
    async for chunk in response.aiter_raw():  # as sent: no decoder runs
        size += len(chunk)
        if size > cap:
            raise too_large(cap)
        parts.append(chunk)
    return b"".join(parts)


async def read_some(response: httpx.Response, limit: int) -> bytes:
    """The first ``limit`` bytes, for an error body: the rest is not worth reading."""
    parts, size = [], 0
    async for chunk in response.aiter_raw():
        parts.append(chunk[: limit - size])
        size += len(parts[-1])
        if size >= limit:
            break
    return b"".join(parts)


def too_large(cap: int) -> TargetAnswerInvalid:
    return TargetAnswerInvalid(f"the answer is larger than {cap} bytes; it was not read")


def _content_encoding(response: httpx.Response) -> str | None:
    """The answer's Content-Encoding, None when it has none (or "identity")."""
    value = response.headers.get("content-encoding", "")
    codings = [c.strip().lower() for c in value.split(",")]
    return None if all(c in ("", "identity") for c in codings) else value


def _error_detail(text: str, redactor: Redactor) -> str:
    """An error body in one short line, scrubbed before it is cut: OpenAI's
    ``error.message`` when present."""
    try:
        body = json.loads(text)
    except (ValueError, RecursionError):
        body = None
    if isinstance(body, Mapping):
        error = body.get("error")
        if isinstance(error, Mapping) and isinstance(error.get("message"), str):
            text = error["message"]
        elif isinstance(error, str):
            text = error
    return redactor.cut(" ".join(redactor.text(text).split()), 300) or "(no body)"
