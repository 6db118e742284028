"""Measuring Arrow values before Python builds them: a lower bound of their text length
and the size of dictionary-encoded text once decoded, both from lengths and offsets only.
A small file can hold one value referenced by every row, or one list of millions of
zeros; these numbers let the caller leave such values out before converting them."""

from __future__ import annotations

from typing import Any


def has_bytes(types: Any, kind: Any) -> bool:
    return bool(
        types.is_string(kind)
        or types.is_large_string(kind)
        or types.is_binary(kind)
        or types.is_large_binary(kind)
        or types.is_fixed_size_binary(kind)
    )


def text_bound(pa: Any, pc: Any, array: Any) -> int:
    """A lower bound of the JSON text length of all values of ``array``: every value takes
    at least one character, and strings and binaries at least their bytes. Counted from
    lengths and offsets only, without converting a value."""
    types = pa.types
    total = 0
    stack = [array]
    while stack:
        current = stack.pop()
        kind = current.type
        total += len(current)
        if isinstance(kind, pa.ExtensionType):
            stack.append(current.storage)
        elif types.is_struct(kind):
            stack.extend(current.flatten())
        elif types.is_map(kind) and len(current):
            # Keys and items of a map ignore a slice; its offsets do not.
            offsets = current.offsets
            start, end = offsets[0].as_py(), offsets[len(offsets) - 1].as_py()
            stack.append(current.keys.slice(start, end - start))
            stack.append(current.items.slice(start, end - start))
        elif (
            types.is_list(kind)
            or types.is_large_list(kind)
            or types.is_fixed_size_list(kind)
            or types.is_list_view(kind)
            or types.is_large_list_view(kind)
        ):
            stack.append(current.flatten())
        elif has_bytes(types, kind):
            total += pc.sum(pc.binary_length(current)).as_py() or 0
        elif types.is_dictionary(kind):
            # Counted as decoded: one long entry may be referenced by every element.
            sizes = dictionary_sizes(pa, pc, current)
            total += 0 if sizes is None else pc.sum(sizes).as_py() or 0
    return total


def dictionary_sizes(pa: Any, pc: Any, array: Any) -> Any | None:
    """Bytes each value of a dictionary-encoded string or binary array takes once decoded
    (None for other value types): one long entry may be referenced by every row."""
    if not has_bytes(pa.types, array.type.value_type):
        return None
    return pc.take(pc.binary_length(array.dictionary), array.indices)


def decoded_nbytes(pa: Any, pc: Any, batch: Any) -> int:
    """Bytes a record batch takes with its string dictionaries decoded."""
    total = 0
    types = pa.types
    for column in batch.columns:
        kind = column.type
        sizes = dictionary_sizes(pa, pc, column) if types.is_dictionary(kind) else None
        if sizes is not None:
            total += (pc.sum(sizes).as_py() or 0) + column.indices.nbytes
        elif types.is_nested(kind) and not types.is_dictionary(kind):
            # A dictionary inside a struct or a list counts its entries once in nbytes.
            total += max(column.nbytes, text_bound(pa, pc, column))
        else:
            total += column.nbytes
    return total
