"""Size consistency of ONNX tensors, read from TensorProto without the onnx package.

A runtime sizes its buffers from ``dims`` and ``data_type`` and copies from
``raw_data``, the typed fields or an external file: when they disagree, a loader either
rejects the model or reads past what is there. Shapes whose byte size overflows or
reaches absurd sizes are a resource attack on whoever loads the model.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field

from aisec.modelfile.formats.protobuf import LENGTH, VARINT, Buffer, fields, varints

# Bits per element of each TensorProto.DataType with a fixed width; STRING (8) and the
# 6-bit float formats (27, 28), whose packing is not settled, are not size-checked.
ELEMENT_BITS = {
    1: 32, 2: 8, 3: 8, 4: 16, 5: 16, 6: 32, 7: 64, 9: 8, 10: 16, 11: 64, 12: 32, 13: 64,
    14: 64, 15: 128, 16: 16, 17: 8, 18: 8, 19: 8, 20: 8, 21: 4, 22: 4, 23: 4, 24: 8,
    25: 2, 26: 2,
}  # fmt: skip
# The typed field that holds each data type's values, and values per element.
FLOAT_DATA, INT32_DATA, STRING_DATA, INT64_DATA, DOUBLE_DATA, UINT64_DATA = 4, 5, 6, 7, 10, 11
TYPED_FIELDS = {
    1: (FLOAT_DATA, 1), 6: (INT32_DATA, 1), 7: (INT64_DATA, 1), 8: (STRING_DATA, 1),
    11: (DOUBLE_DATA, 1), 13: (UINT64_DATA, 1), 14: (FLOAT_DATA, 2), 15: (DOUBLE_DATA, 2),
}  # fmt: skip
# No real tensor comes near 2**40 bytes (1 TiB); past it, size arithmetic in runtimes
# overflows or the allocation alone takes the machine down.
MAX_TENSOR_BYTES = 1 << 40
MAX_TENSORS = 1_000_000
MAX_AXES = 64  # ONNX runtimes cap ranks far below this
CONTINUATION_BYTES = bytes(range(0x80, 0x100))


@dataclass
class TensorFacts:
    name: str = ""
    dims: list[int] = field(default_factory=list)  # the first MAX_AXES of them
    axes: int = 0  # how many the tensor declares
    data_type: int = 0
    raw_bytes: int | None = None
    counts: dict[int, int] = field(default_factory=dict)
    external: dict[str, str] = field(default_factory=dict)


def read_tensor(data: Buffer) -> TensorFacts:
    facts = TensorFacts()
    for number, wire, value in fields(data):
        if number == 1:
            if wire == VARINT and isinstance(value, int):
                _add_axes(facts, (value,))
            elif wire == LENGTH and isinstance(value, Buffer):  # packed dims
                _add_axes(facts, varints(value))
        elif number == 2 and wire == VARINT and isinstance(value, int):
            facts.data_type = value
        elif number == 8 and wire == LENGTH and isinstance(value, Buffer):
            facts.name = bytes(value[:200]).decode("utf-8", "replace")
        elif number == 9 and wire == LENGTH and isinstance(value, Buffer):
            facts.raw_bytes = len(value)
        elif number == 13 and wire == LENGTH and isinstance(value, Buffer):
            key = text = None
            for n, w, v in fields(value):
                if n in (1, 2) and w == LENGTH and isinstance(v, Buffer):
                    decoded = bytes(v[:4096]).decode("utf-8", "replace")
                    key, text = (decoded, text) if n == 1 else (key, decoded)
            if key is not None and text is not None:
                facts.external[key] = text
        elif number in (FLOAT_DATA, INT32_DATA, STRING_DATA, INT64_DATA, DOUBLE_DATA, UINT64_DATA):
            facts.counts[number] = facts.counts.get(number, 0) + _count(number, wire, value)
    return facts


def _signed(value: int) -> int:
    return value - (1 << 64) if value >= 1 << 63 else value


def _add_axes(facts: TensorFacts, values: Iterable[int]) -> None:
    for value in values:
        facts.axes += 1
        if len(facts.dims) < MAX_AXES:
            facts.dims.append(_signed(value))


def _element_count(dims: list[int]) -> int:
    """The product of ``dims``, stopped once it passes 2**63: multiplying thousands of
    large dimensions out would cost quadratic time for a number no runtime accepts."""
    count = 1
    for dim in dims:
        count *= dim
        if count >= 1 << 63:
            return 1 << 63
    return count


def _shape(dims: list[int]) -> str:
    shown = ", ".join(str(d) for d in dims[:8])
    return f"[{shown}{', ...' if len(dims) > 8 else ''}]"


def _count(number: int, wire: int, value: int | Buffer) -> int:
    """Elements in one occurrence of a typed repeated field, packed or not."""
    if wire != LENGTH or not isinstance(value, Buffer) or number == STRING_DATA:
        return 1
    if number == FLOAT_DATA:
        return len(value) // 4
    if number == DOUBLE_DATA:
        return len(value) // 8
    # each varint ends in the one byte whose top bit is clear: count those, in C
    return len(bytes(value).translate(None, CONTINUATION_BYTES))


def tensor_problems(facts: TensorFacts, model_dir: str | None) -> list[tuple[str, str]]:
    """(anomaly kind, detail) for each way the tensor's declared size is wrong."""
    label = f"tensor {facts.name!r}" if facts.name else "unnamed tensor"
    if facts.axes > MAX_AXES:
        return [("tensor-oversized", f"{label} declares {facts.axes} dimensions")]
    if any(d < 0 for d in facts.dims):
        return [("tensor-oversized", f"{label} has a negative dimension {_shape(facts.dims)}")]
    elements = _element_count(facts.dims)
    bits = ELEMENT_BITS.get(facts.data_type)
    expected = None if bits is None else (elements * bits + 7) // 8
    if elements >= 1 << 63 or (expected is not None and expected > MAX_TENSOR_BYTES):
        size = "2**63 or more" if elements >= 1 << 63 else str(elements)
        return [
            ("tensor-oversized", f"{label} declares shape {_shape(facts.dims)}: {size} elements")
        ]
    problems: list[tuple[str, str]] = []
    if expected is not None and facts.raw_bytes is not None and facts.raw_bytes != expected:
        problems.append(
            (
                "tensor-inconsistent",
                f"{label}: raw_data holds {facts.raw_bytes} bytes, shape {_shape(facts.dims)} of "
                f"data type {facts.data_type} needs {expected}",
            )
        )
    typed = TYPED_FIELDS.get(facts.data_type)
    if typed is not None and facts.raw_bytes is None:
        number, per_element = typed
        count = facts.counts.get(number, 0)
        if count and count != elements * per_element:
            problems.append(
                (
                    "tensor-inconsistent",
                    f"{label}: {count} values for shape {_shape(facts.dims)} "
                    f"({elements * per_element} expected)",
                )
            )
    if facts.external:
        problems += _external_problems(facts, label, expected, model_dir)
    return problems


def _external_problems(
    facts: TensorFacts, label: str, expected: int | None, model_dir: str | None
) -> list[tuple[str, str]]:
    try:
        offset = int(facts.external.get("offset", "0"))
        length = int(facts.external["length"]) if "length" in facts.external else None
    except ValueError:
        return [("tensor-inconsistent", f"{label}: external offset or length is not a number")]
    if offset < 0 or (length is not None and length < 0):
        return [("tensor-inconsistent", f"{label}: negative external offset or length")]
    problems: list[tuple[str, str]] = []
    if length is not None and expected is not None and length != expected:
        problems.append(
            (
                "tensor-inconsistent",
                f"{label}: external length {length} bytes, "
                f"shape {_shape(facts.dims)} needs {expected}",
            )
        )
    needed = length if length is not None else expected
    size = _external_size(facts.external.get("location", ""), model_dir)
    if size is not None and needed is not None and offset + needed > size:
        problems.append(
            (
                "tensor-inconsistent",
                f"{label}: bytes {offset}..{offset + needed} of external file "
                f"{facts.external.get('location')!r} requested, it holds {size}",
            )
        )
    return problems


def _external_size(location: str, model_dir: str | None) -> int | None:
    """Size of an external data file that stays inside the model directory, if present
    (escapes are reported by their own check and never measured)."""
    if model_dir is None or not location or os.path.isabs(location) or ".." in location:
        return None
    try:
        return os.stat(os.path.join(model_dir, location)).st_size
    except (OSError, ValueError):
        return None
