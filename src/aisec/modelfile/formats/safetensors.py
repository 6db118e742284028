"""safetensors: an 8-byte little-endian header length, a JSON header, then raw tensor
bytes. Nothing in it executes, so what matters is structure: a header the reference
loader would reject, or that two JSON parsers read differently, was not written by a
safetensors writer."""

from __future__ import annotations

import json
from math import prod
from typing import Any

from aisec.core.finding import Location
from aisec.modelfile.blob import Blob
from aisec.modelfile.context import ScanContext
from aisec.modelfile.reports import ArtefactReport

MAX_HEADER = 100 * 1024 * 1024  # the reference implementation's own cap
DTYPE_SIZES = {
    "BOOL": 1, "U8": 1, "I8": 1, "F8_E5M2": 1, "F8_E4M3": 1, "F8_E8M0": 1, "I16": 2,
    "U16": 2, "F16": 2, "BF16": 2, "I32": 4, "U32": 4, "F32": 4, "I64": 8, "U64": 8,
    "F64": 8, "C64": 8,
}  # fmt: skip


class _Duplicates(Exception):
    def __init__(self, keys: list[str]) -> None:
        super().__init__(keys)
        self.keys = keys


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [k for k, _ in pairs]
    if len(set(keys)) != len(keys):
        raise _Duplicates(sorted({k for k in keys if keys.count(k) > 1}))
    return dict(pairs)


def read_header(blob: Blob) -> tuple[dict[str, Any] | None, list[str]]:
    """The parsed header (None if this is not safetensors) and any duplicate keys."""
    size = int.from_bytes(blob.head(8), "little")
    if len(blob) < 10 or size < 2 or size > MAX_HEADER or 8 + size > len(blob):
        return None, []
    raw = blob.read(8, size)
    if raw[:1] != b"{":
        return None, []
    try:
        return json.loads(raw, object_pairs_hook=_no_duplicates), []
    except _Duplicates as dup:
        header = json.loads(raw)  # last one wins, as Python's json does
        return (header if isinstance(header, dict) else None), dup.keys
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None, []


def analyse_safetensors(blob: Blob, location: Location, ctx: ScanContext) -> bool:
    header, duplicates = read_header(blob)
    if header is None:
        return False
    ctx.add_artefact(location, "safetensors", len(blob))
    facts = ArtefactReport(location, "safetensors", len(blob))
    if duplicates:
        facts.add(
            "ambiguous-header",
            f"header repeats key(s) {', '.join(duplicates[:5])}: JSON parsers disagree on "
            "which one a loader uses",
            location.at(8),
            keys=duplicates[:20],
        )
    data_start = 8 + int.from_bytes(blob.head(8), "little")
    for problem in structure_problems(header, len(blob) - data_start):
        facts.add("invalid-structure", problem, location.at(8))
    ctx.judge(facts)
    return True


def structure_problems(header: dict[str, Any], data_size: int) -> list[str]:
    problems: list[str] = []
    metadata = header.get("__metadata__")
    if metadata is not None and not (
        isinstance(metadata, dict) and all(isinstance(v, str) for v in metadata.values())
    ):
        problems.append("__metadata__ must map strings to strings")
    spans: list[tuple[int, int, str]] = []
    for name, info in header.items():
        if name == "__metadata__":
            continue
        problem = _tensor_problem(name, info)
        if problem:
            problems.append(problem)
            continue
        begin, end = info["data_offsets"]
        spans.append((begin, end, name))
    position = 0
    for begin, end, name in sorted(spans):
        if begin < position:
            problems.append(f"tensor {name!r} overlaps the previous tensor")
        elif begin > position:
            problems.append(f"{begin - position} bytes before tensor {name!r} belong to no tensor")
        position = max(position, end)
    if position > data_size:
        problems.append(f"tensor data ends at {position}, past the {data_size} bytes present")
    elif position < data_size:
        problems.append(f"{data_size - position} bytes after the last tensor belong to no tensor")
    return problems[:50]


def _tensor_problem(name: str, info: Any) -> str | None:
    if not isinstance(info, dict):
        return f"entry {name!r} is not a tensor description"
    dtype, shape, offsets = info.get("dtype"), info.get("shape"), info.get("data_offsets")
    if dtype not in DTYPE_SIZES:
        return f"tensor {name!r} has unknown dtype {dtype!r}"
    if not (isinstance(shape, list) and all(isinstance(n, int) and n >= 0 for n in shape)):
        return f"tensor {name!r} has an invalid shape"
    if not (
        isinstance(offsets, list)
        and len(offsets) == 2
        and all(isinstance(n, int) and n >= 0 for n in offsets)
        and offsets[0] <= offsets[1]
    ):
        return f"tensor {name!r} has invalid data offsets"
    needed = prod(shape) * DTYPE_SIZES[dtype]
    if offsets[1] - offsets[0] != needed:
        span = offsets[1] - offsets[0]
        return f"tensor {name!r}: {dtype}{shape} needs {needed} bytes, its offsets span {span}"
    return None
