"""Arrow columns as cell text. Integers and decimals keep every digit; floats that hold a
whole number print as that number (a card number stored as a double comes out as its 16
digits, not ``4.111e+15``); timestamps are ISO 8601 with ``Z`` or the offset; binary
values that are valid UTF-8 are that text, other binary is ``base64:`` and its base64;
lists and maps are JSON text; structs are flattened into dotted names by the caller."""

from __future__ import annotations

import base64
import json
import math
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from aisec.data.readers.arrow_sizes import dictionary_sizes, text_bound
from aisec.data.readers.json_values import RawNumber, to_json

# Floats below this print as plain digits when whole; beyond it digits are mostly noise.
_PLAIN_FLOAT_LIMIT = 1e21


def column_text(
    pa: Any, pc: Any, array: Any, max_cell_bytes: int
) -> tuple[list[str | None], list[int]]:
    """(cell text, indices of cells left out for being over ``max_cell_bytes``)."""
    kind = array.type
    types = pa.types
    if types.is_dictionary(kind):
        return _dictionary_text(pa, pc, array, max_cell_bytes)
    if isinstance(kind, pa.ExtensionType):
        return column_text(pa, pc, array.storage, max_cell_bytes)
    if types.is_string_view(kind) or types.is_binary_view(kind):
        plain = pa.large_string() if types.is_string_view(kind) else pa.large_binary()
        return column_text(pa, pc, pc.cast(array, plain), max_cell_bytes)
    if types.is_string(kind) or types.is_large_string(kind):
        return _capped(pa, pc, array, max_cell_bytes, lambda a: a.to_pylist())
    if types.is_binary(kind) or types.is_large_binary(kind) or types.is_fixed_size_binary(kind):
        return _capped(pa, pc, array, max_cell_bytes, _binaries)
    scalars = _scalar_text(pa, pc, array)
    if scalars is not None:
        return scalars, []
    nested: list[str | None] = []
    dropped: list[int] = []
    _nested_cells(pa, pc, array, 0, max_cell_bytes, nested, dropped)
    return nested, dropped


def _nested_cells(
    pa: Any, pc: Any, array: Any, offset: int, cap: int, out: list[str | None], dropped: list[int]
) -> None:
    """Lists, maps and unions as JSON text, converted a run of cells at a time: a run
    whose values cannot add up to more than ``cap`` characters is converted whole, a
    longer one is halved, and a single cell over the cap is left out before Python ever
    builds its value (one row of a small file can hold a list of millions of zeros)."""
    if len(array) > 1 and text_bound(pa, pc, array) > cap:
        half = len(array) // 2
        _nested_cells(pa, pc, array.slice(0, half), offset, cap, out, dropped)
        _nested_cells(pa, pc, array.slice(half), offset + half, cap, out, dropped)
        return
    if len(array) == 1 and text_bound(pa, pc, array) > cap:
        out.append(None)
        dropped.append(offset)
        return
    for index, value in enumerate(array.to_pylist()):
        cell = _nested(value)
        if cell is not None and len(cell) > cap:
            cell = None
            dropped.append(offset + index)
        out.append(cell)


def _dictionary_text(
    pa: Any, pc: Any, array: Any, max_cell_bytes: int
) -> tuple[list[str | None], list[int]]:
    """A dictionary-encoded column, with values over the cap dropped before decoding."""
    sizes = dictionary_sizes(pa, pc, array)
    if sizes is None or (pc.max(sizes).as_py() or 0) <= max_cell_bytes:
        return column_text(pa, pc, array.dictionary_decode(), max_cell_bytes)
    over = pc.fill_null(pc.greater(sizes, max_cell_bytes), False)
    dropped = [index for index, flag in enumerate(over.to_pylist()) if flag]
    indices = pc.if_else(over, pa.scalar(None, array.indices.type), array.indices)
    kept = pa.DictionaryArray.from_arrays(indices, array.dictionary)
    cells, _ = column_text(pa, pc, kept.dictionary_decode(), max_cell_bytes)
    return cells, dropped


def _scalar_text(pa: Any, pc: Any, array: Any) -> list[str | None] | None:
    """Text of a column of numbers, dates, times or flags; None for other types."""
    kind = array.type
    types = pa.types
    if types.is_integer(kind) or types.is_boolean(kind) or types.is_date(kind):
        cells: list[str | None] = pc.cast(array, pa.string()).to_pylist()
        return cells
    if types.is_time(kind) or types.is_decimal(kind):
        return [_plain(v) for v in array.to_pylist()]
    if types.is_floating(kind):
        return _floats(pa, pc, array)
    if types.is_timestamp(kind):
        return _timestamps(pa, pc, array)
    if types.is_duration(kind):
        counts = pc.cast(pc.cast(array, pa.int64()), pa.string()).to_pylist()
        return [None if c is None else f"{c}{kind.unit}" for c in counts]
    if types.is_null(kind):
        return [None] * len(array)
    return None


def _capped(
    pa: Any, pc: Any, array: Any, cap: int, convert: Callable[[Any], list[str | None]]
) -> tuple[list[str | None], list[int]]:
    """Converts a string or binary column, leaving out values longer than ``cap``."""
    sizes = pc.binary_length(array)
    if (pc.max(sizes).as_py() or 0) <= cap:
        return convert(array), []
    over = pc.greater(sizes, cap)
    dropped = [index for index, flag in enumerate(over.to_pylist()) if flag]
    cells = convert(pc.if_else(over, pa.scalar(None, array.type), array))
    return cells, dropped


def _plain(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, Decimal):
        return format(value, "f")
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _floats(pa: Any, pc: Any, array: Any) -> list[str | None]:
    cells: list[str | None] = pc.cast(array, pa.string()).to_pylist()
    for index, cell in enumerate(cells):
        if cell is not None and "e" in cell:
            value = array[index].as_py()
            if value.is_integer() and abs(value) < _PLAIN_FLOAT_LIMIT:
                cells[index] = str(int(value))
    return cells


def _timestamps(pa: Any, pc: Any, array: Any) -> list[str | None]:
    text = pc.cast(array, pa.string())
    text = pc.replace_substring_regex(text, pattern=r"^(\d{4,}-\d\d-\d\d) ", replacement=r"\1T")
    if array.type.tz is not None:
        text = pc.replace_substring_regex(text, pattern=r"[+-]00:?00$", replacement="Z")
        text = pc.replace_substring_regex(text, pattern=r"([+-]\d\d)(\d\d)$", replacement=r"\1:\2")
    cells: list[str | None] = text.to_pylist()
    return cells


def _binaries(array: Any) -> list[str | None]:
    return [_binary(value) for value in array.to_pylist()]


def _binary(value: bytes | None) -> str | None:
    if value is None:
        return None
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        return "base64:" + base64.b64encode(value).decode("ascii")


def _nested(value: Any) -> str | None:
    if value is None:
        return None
    return to_json(_jsonable(value))


def _jsonable(value: Any) -> Any:
    """Python values from Arrow lists, maps and unions, made JSON-friendly."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        if value and all(isinstance(p, tuple) and len(p) == 2 for p in value):
            pairs = [(str(k), _jsonable(v)) for k, v in value]  # a map's (key, value) pairs
            return (
                dict(pairs)
                if len({k for k, _ in pairs}) == len(pairs)
                else [list(p) for p in pairs]
            )
        return [_jsonable(v) for v in value]
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, bytes):
        return _binary(value)
    if isinstance(value, int):
        return RawNumber(value)
    if isinstance(value, float):
        return RawNumber(json.dumps(value) if math.isfinite(value) else str(value))
    if isinstance(value, Decimal):
        return RawNumber(format(value, "f"))
    return _plain(value)
