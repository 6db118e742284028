"""GGUF (llama.cpp and friends): a bounded read of the header and metadata.

Weights are data. What executes is the chat template (``tokenizer.chat_template*``), a
Jinja2 template that serving stacks render on every request: it is parsed with Jinja2's
own parser and its syntax tree is checked for sandbox escapes (see ``chat_template``).
"""

from __future__ import annotations

import struct
from typing import Any

from aisec.core.finding import Location
from aisec.modelfile.blob import Blob
from aisec.modelfile.context import ScanContext
from aisec.modelfile.formats.chat_template import template_problems
from aisec.modelfile.reports import ArtefactReport

MAGIC = b"GGUF"
MAX_KEYS = 100_000
MAX_STRING = 16 * 1024 * 1024
MAX_ARRAY = 10_000_000
_SCALARS = {
    0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<?",
    10: "<Q", 11: "<q", 12: "<d",
}  # fmt: skip
_STRING, _ARRAY = 8, 9


class _Bad(Exception):
    pass


class _Reader:
    def __init__(self, blob: Blob, pos: int) -> None:
        self.blob = blob
        self.pos = pos

    def take(self, size: int) -> bytes:
        if size < 0 or self.pos + size > len(self.blob):
            raise _Bad(f"truncated at offset {self.pos}")
        raw = self.blob.read(self.pos, size)
        self.pos += size
        return raw

    def skip(self, size: int) -> None:
        if size < 0 or self.pos + size > len(self.blob):
            raise _Bad(f"truncated at offset {self.pos}")
        self.pos += size

    def scalar(self, fmt: str) -> Any:
        return struct.unpack(fmt, self.take(struct.calcsize(fmt)))[0]

    def string(self, width: str) -> str:
        size = self.scalar(width)
        if size > MAX_STRING:
            raise _Bad(f"string of {size} bytes at offset {self.pos}")
        return self.take(size).decode("utf-8", "replace")

    def value(self, kind: int, width: str, depth: int = 0) -> Any:
        if kind in _SCALARS:
            return self.scalar(_SCALARS[kind])
        if kind == _STRING:
            return self.string(width)
        if kind == _ARRAY and depth < 4:
            item_kind = self.scalar("<I")
            count = self.scalar(width)
            if count > MAX_ARRAY:
                raise _Bad(f"array of {count} items at offset {self.pos}")
            if item_kind in _SCALARS:  # numbers are skipped, not materialised
                self.skip(count * struct.calcsize(_SCALARS[item_kind]))
                return None
            return [self.value(item_kind, width, depth + 1) for _ in range(count)]
        raise _Bad(f"unknown value type {kind} at offset {self.pos}")


def read_metadata(blob: Blob) -> tuple[dict[str, Any], int]:
    """The metadata key/values (numeric arrays elided) and the GGUF version."""
    reader = _Reader(blob, 4)
    version = reader.scalar("<I")
    width = "<I" if version == 1 else "<Q"  # version 1 used 32-bit counts and lengths
    reader.scalar(width)  # tensor count
    keys = reader.scalar(width)
    if keys > MAX_KEYS:
        raise _Bad(f"{keys} metadata keys")
    metadata: dict[str, Any] = {}
    for _ in range(keys):
        key = reader.string(width)
        metadata[key] = reader.value(reader.scalar("<I"), width)
    return metadata, version


def analyse_gguf(blob: Blob, location: Location, ctx: ScanContext) -> bool:
    ctx.add_artefact(location, "gguf", len(blob))
    facts = ArtefactReport(location, "gguf", len(blob))
    try:
        metadata, version = read_metadata(blob)
    except _Bad as exc:
        facts.add("malformed", f"GGUF header: {exc}", location.at(0))
        ctx.judge(facts)
        return True
    facts.notes["version"] = version
    for key, value in metadata.items():
        if key.startswith("tokenizer.chat_template") and isinstance(value, str):
            for problem, evidence in template_problems(value):
                facts.add("template-escape", f"{key}: {problem}", location.inner(key), **evidence)
    ctx.judge(facts)
    return True
