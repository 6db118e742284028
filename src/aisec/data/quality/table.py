"""Read a CSV, Parquet or JSON-lines dataset into a data frame, bounded in rows and bytes.

The quality indicators need whole columns at once (medians, neighbours, cross-validated
models), so the file is read into memory up to ``max_rows`` rows and ``max_bytes`` bytes
of row data (line bytes for JSON lines, Arrow's in-memory size for CSV and Parquet);
what was left out is reported, never silently dropped. One line (a JSON record, a CSV
row) longer than ``max_line_bytes`` is an error: it is not a training row. CSV cells are
read as text and typed later by :mod:`.columns`, so a column that turns from numbers to
words half-way through the file cannot fail the read.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd  # type: ignore[import-untyped]

from aisec.core.errors import ConfigError, InputError, LimitExceeded, MalformedInput
from aisec.data.arrow_errors import sanitise_arrow_error

FORMATS = ("csv", "parquet", "jsonl")
_SUFFIXES = {
    ".csv": "csv",
    ".tsv": "csv",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
}
MAX_BYTES = 256 * 1024 * 1024  # row data held per file; memory use is a few times this
MAX_LINE_BYTES = 4 * 1024 * 1024  # one JSON line or CSV row
_PARQUET_BATCH = 1024  # rows per Parquet batch, so the byte cap stops within a few rows


@dataclass(frozen=True)
class ReadCaps:
    max_rows: int = 1_000_000
    max_bytes: int = MAX_BYTES
    max_line_bytes: int = MAX_LINE_BYTES

    def __post_init__(self) -> None:
        for name in ("max_rows", "max_bytes", "max_line_bytes"):
            if getattr(self, name) < 1:
                raise ConfigError(f"{name} must be at least 1, got {getattr(self, name)}")


@dataclass(frozen=True)
class Table:
    path: str
    format: str
    frame: pd.DataFrame
    truncated: bool  # the file held more than max_rows rows or max_bytes bytes of rows
    sha256: str  # of the whole file, streamed
    size: int


def detect_format(path: Path) -> str:
    with path.open("rb") as fh:
        head = fh.read(4)
    if head == b"PAR1":
        return "parquet"
    fmt = _SUFFIXES.get(path.suffix.lower())
    if fmt is not None:
        return fmt
    if head.lstrip()[:1] == b"{":
        return "jsonl"
    return "csv"


def read_table(
    path: Path,
    *,
    max_rows: int = 1_000_000,
    fmt: str | None = None,
    caps: ReadCaps | None = None,
) -> Table:
    """The first rows of ``path`` within the caps as a data frame (column names as text).

    ``caps`` wins over ``max_rows`` when both are given.
    """
    caps = caps or ReadCaps(max_rows=max_rows)
    check_readable(path, "dataset")
    if fmt is not None and fmt not in FORMATS:
        raise InputError(f"{path}: unsupported format {fmt!r}", hint="use csv, parquet or jsonl")
    try:
        fmt = fmt or detect_format(path)
        if fmt == "parquet":
            frame, truncated = _read_parquet(path, caps)
        elif fmt == "jsonl":
            frame, truncated = _read_jsonl(path, caps)
        else:
            frame, truncated = _read_csv(path, caps)
    except (OSError, ValueError, RecursionError) as exc:  # pyarrow errors derive from the first two
        reason = sanitise_arrow_error(str(exc)) or type(exc).__name__
        if isinstance(exc, RecursionError):
            reason = "values nested too deeply"
        raise MalformedInput(f"{path}: cannot be read as {fmt or 'a dataset'}: {reason}") from None
    frame.columns = [str(c) for c in frame.columns]
    if len(set(frame.columns)) != len(frame.columns):
        raise MalformedInput(f"{path}: two columns have the same name")
    try:
        sha256, size = file_digest(path)
    except OSError as exc:
        raise MalformedInput(f"{path}: cannot be read: {exc.strerror or exc}") from None
    return Table(str(path), fmt, frame.reset_index(drop=True), truncated, sha256, size)


def check_readable(path: Path, what: str) -> None:
    """A clear error for a path that is missing or not a regular file, before opening it."""
    if path.is_dir():
        raise InputError(f"{path}: is a directory, not a {what} file")
    if not path.exists():
        raise InputError(f"{path}: no such {what} file")
    if not path.is_file():
        raise InputError(f"{path}: not a regular file (a device, FIFO or socket)")


def file_digest(path: Path) -> tuple[str, int]:
    """SHA-256 (hex) and size of ``path``, read in 1 MiB blocks."""
    h = hashlib.sha256()
    size = 0
    with path.open("rb") as fh:
        while block := fh.read(1 << 20):
            h.update(block)
            size += len(block)
    return h.hexdigest(), size


def _read_csv(path: Path, caps: ReadCaps) -> tuple[pd.DataFrame, bool]:
    import pyarrow as pa
    from pyarrow import csv

    delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    # A row longer than one block fails the parse: the block size is the row cap.
    read = csv.ReadOptions(block_size=caps.max_line_bytes)
    parse = csv.ParseOptions(delimiter=delimiter)
    with csv.open_csv(path, read_options=read, parse_options=parse) as probe:
        names = probe.schema.names
    convert = csv.ConvertOptions(
        column_types={n: pa.string() for n in names}, strings_can_be_null=True
    )
    with csv.open_csv(
        path, read_options=read, parse_options=parse, convert_options=convert
    ) as reader:
        table, truncated = _collect(pa, reader, reader.schema, caps)
    return table.to_pandas(), truncated


def _collect(pa: Any, batches: Any, schema: Any, caps: ReadCaps) -> tuple[Any, bool]:
    """Batches up to the row and byte caps; whether anything was left unread."""
    kept: list[Any] = []
    rows = held = 0
    for batch in batches:
        if rows >= caps.max_rows or (kept and held + batch.nbytes > caps.max_bytes):
            return pa.Table.from_batches(kept, schema=schema).slice(0, caps.max_rows), True
        kept.append(batch)
        rows += batch.num_rows
        held += batch.nbytes
    table = pa.Table.from_batches(kept, schema=schema)
    return table.slice(0, caps.max_rows), rows > caps.max_rows


def _read_parquet(path: Path, caps: ReadCaps) -> tuple[pd.DataFrame, bool]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    source = pq.ParquetFile(path)
    batches = source.iter_batches(batch_size=_PARQUET_BATCH)
    table, truncated = _collect(pa, batches, source.schema_arrow, caps)
    return table.to_pandas(), truncated


def _read_jsonl(path: Path, caps: ReadCaps) -> tuple[pd.DataFrame, bool]:
    records: list[dict[str, Any]] = []
    truncated = False
    held = 0
    with path.open("rb") as fh:
        number = 0
        while line := fh.readline(caps.max_line_bytes + 1):
            number += 1
            if len(line.rstrip(b"\r\n")) > caps.max_line_bytes:
                raise LimitExceeded(
                    "jsonl line bytes", caps.max_line_bytes, hint=f"{path}: line {number}"
                )
            if not line.strip():
                continue
            held += len(line)
            if len(records) == caps.max_rows or (records and held > caps.max_bytes):
                truncated = True
                break
            value = json.loads(line)
            if not isinstance(value, dict):
                raise MalformedInput(f"{path}: line {number} is not a JSON object")
            records.append(value)
    frame = pd.json_normalize(records, sep=".") if records else pd.DataFrame()
    for name in frame.columns:  # lists stay cells: their JSON text, as the readers do
        if frame[name].map(lambda v: isinstance(v, (list, dict))).any():
            frame[name] = frame[name].map(
                lambda v: json.dumps(v) if isinstance(v, (list, dict)) else v
            )
    return frame, truncated
