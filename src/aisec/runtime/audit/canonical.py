"""The traffic log's canonical values: what a record's fields become before they are
hashed, so that SQLite, PostgreSQL and the spool all hand back exactly what was hashed.

``latency_ms`` is a float column, and floats are where two databases could disagree: it is
hashed as an integer number of microseconds (``latency_us``), rounded once when the entry
is made, and stored as ``latency_us / 1000``. Both SQLite's REAL and PostgreSQL's double
precision hold that double exactly, and ``round(value * 1000)`` gives the same integer back
for any latency below 2**50 µs, so the hash never depends on a float's text form.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime, timedelta
from typing import Any

from aisec.core.errors import ConfigError
from aisec.report import safe_text
from aisec.report.json_report import jsonable

# The columns' lengths (models/gateway.py): cut here, before hashing, so PostgreSQL never
# refuses a row whose hash is already in the tree.
LIMITS = {"client": 100, "model": 100, "route": 40, "action": 20}
MAX_PAYLOAD_STRING = 4096
_MAX_DEPTH = 16
MAX_LATENCY_US = 10**15  # 31 years: beyond it the float would no longer round-trip
_STREAM = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def check_stream(stream: str) -> str:
    """A stream names a column value and a spool file: letters, digits, ``_.-``, 64 at most,
    never starting with a dot (no hidden files, no ``..``)."""
    if not _STREAM.fullmatch(stream):
        raise ConfigError(
            f"invalid traffic log stream name {stream!r}",
            hint="use 1-64 letters, digits, '_', '.' or '-', starting with a letter or digit",
        )
    return stream


def latency_us(latency_ms: float) -> int:
    """The canonical latency: whole microseconds, 0 for what is not a finite duration."""
    if not isinstance(latency_ms, int | float) or not math.isfinite(latency_ms):
        return 0
    # Clamped before the multiplication: a huge float times 1000 overflows to infinity.
    return round(min(max(float(latency_ms), 0.0), MAX_LATENCY_US / 1000) * 1000)


def from_micros(micros: int) -> datetime:
    return _EPOCH + timedelta(microseconds=micros)


def clean_text(name: str, value: object) -> str:
    # Lone surrogates and NUL are what a database refuses (store/session.clean's rule).
    text = safe_text(str(value)).replace("\x00", "\\x00")
    return text[: LIMITS[name]]


def plain_json(value: Any, depth: int) -> Any:
    """``value`` as plain JSON that every database hands back unchanged: str keys, finite
    floats, lists, strings of bounded length. The common types are handled here (this runs
    once per request); anything else goes through the report's slower ``jsonable``.
    Lone surrogates stay: JSON escapes them, both databases keep the escape, and
    canonical_json hashes them the same way before and after."""
    kind = type(value)
    if kind is str:
        return value if len(value) <= MAX_PAYLOAD_STRING else value[:MAX_PAYLOAD_STRING]
    if value is None or kind is bool or kind is int:
        return value
    if kind is float:
        return value if math.isfinite(value) else str(value)
    if depth >= _MAX_DEPTH:
        return "…"
    if kind is dict:
        return {
            (key if type(key) is str else str(plain_json(key, depth + 1))): plain_json(
                item, depth + 1
            )
            for key, item in value.items()
        }
    if kind is list or kind is tuple:
        return [plain_json(item, depth + 1) for item in value]
    return jsonable(value, max_str=MAX_PAYLOAD_STRING)


def typed(data: dict[str, Any], name: str, kind: type) -> Any:
    value = data.get(name)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise ValueError(f"{name} is not a {kind.__name__}")
    return value


def parse_timestamp(text: str) -> datetime:
    """The inverse of governance records.timestamp (ValueError for anything else)."""
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
