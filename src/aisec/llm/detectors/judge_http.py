"""One chat completion from a user-configured OpenAI-compatible endpoint, bounded.

Only ``http``/``https`` URLs; no redirects (a redirect would carry the API key to a host
the user did not name); the answer is read up to :data:`MAX_RESPONSE_BYTES`; transient
failures (connection errors, timeouts, HTTP 429 and 5xx) are retried ``retries`` times.
Every failure is raised as :class:`JudgeUnavailable` with a message fit for evidence:
never the key, never the request body.
"""

from __future__ import annotations

import http.client
import json
import time
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlsplit, urlunsplit

MAX_RESPONSE_BYTES = 1_000_000
RETRYABLE = frozenset({429, 500, 502, 503, 504})


class JudgeUnavailable(Exception):
    """The judge could not give an answer; the message says why."""


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # urllib then raises HTTPError for the 3xx answer


def endpoint(url: str) -> str:
    """The chat-completions URL for a base URL (``.../v1``) or a full one; a query
    string (``?api-version=...``) stays after the path."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise JudgeUnavailable("judge URL must be http(s)://host/...")
    path = parts.path.rstrip("/")
    if not path.endswith("/chat/completions"):
        path += "/chat/completions"
    return urlunsplit((parts.scheme, parts.netloc, path, parts.query, ""))


def shown(url: str) -> str:
    """``url`` without user information or query, for messages."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}{parts.path}"


def _once(url: str, body: bytes, headers: dict[str, str], timeout: float) -> str:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    opener = urllib.request.build_opener(_NoRedirect)
    # urllib's timeout bounds each socket operation only: a server dripping a byte at a
    # time would hold the judge (and its worker thread) for hours. A deadline on the whole.
    deadline = time.monotonic() + timeout
    with opener.open(request, timeout=timeout) as response:
        raw = bytearray()
        while len(raw) <= MAX_RESPONSE_BYTES:
            if time.monotonic() > deadline:
                raise JudgeUnavailable(f"no complete answer within {timeout:g} s")
            chunk = response.read1(CHUNK)
            if not chunk:
                break
            raw += chunk
    if len(raw) > MAX_RESPONSE_BYTES:
        raise JudgeUnavailable(f"answer larger than {MAX_RESPONSE_BYTES} bytes")
    try:
        content = json.loads(raw)["choices"][0]["message"]["content"]
    except (ValueError, KeyError, IndexError, TypeError, RecursionError) as exc:
        raise JudgeUnavailable(f"not a chat completion ({type(exc).__name__})") from None
    if not isinstance(content, str):
        raise JudgeUnavailable("the completion has no text content")
    return content


CHUNK = 1 << 14


def complete(
    url: str,
    payload: dict[str, Any],
    *,
    api_key: str | None,
    timeout: float,
    retries: int,
    backoff: float,
) -> str:
    """The text of the first choice of a chat completion for ``payload``."""
    target = endpoint(url)
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if api_key:
        headers["Authorization"] = f"Bearer {api_key}"
    body = json.dumps(payload).encode("utf-8")
    last = "no attempt made"
    for attempt in range(max(0, retries) + 1):
        if attempt:
            time.sleep(backoff * attempt)
        try:
            return _once(target, body, headers, timeout)
        except urllib.error.HTTPError as exc:
            last = f"HTTP {exc.code}"
            if exc.code not in RETRYABLE:
                break
        except (OSError, http.client.HTTPException) as exc:  # URLError, timeouts, resets
            reason = getattr(exc, "reason", exc)
            last = f"{type(exc).__name__}: {reason}"
    raise JudgeUnavailable(f"{last} from {shown(target)}")
