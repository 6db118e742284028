"""The JSON report of a test plan: :meth:`PlanReport.to_dict` as strict JSON.

Undefined metrics (NaN) and unbounded ones (±inf) are written as ``null``: strict JSON has
no token for them, and ``null`` is what a reader of any language can load. Details and
params come from test code and may hold numpy scalars or arrays; they become plain numbers
and lists. Keys are sorted so that two runs of one plan diff line by line.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from datetime import date
from enum import Enum
from pathlib import PurePath
from typing import Any

from aisec.assurance.plans.result import PlanReport
from aisec.report import safe_text

SCHEMA = "aisec.test-report/1"
# Details are producer-defined and may nest without bound (or refer to themselves).
_MAX_DEPTH = 64


def plain(value: object) -> Any:
    """``value`` as JSON data: str keys, lists, finite numbers or null, encodable text."""
    return _plain(value, 0)


def _plain(value: object, depth: int) -> Any:
    if value is None or isinstance(value, bool | str | int | float):
        return _scalar(value)
    if _is_numpy(value):
        # ``tolist`` turns numpy scalars into Python numbers and arrays into nested lists.
        return _plain(value.tolist(), depth)  # type: ignore[attr-defined]
    if isinstance(value, Enum):
        return _plain(value.value, depth)
    if isinstance(value, PurePath):
        return safe_text(str(value))
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return safe_text(bytes(value).decode("ascii", "backslashreplace"))
    if depth >= _MAX_DEPTH:
        return "…"
    return _container(value, depth + 1)


def _scalar(value: bool | str | int | float | None) -> Any:
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, str):
        return safe_text(value)
    if isinstance(value, int):
        return int(value)  # an IntEnum or other int subclass is written as its number
    return float(value) if math.isfinite(value) else None


def _is_numpy(value: object) -> bool:
    # Duck-typed so that rendering a report never imports numpy.
    return type(value).__module__ == "numpy" and callable(getattr(value, "tolist", None))


def _container(value: object, depth: int) -> Any:
    if isinstance(value, Mapping):
        return {_key(k): _plain(v, depth) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v, depth) for v in value]
    if isinstance(value, set | frozenset):
        # Set order changes between processes (hash seeds): sort for stable output.
        items = [_plain(v, depth) for v in value]
        return sorted(items, key=lambda item: json.dumps(item, sort_keys=True))
    to_dict = getattr(value, "to_dict", None)
    if callable(to_dict):
        try:
            return _plain(to_dict(), depth)
        except Exception:  # best effort: one odd detail must not lose the whole report
            pass
    return safe_text(_repr(value))


def _key(key: object) -> str:
    if isinstance(key, str):
        return safe_text(key)
    converted = _plain(key, _MAX_DEPTH)
    return safe_text(converted if isinstance(converted, str) else json.dumps(converted))


def _repr(value: object) -> str:
    try:
        return repr(value)
    except Exception:  # a broken __repr__ must not stop the report
        return f"<unrepresentable {type(value).__name__}>"


def plan_dict(report: PlanReport) -> dict[str, Any]:
    """The report as JSON data, with its ``schema`` tag."""
    out: dict[str, Any] = plain(report.to_dict())
    out["schema"] = SCHEMA
    return out


def render_plan_json(report: PlanReport) -> str:
    body = json.dumps(
        plan_dict(report), ensure_ascii=False, indent=2, allow_nan=False, sort_keys=True
    )
    return body + "\n"
