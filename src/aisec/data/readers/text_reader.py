"""Plain text, one row per line (blank lines included, so row N is line N + 1 of the
file). Invalid UTF-8 is replaced by U+FFFD rather than losing the line."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from aisec.data.readers.chunking import ChunkMaker
from aisec.data.readers.lines import iter_lines
from aisec.data.readers.source import open_source
from aisec.data.readers.types import WHOLE_FILE, Chunk, Part, ReadLimits, Skipped

COLUMN = "text"


def read_text(
    path: Path, display: str, chunk_rows: int, limits: ReadLimits, part: Part = WHOLE_FILE
) -> Iterator[Chunk]:
    maker = ChunkMaker(display, "text", limits)
    values: list[str | None] = []
    first = 0
    start: int | None = None
    end: int | None = None
    size = 0
    next_row = 0
    with open_source(path, limits, part) as source:
        for line in iter_lines(source.reader, limits.max_line_bytes, source.offset):
            if maker.exhausted:
                break
            next_row = line.number + 1
            if line.data is None:
                maker.skipped.append(Skipped(line.number, None, _too_long(limits)))
                yield from _flush(maker, first, values, start, end, source.offsets_known)
                values, first, start, size = [], line.number + 1, None, 0
                continue
            if start is None:
                start = line.start
            values.append(line.data.decode("utf-8", errors="replace"))
            end = line.end
            size += len(line.data)
            if len(values) >= chunk_rows or size >= limits.max_chunk_bytes:
                yield from _flush(maker, first, values, start, end, source.offsets_known)
                values, first, start, size = [], line.number + 1, None, 0
        if not maker.exhausted:
            yield from _flush(maker, first, values, start, end, source.offsets_known)
        yield from maker.finish(next_row)


def _flush(
    maker: ChunkMaker,
    first: int,
    values: list[str | None],
    start: int | None,
    end: int | None,
    known: bool,
) -> Iterator[Chunk]:
    if not values:
        return
    chunk = maker.make(first, {COLUMN: values}, (start, end) if known else (None, None))
    if chunk is not None:
        yield chunk


def _too_long(limits: ReadLimits) -> str:
    return f"line longer than max_line_bytes ({limits.max_line_bytes})"
