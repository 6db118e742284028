"""Parquet through pyarrow, row group by row group and batch by batch. The footer is
checked before pyarrow parses it (its stated length must fit in the file and under a cap);
each row group's stated size is checked against the inflation caps before it is read, and
sets how many rows a batch holds; the page reader is buffered, so memory follows the
batch, not the row group. A row group that cannot be read ends the file after the rows of
the groups before it were handed out. Dictionary-encoded columns, found in the footer
without pyarrow, are read as Arrow dictionaries, so a value referenced by every row is
measured once before it is copied into any row."""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aisec.data.readers.arrow_batches import batch_chunks, check_width
from aisec.data.readers.arrow_sizes import decoded_nbytes
from aisec.data.readers.arrowlib import CONVERSION_ERRORS, malformed, pyarrow
from aisec.data.readers.chunking import ChunkMaker, rows_per_chunk
from aisec.data.readers.errors import DatasetError, DatasetLimitExceeded, MalformedDataset
from aisec.data.readers.parquet_dictionaries import dictionary_columns, footer_bytes
from aisec.data.readers.types import WHOLE_FILE, Chunk, Part, ReadLimits

MAGIC = b"PAR1"
MAX_FOOTER_BYTES = 64 * 1024 * 1024
_STREAM_BUFFER = 1 << 20
# A row group may inflate this much before the ratio cap applies: small groups of zeros
# compress far beyond any ratio and are harmless.
_RATIO_GRACE = 16 * 1024 * 1024


def check_footer(path: Path) -> int:
    """The footer's length, once it is known to fit in the file and under the cap."""
    size = path.stat().st_size
    if size < 12:
        raise MalformedDataset("Parquet file too short for its footer", offset=0)
    with path.open("rb") as handle:
        if handle.read(4) != MAGIC:
            raise MalformedDataset("Parquet magic bytes missing at the start", offset=0)
        handle.seek(size - 8)
        tail = handle.read(8)
    if tail[4:] != MAGIC:
        raise MalformedDataset("Parquet magic bytes missing at the end", offset=size - 4)
    (footer,) = struct.unpack("<I", tail[:4])
    if footer > size - 12:
        raise MalformedDataset("Parquet footer length exceeds the file", offset=size - 8)
    if footer > MAX_FOOTER_BYTES:
        raise DatasetLimitExceeded("parquet footer bytes", footer)
    return int(footer)


def read_parquet(
    path: Path, display: str, chunk_rows: int, limits: ReadLimits, part: Part = WHOLE_FILE
) -> Iterator[Chunk]:
    if not part.whole_range:
        raise DatasetError("Parquet files are read by row groups, not byte ranges")
    pa = pyarrow("parquet")
    pc = pyarrow("parquet", "compute")
    pq = pyarrow("parquet", "parquet")
    dictionaries = dictionary_columns(footer_bytes(path, check_footer(path)))
    file_bytes = path.stat().st_size
    maker = ChunkMaker(display, "parquet", limits)
    options = {
        "buffer_size": _STREAM_BUFFER,
        "pre_buffer": False,
        "thrift_string_size_limit": MAX_FOOTER_BYTES,
        "thrift_container_size_limit": max(limits.max_columns * 16, 1 << 16),
        # Decoded by pyarrow, one long entry referenced by every row would be copied into
        # every row of a batch before the caps could measure it.
        "read_dictionary": sorted(dictionaries),
    }
    try:
        parquet = pq.ParquetFile(str(path), **options)
    except (pa.ArrowException, OSError, *CONVERSION_ERRORS) as exc:
        raise malformed("parquet", exc) from None
    with parquet:
        try:
            width = check_width(pa, parquet.schema_arrow, limits)
            groups = _row_groups(parquet, part)
        except (pa.ArrowException, OSError, *CONVERSION_ERRORS) as exc:
            raise malformed("parquet", exc) from None
        batch_rows = rows_per_chunk(chunk_rows, width, limits)
        first = 0
        # Group by group, so the rows of the groups before a corrupt one are handed out
        # and a bomb is refused before its group is inflated.
        for group in groups:
            if maker.exhausted:
                break
            try:
                size = check_group(parquet.metadata.row_group(group), file_bytes, limits)
                rows = group_batch_rows(size, batch_rows, limits)
                decoded = 0
                for batch in parquet.iter_batches(
                    batch_size=rows, row_groups=[group], use_threads=False
                ):
                    batch.validate(full=True)
                    batch_bytes = decoded_nbytes(pa, pc, batch)
                    decoded += batch_bytes
                    check_inflation(decoded, file_bytes, limits)
                    yield from batch_chunks(pa, pc, batch, first, maker, chunk_rows, batch_bytes)
                    first += batch.num_rows
                    if maker.exhausted:
                        break
            except (pa.ArrowException, OSError, *CONVERSION_ERRORS) as exc:
                raise malformed("parquet", exc, f"row group {group}") from None
        yield from maker.finish(first)


@dataclass(frozen=True, slots=True)
class GroupSize:
    rows: int
    inflated: int  # bytes once decompressed, as the footer states


def check_group(meta: Any, file_bytes: int, limits: ReadLimits) -> GroupSize:
    """The stated size of a row group, refused when it inflates beyond the ratio cap (of
    the whole file, which bounds the group's stored bytes) or past the absolute cap: a few
    kilobytes of zstd can claim gigabytes of text. Only row-group totals are read: pyarrow
    aborts the process on some malformed column chunk metadata."""
    inflated = max(meta.total_byte_size, 0)
    check_inflation(inflated, file_bytes, limits)
    return GroupSize(max(meta.num_rows, 0), inflated)


def check_inflation(inflated: int, file_bytes: int, limits: ReadLimits) -> None:
    """Refuses a row group of ``inflated`` bytes once decompressed, or once its
    dictionaries are decoded (counted batch by batch as they are read)."""
    if inflated > limits.max_row_group_bytes:
        raise DatasetLimitExceeded("max_row_group_bytes", inflated)
    if inflated > _RATIO_GRACE and inflated > limits.max_inflate_ratio * max(file_bytes, 1):
        raise DatasetLimitExceeded("max_inflate_ratio", limits.max_inflate_ratio)


def group_batch_rows(size: GroupSize, batch_rows: int, limits: ReadLimits) -> int:
    """Rows per batch so that one batch of this group stays under ``max_chunk_bytes``."""
    if size.rows == 0:
        return batch_rows
    per_row = max(size.inflated // size.rows, 1)
    if per_row > limits.max_chunk_bytes:
        # Not even one row fits in a chunk (a row holding a list of millions of values).
        raise DatasetLimitExceeded("max_chunk_bytes", per_row)
    return max(1, min(batch_rows, limits.max_chunk_bytes // per_row))


def _row_groups(parquet: Any, part: Part) -> list[int]:
    available = parquet.metadata.num_row_groups
    if part.row_groups is None:
        return list(range(available))
    for group in part.row_groups:
        if not 0 <= group < available:
            raise DatasetError(f"no row group {group} in a Parquet file of {available}")
    return list(part.row_groups)
