"""Reading any dataset file: the format comes from the caller or from the content."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from aisec.data.readers.errors import NotADataset
from aisec.data.readers.sniff import sniff
from aisec.data.readers.types import DATASET_FORMATS, Chunk, Part, ReadLimits

HEAD_BYTES = 64 * 1024

Reader = Callable[[Path, str, int, ReadLimits, Part], Iterator[Chunk]]


def _reader(fmt: str) -> Reader:
    # Imported on demand: each reader pulls in what its format needs, and no more.
    if fmt == "csv":
        from aisec.data.readers.csv_reader import read_csv

        return read_csv
    if fmt == "jsonl":
        from aisec.data.readers.jsonl_reader import read_jsonl

        return read_jsonl
    if fmt == "text":
        from aisec.data.readers.text_reader import read_text

        return read_text
    if fmt == "parquet":
        from aisec.data.readers.parquet_reader import read_parquet

        return read_parquet
    from aisec.data.readers.ipc_reader import read_arrow

    return read_arrow


def read_chunks(
    path: Path,
    *,
    fmt: str | None = None,
    chunk_rows: int = 8192,
    limits: ReadLimits = ReadLimits(),  # noqa: B008 - frozen, so one shared default is safe
    byte_range: tuple[int, int | None] | None = None,
    row_groups: Sequence[int] | None = None,
) -> Iterator[Chunk]:
    """The rows of one dataset file, chunk by chunk, with memory bounded by ``limits``.

    ``fmt`` skips detection (one of ``DATASET_FORMATS``). Raises ``NotADataset`` when the
    content is no dataset, ``MalformedDataset`` or ``DatasetLimitExceeded`` when the file
    cannot be read on (chunks already yielded stay valid), ``DataExtraMissing`` when the
    format needs pyarrow and it is not installed.

    ``byte_range`` (start, end or None) reads part of a CSV, JSON lines or text file, cut on
    record boundaries; ``row_groups`` reads some row groups of a Parquet file. Rows are then
    numbered from 0 at the start of the part, and a last chunk without rows is added when
    rows at the end were not handed out, so ``first_row + num_rows`` of the last chunk is
    always the number of rows the part held."""
    if chunk_rows < 1:
        raise ValueError("chunk_rows must be at least 1")
    if fmt is None:
        with path.open("rb") as handle:
            head = handle.read(HEAD_BYTES)
        fmt = sniff(path, head)
        if fmt is None:
            raise NotADataset(f"{path.name}: not a dataset (binary or empty content)")
    elif fmt not in DATASET_FORMATS:
        raise ValueError(f"unknown dataset format {fmt!r}; expected one of {DATASET_FORMATS}")
    start, end = byte_range or (0, None)
    if start < 0 or (end is not None and end < start):
        raise ValueError(f"invalid byte range {byte_range!r}")
    groups = tuple(row_groups) if row_groups is not None else None
    return _reader(fmt)(path, str(path), chunk_rows, limits, Part(start, end, groups))
