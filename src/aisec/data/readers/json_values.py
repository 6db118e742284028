"""JSON values as cell text. Numbers keep the digits they were written with (a 19-digit
id stays a 19-digit id, ``1.50`` stays ``1.50``); objects are flattened into dotted
column names down to a depth cap; lists, and objects below the cap, become JSON text."""

from __future__ import annotations

import json
from typing import Any


class RawNumber(str):
    """A JSON number, kept as its source text."""

    __slots__ = ()


# One decoder for all lines: json.loads with hooks would build a new one per call.
_DECODER = json.JSONDecoder(parse_int=RawNumber, parse_float=RawNumber, parse_constant=RawNumber)


def loads(text: str) -> Any:
    return _DECODER.decode(text)


def flatten(record: dict[str, Any], max_depth: int) -> dict[str, str | None]:
    """Dotted names to cell text; an object at depth ``max_depth`` is kept as JSON text."""
    cells: dict[str, str | None] = {}
    for key, value in record.items():
        # Plain strings are most values: they skip the checks below.
        if type(value) is str:
            cells[key] = value
        elif isinstance(value, dict) and value and max_depth > 1:
            _flatten(value, max_depth, key + ".", 2, cells)
        else:
            cells[key] = cell_text(value)
    return cells


def _flatten(
    record: dict[str, Any], max_depth: int, prefix: str, depth: int, cells: dict[str, str | None]
) -> None:
    for key, value in record.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and value and depth < max_depth:
            _flatten(value, max_depth, name + ".", depth + 1, cells)
        else:
            cells[name] = cell_text(value)


def nesting_depth(value: Any) -> int:
    """How deep lists and objects nest, counted without recursion."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            deepest = max(deepest, depth)
            stack.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, list):
            deepest = max(deepest, depth)
            stack.extend((child, depth + 1) for child in item)
    return deepest


def cell_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return str.__str__(value)
    if value is True:
        return "true"
    if value is False:
        return "false"
    return to_json(value)


def to_json(value: Any) -> str:
    """Compact JSON text for lists and objects, numbers as written."""
    parts: list[str] = []
    _write(value, parts)
    return "".join(parts)


def _write(value: Any, parts: list[str]) -> None:
    if isinstance(value, RawNumber):
        parts.append(str.__str__(value))
    elif isinstance(value, str):
        parts.append(json.dumps(value, ensure_ascii=False))
    elif value is None or isinstance(value, bool):
        parts.append(json.dumps(value))
    elif isinstance(value, dict):
        parts.append("{")
        for index, (key, item) in enumerate(value.items()):
            if index:
                parts.append(",")
            parts.append(json.dumps(str(key), ensure_ascii=False) + ":")
            _write(item, parts)
        parts.append("}")
    elif isinstance(value, list):
        parts.append("[")
        for index, item in enumerate(value):
            if index:
                parts.append(",")
            _write(item, parts)
        parts.append("]")
    else:
        parts.append(json.dumps(str(value), ensure_ascii=False))
