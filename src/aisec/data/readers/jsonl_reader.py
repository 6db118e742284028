"""JSON lines: one object per line, parsed line by line so that row N is line N + 1 of
the file. Blank lines are not records and leave a gap in the row numbers; a line that is
not a JSON object, too long or too deep is skipped and noted, with its text in
``Skipped.raw`` unless it was over the line cap."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from aisec.data.readers.chunking import ChunkMaker
from aisec.data.readers.json_values import flatten, loads, nesting_depth
from aisec.data.readers.lines import Line, iter_lines
from aisec.data.readers.source import open_source
from aisec.data.readers.types import WHOLE_FILE, Chunk, Part, ReadLimits, Skipped


class _Pending:
    """Consecutive records waiting to become a chunk."""

    def __init__(self) -> None:
        self.records: list[dict[str, str | None]] = []
        self.names: dict[str, None] = {}  # column names in order of first appearance
        self.first = 0
        self.start: int | None = None
        self.end: int | None = None
        self.size = 0

    def fits(self, record: dict[str, str | None], line: Line, limits: ReadLimits) -> bool:
        """Whether the record may join without breaking a cap or the row sequence."""
        if not self.records:
            return True
        if line.number != self.first + len(self.records):
            return False
        if self.names.keys() >= record.keys():
            columns = len(self.names)
        else:
            columns = len(self.names) + len(record.keys() - self.names.keys())
        return (
            columns <= limits.max_columns
            and columns * (len(self.records) + 1) <= limits.max_chunk_cells
            and self.size + (line.end - line.start) <= limits.max_chunk_bytes
        )

    def add(self, record: dict[str, str | None], line: Line) -> None:
        if not self.records:
            self.first, self.start = line.number, line.start
        self.records.append(record)
        if not self.names.keys() >= record.keys():
            self.names.update(dict.fromkeys(record))
        self.end = line.end
        self.size += line.end - line.start

    def columns(self) -> dict[str, list[str | None]]:
        return {name: [record.get(name) for record in self.records] for name in self.names}


def read_jsonl(
    path: Path, display: str, chunk_rows: int, limits: ReadLimits, part: Part = WHOLE_FILE
) -> Iterator[Chunk]:
    maker = ChunkMaker(display, "jsonl", limits)
    pending = _Pending()
    next_row = 0
    with open_source(path, limits, part) as source:
        known = source.offsets_known

        def flush() -> Iterator[Chunk]:
            nonlocal pending
            if pending.records:
                byte_range = (pending.start, pending.end) if known else (None, None)
                chunk = maker.make(pending.first, pending.columns(), byte_range)
                if chunk is not None:
                    yield chunk
            pending = _Pending()

        for line in iter_lines(source.reader, limits.max_line_bytes, source.offset):
            if maker.exhausted:
                break
            next_row = line.number + 1
            if line.data is not None and (not line.data or line.data.isspace()):
                continue
            record, reason = _record(line, limits)
            if record is None:
                # The line's text travels with the skip: a broken line may hold a secret.
                raw = None if line.data is None else line.data.decode("utf-8", errors="replace")
                maker.skipped.append(Skipped(line.number, None, reason, raw))
                continue
            if not pending.fits(record, line, limits) or len(pending.records) >= chunk_rows:
                yield from flush()
            pending.add(record, line)
        if not maker.exhausted:
            yield from flush()
        yield from maker.finish(next_row)


def _record(line: Line, limits: ReadLimits) -> tuple[dict[str, str | None] | None, str]:
    if line.data is None:
        return None, f"line longer than max_line_bytes ({limits.max_line_bytes})"
    try:
        value: Any = loads(line.data.decode("utf-8", errors="replace"))
    except RecursionError:
        return None, "JSON nested too deeply"
    except ValueError:
        return None, "not valid JSON"
    if not isinstance(value, dict):
        return None, "not a JSON object"
    brackets = line.data.count(b"{") + line.data.count(b"[")
    if brackets > limits.max_json_depth and nesting_depth(value) > limits.max_json_depth:
        return None, f"JSON nested deeper than max_json_depth ({limits.max_json_depth})"
    cells = flatten(value, limits.max_depth)
    if len(cells) > limits.max_columns:
        return None, f"more fields than max_columns ({limits.max_columns})"
    return cells, ""
