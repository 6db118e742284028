"""A model behind an HTTP endpoint: JSON in, JSON out, with batching, retries, a rate
limit and the query budget. Standard library only (``urllib``), so no extra is needed.

The request is ``POST {input_key: [[...], ...]}``; the response holds ``label_key`` (one
label per row) and, when ``proba_key`` is set, ``proba_key`` (one row of class
probabilities per row). What the endpoint gives is declared, not probed: probing would
spend the user's query budget before any test ran.

Only ``http`` and ``https`` URLs are accepted (``urllib`` would also open ``file:``), and
responses are read up to a size cap: the endpoint is configured by the user but its
answers are still untrusted input.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from aisec.assurance.targets.base import (
    BaseTarget,
    Capability,
    FloatArray,
    IntArray,
    answer_capabilities,
)
from aisec.core.errors import InputError

if TYPE_CHECKING:
    pass

MAX_RESPONSE_BYTES = 64 * 1024 * 1024
# Worth retrying: the service is busy or briefly down. Any other 4xx is our request's fault.
_RETRY_STATUS = {408, 425, 429, 500, 502, 503, 504}


class EndpointError(InputError):
    """The endpoint cannot answer: bad URL, refused request, retries exhausted, bad JSON."""

    def __init__(self, url: str, message: str) -> None:
        super().__init__(
            f"endpoint {url}: {message}",
            hint="check the URL, that the service is up, and its request format",
        )


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Redirects are refused: following one would send the plan's headers (credentials)
    to a host the user never configured, and take that host's answers as the model's."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirect())
_REDIRECTS = frozenset({301, 302, 303, 307, 308})


def public_url(url: str) -> str:
    """``url`` as reports and messages show it: credentials and query values replaced.

    An endpoint URL often carries its secret (``https://user:pw@host``, ``?api_key=...``,
    a bare ``?token``), and reports and run records are shared; the path is kept, as it
    names the model. Anything that does not parse as expected is masked whole.
    """
    from urllib.parse import quote, urlsplit, urlunsplit

    scheme, sep, rest = url.partition("://")
    if not sep:
        return "<URL without a scheme>"
    # Credentials are everything up to the last "@": a "/", "#" or "?" in an unencoded
    # password would otherwise make the rest of it look like the path or the query.
    if "@" in rest:
        rest = "***@" + rest.rpartition("@")[2]
    head, _, query = rest.partition("?")
    head = head.partition("#")[0]
    query = query.partition("#")[0]
    try:
        parts = urlsplit(f"{scheme}://{head}")
    except ValueError:
        return f"{scheme}://<unparsable URL>"
    shown = []
    for pair in query.split("&") if query else []:
        key, eq, _ = pair.partition("=")
        # Only a key=value pair shows its key; a bare token may itself be the secret.
        shown.append(f"{quote(key, safe='%')}=***" if eq else "***")
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "&".join(shown), ""))


class HttpTarget(BaseTarget):
    name = "http"

    def __init__(
        self,
        url: str,
        *,
        classes: Sequence[Any] | None = None,
        input_key: str = "inputs",
        label_key: str = "labels",
        proba_key: str | None = "probabilities",
        headers: Mapping[str, str] | None = None,
        batch_size: int = 64,
        timeout: float = 30.0,
        retries: int = 3,
        backoff: float = 0.5,
        max_requests_per_second: float | None = None,
        budget: int | None = None,
        name: str | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if not url.startswith(("http://", "https://")):
            raise EndpointError(public_url(url), "only http:// and https:// URLs are supported")
        if batch_size < 1 or retries < 0:
            raise ValueError("batch_size must be >= 1 and retries >= 0")
        self.display_url = public_url(url)
        super().__init__(budget=budget, name=name or self.display_url)
        self.url = url
        self._classes = None if classes is None else list(classes)
        self.input_key, self.label_key, self.proba_key = input_key, label_key, proba_key
        self.headers = {"Content-Type": "application/json", **(headers or {})}
        self.batch_size, self.timeout = batch_size, timeout
        self.retries, self.backoff = retries, backoff
        self._interval = 0.0 if not max_requests_per_second else 1.0 / max_requests_per_second
        self._last_request = -float("inf")
        self._sleep = sleep
        self.requests = 0  # HTTP requests sent, retries included

    @property
    def capabilities(self) -> frozenset[Capability]:
        return answer_capabilities(self.proba_key is not None)

    def _post(self, rows: list[Any]) -> dict[str, Any]:
        body = json.dumps({self.input_key: rows}).encode()
        last = ""
        for attempt in range(self.retries + 1):
            wait = self._last_request + self._interval - time.monotonic()
            if wait > 0:
                self._sleep(wait)
            self._last_request = time.monotonic()
            self.requests += 1
            request = urllib.request.Request(self.url, body, self.headers, method="POST")
            retry_after: float | None = None
            try:
                with _OPENER.open(request, timeout=self.timeout) as response:
                    data = response.read(MAX_RESPONSE_BYTES + 1)
                if len(data) > MAX_RESPONSE_BYTES:
                    raise EndpointError(
                        self.display_url, f"response over {MAX_RESPONSE_BYTES} bytes"
                    )
                return _parse(self.display_url, data)
            except urllib.error.HTTPError as exc:
                if exc.code in _REDIRECTS:
                    raise EndpointError(
                        self.display_url,
                        f"redirected elsewhere (HTTP {exc.code}): refused; give the final URL",
                    ) from None
                if exc.code not in _RETRY_STATUS:
                    raise EndpointError(self.display_url, f"HTTP {exc.code} {exc.reason}") from None
                last = f"HTTP {exc.code}"
                retry_after = _seconds(exc.headers.get("Retry-After"))
            except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
                last = str(getattr(exc, "reason", exc))
            if attempt < self.retries:
                delay = self.backoff * 2**attempt
                self._sleep(max(delay, retry_after or 0.0))
        raise EndpointError(
            self.display_url, f"no answer after {self.retries + 1} attempt(s): {last}"
        )

    def _query(self, x: FloatArray, key: str) -> list[Any]:
        return self.answers(x.tolist(), key)

    def answers(self, items: Sequence[Any], key: str) -> list[Any]:
        """``items`` (any JSON values: rows, records, texts) sent in batches; per item,
        the value at the same position of the answer's list ``key``."""
        out: list[Any] = []
        for start in range(0, len(items), self.batch_size):
            rows = list(items[start : start + self.batch_size])
            answer = self._post(rows)
            values = answer.get(key)
            if not isinstance(values, list) or len(values) != len(rows):
                raise EndpointError(
                    self.display_url, f"response has no list {key!r} of {len(rows)}"
                )
            out.extend(values)
        return out

    def _labels(self, x: FloatArray) -> IntArray:
        import numpy as np

        raw = self._query(x, self.label_key)
        if self._classes is None:
            return np.asarray(raw, dtype=np.int64)
        index = {label: i for i, label in enumerate(self._classes)}
        unknown = [v for v in raw if v not in index]
        if unknown:
            raise EndpointError(self.display_url, f"label {unknown[0]!r} is not one of the classes")
        return np.asarray([index[v] for v in raw], dtype=np.int64)

    def _scores(self, x: FloatArray) -> FloatArray:
        import numpy as np

        assert self.proba_key is not None  # guarded by the SCORES capability
        try:
            scores = np.asarray(self._query(x, self.proba_key), dtype=np.float64)
        except (TypeError, ValueError):
            raise EndpointError(
                self.display_url, f"{self.proba_key!r} is not a table of numbers"
            ) from None
        if scores.ndim != 2:
            raise EndpointError(self.display_url, f"{self.proba_key!r} is not one row per input")
        return scores


def _parse(url: str, data: bytes) -> dict[str, Any]:
    try:
        answer = json.loads(data)
    except ValueError:
        raise EndpointError(url, "response is not JSON") from None
    if not isinstance(answer, dict):
        raise EndpointError(url, "response is not a JSON object")
    return answer


def _seconds(value: str | None) -> float | None:
    try:
        return None if value is None else max(0.0, float(value))
    except ValueError:
        return None  # an HTTP date: fall back to the exponential backoff
