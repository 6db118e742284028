"""The values the readers hand out: chunks of rows as text, the caps they obey, and the
notes they leave when a row or a cell could not be read."""

from __future__ import annotations

from dataclasses import dataclass, field

DATASET_FORMATS: tuple[str, ...] = ("csv", "parquet", "jsonl", "arrow", "text")


@dataclass(frozen=True, slots=True)
class ReadLimits:
    """Caps that keep every reader bounded whatever the file holds.

    ``max_line_bytes`` bounds one CSV record, one JSON line or one text line: a longer one
    is skipped (and noted) after being read past without being kept. ``max_cell_bytes``
    bounds one Parquet or Arrow value: a longer one is left out (``None``) and noted.
    ``max_columns`` is the widest table accepted (a wider one is an error, not a skip);
    ``max_depth`` is how deep nested objects are flattened into dotted column names before
    the rest is kept as JSON text (JSON nested deeper than ``max_json_depth`` is skipped).
    ``max_chunk_bytes`` and ``max_chunk_cells`` bound one chunk beside ``chunk_rows``, so
    that wide or long rows give shorter chunks instead of more memory. ``max_rows`` stops
    reading after that many rows. ``max_inflate_ratio`` refuses a gzip file, a Parquet row
    group or an Arrow record batch that grows more than that many times once decompressed
    (a decompression bomb); ``max_row_group_bytes`` refuses a Parquet row group or Arrow
    record batch larger than that once decompressed, whatever its ratio."""

    max_line_bytes: int = 8 * 1024 * 1024
    max_cell_bytes: int = 4 * 1024 * 1024
    max_columns: int = 10_000
    max_depth: int = 8
    max_json_depth: int = 256
    max_chunk_bytes: int = 32 * 1024 * 1024
    max_chunk_cells: int = 2_000_000
    max_rows: int | None = None
    max_inflate_ratio: int = 200
    max_row_group_bytes: int = 4 * 1024 * 1024 * 1024

    def __post_init__(self) -> None:
        for name in (
            "max_line_bytes",
            "max_cell_bytes",
            "max_columns",
            "max_depth",
            "max_json_depth",
            "max_chunk_bytes",
            "max_chunk_cells",
            "max_inflate_ratio",
            "max_row_group_bytes",
        ):
            if getattr(self, name) < 1:
                raise ValueError(f"ReadLimits.{name} must be at least 1")
        if self.max_rows is not None and self.max_rows < 0:
            raise ValueError("ReadLimits.max_rows must not be negative")


@dataclass(frozen=True, slots=True)
class Part:
    """The part of a file to read: a byte range of a line-based file (it must start and end
    on record boundaries; a CSV header is still taken from the start of the file) or a set
    of Parquet row groups. Rows are then numbered from 0 at the start of the part."""

    byte_start: int = 0
    byte_end: int | None = None
    row_groups: tuple[int, ...] | None = None

    @property
    def whole_range(self) -> bool:
        return self.byte_start == 0 and self.byte_end is None


WHOLE_FILE = Part()


@dataclass(frozen=True, slots=True)
class Skipped:
    """A row (``column`` is None) or one cell that was not read, and why. Values are never
    quoted in ``reason``: they may be personal data.

    ``raw`` is the text of a skipped row that could be read but not parsed (a CSV record
    of the wrong width or broken quoting, a JSON line that is not a JSON object), decoded
    with U+FFFD for invalid UTF-8, without its line ending and cut to ``max_line_bytes``:
    it is data like any cell, to be scanned and never shown. It is None for cells and for
    rows whose bytes were not kept (over the line cap)."""

    row: int
    column: str | None
    reason: str
    raw: str | None = field(default=None, repr=False)  # data: kept out of logs


@dataclass(frozen=True, slots=True)
class Chunk:
    """Consecutive rows of one file: the row at position ``i`` of every column list is row
    ``first_row + i`` of the file. Rows that were skipped never appear inside a chunk (the
    readers start a new chunk after a gap); they are listed in ``skipped`` of the chunk
    read when they were met, which may be a chunk without rows at the end of the file."""

    path: str
    member: tuple[str, ...]
    format: str
    first_row: int
    columns: dict[str, list[str | None]]
    byte_start: int | None
    byte_end: int | None
    skipped: tuple[Skipped, ...] = field(default=())

    @property
    def num_rows(self) -> int:
        return len(next(iter(self.columns.values()))) if self.columns else 0
