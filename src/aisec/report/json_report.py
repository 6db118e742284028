"""The JSON report: the run record as data, plus the verdict against ``fail_on``."""

from __future__ import annotations

import json
import math
import os
from collections.abc import Mapping
from datetime import date
from enum import Enum
from pathlib import PurePath
from typing import Any

from aisec.core.run import Run
from aisec.core.severity import Severity
from aisec.report import printable, safe_text, shorten

# Evidence is producer-defined and may nest without bound (or refer to itself).
_MAX_DEPTH = 32


def jsonable(value: object, *, max_str: int | None = None) -> Any:
    """``value`` as plain JSON data: str keys, lists, finite numbers, encodable text.

    Anything unknown becomes its ``repr``; strings longer than ``max_str`` are shortened.
    """
    return _convert(value, max_str, 0)


def _convert(value: object, max_str: int | None, depth: int) -> Any:
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, Severity):
        return value.label
    if isinstance(value, Enum):
        return _convert(value.value, max_str, depth)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        # JSON has no NaN or infinity; strict parsers reject them.
        return value if math.isfinite(value) else str(value)
    if isinstance(value, str | PurePath):
        return _text(os.fspath(value), max_str)
    if isinstance(value, bytes | bytearray | memoryview):
        # Raw bytes (a payload excerpt) are shown byte by byte: ASCII stays, the rest is \xNN.
        return _text(printable(bytes(value).decode("ascii", "backslashreplace")), max_str)
    if isinstance(value, date):
        return value.isoformat()
    if depth >= _MAX_DEPTH:
        return "…"
    return _convert_container(value, max_str, depth + 1)


def _convert_container(value: object, max_str: int | None, depth: int) -> Any:
    if isinstance(value, Mapping):
        return {_key(k, max_str, depth): _convert(v, max_str, depth) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_convert(v, max_str, depth) for v in value]
    if isinstance(value, set | frozenset):
        # Set order changes between processes (hash seeds): sort for stable output.
        items = [_convert(v, max_str, depth) for v in value]
        return sorted(items, key=lambda item: json.dumps(item, sort_keys=True))
    to_dict = getattr(value, "to_dict", None)
    if callable(to_dict):
        return _convert(_call_or_repr(to_dict, value), max_str, depth)
    return _text(_safe_repr(value), max_str)


def _call_or_repr(to_dict: Any, value: object) -> object:
    try:
        return to_dict()
    except Exception:  # evidence is best effort: the finding itself must still render
        return _safe_repr(value)


def _key(key: object, max_str: int | None, depth: int) -> str:
    return _text(key if isinstance(key, str) else str(_convert(key, None, depth)), max_str)


def _safe_repr(value: object) -> str:
    try:
        return repr(value)
    except Exception:  # a broken __repr__ must not stop the report
        return f"<unrepresentable {type(value).__name__}>"


def _text(text: str, max_str: int | None) -> str:
    text = safe_text(text)
    return shorten(text, max_str) if max_str is not None else text


def report_dict(run: Run, fail_on: Severity) -> dict[str, Any]:
    """:meth:`Run.to_dict` made JSON-safe, with ``fail_on`` and the resulting ``exit_code``."""
    out: dict[str, Any] = jsonable(run.to_dict())
    out["fail_on"] = fail_on.label
    out["exit_code"] = run.exit_code(fail_on)
    return out


def render_json(run: Run, fail_on: Severity) -> str:
    text = json.dumps(report_dict(run, fail_on), ensure_ascii=False, indent=2, allow_nan=False)
    return text + "\n"
