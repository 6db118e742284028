"""Record batches from Parquet or Arrow files turned into chunks: structs flattened into
dotted names down to the depth cap, batches cut to the chunk caps, cells over the cell
cap left out and noted."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from aisec.data.readers.arrow_cells import column_text
from aisec.data.readers.arrow_sizes import decoded_nbytes
from aisec.data.readers.arrowlib import CONVERSION_ERRORS
from aisec.data.readers.chunking import ChunkMaker, rows_per_chunk
from aisec.data.readers.errors import DatasetLimitExceeded
from aisec.data.readers.types import Chunk, ReadLimits, Skipped


def leaf_count(pa: Any, schema: Any, max_depth: int) -> int:
    """How many columns the schema gives once structs are flattened."""
    total = 0
    stack = [(field, 1) for field in schema]
    while stack:
        field, depth = stack.pop()
        if pa.types.is_struct(field.type) and field.type.num_fields and depth < max_depth:
            stack.extend((field.type.field(i), depth + 1) for i in range(field.type.num_fields))
        else:
            total += 1
    return total


def check_width(pa: Any, schema: Any, limits: ReadLimits) -> int:
    width = leaf_count(pa, schema, limits.max_depth)
    if width > limits.max_columns:
        raise DatasetLimitExceeded("max_columns", width)
    return width


def _leaves(
    pa: Any, name: str, array: Any, depth: int, max_depth: int
) -> Iterator[tuple[str, Any]]:
    if pa.types.is_struct(array.type) and array.type.num_fields and depth < max_depth:
        # flatten() folds the struct's own nulls into its children.
        for index, child in enumerate(array.flatten()):
            child_name = f"{name}.{array.type.field(index).name}"
            yield from _leaves(pa, child_name, child, depth + 1, max_depth)
    else:
        yield name, array


def batch_chunks(
    pa: Any,
    pc: Any,
    batch: Any,
    first_row: int,
    maker: ChunkMaker,
    chunk_rows: int,
    size: int | None = None,
) -> Iterator[Chunk]:
    """Chunks of one record batch whose first row is row ``first_row`` of the file;
    ``size`` is its ``decoded_nbytes`` when the caller has measured it already."""
    limits = maker.limits
    width = leaf_count(pa, batch.schema, limits.max_depth)
    step = rows_per_chunk(chunk_rows, width, limits)
    if size is None:
        size = decoded_nbytes(pa, pc, batch) if batch.num_rows else 0
    if size > limits.max_chunk_bytes:
        per_row = max(size // batch.num_rows, 1)
        step = max(1, min(step, limits.max_chunk_bytes // per_row))
    for offset in range(0, batch.num_rows, step):
        if maker.exhausted:
            return
        piece = batch.slice(offset, step)
        columns = _columns(pa, pc, piece, first_row + offset, maker, limits)
        chunk = maker.make(first_row + offset, columns)
        if chunk is not None:
            yield chunk


def _columns(
    pa: Any, pc: Any, batch: Any, first_row: int, maker: ChunkMaker, limits: ReadLimits
) -> dict[str, list[str | None]]:
    columns: dict[str, list[str | None]] = {}
    for field, array in zip(batch.schema, batch.columns, strict=True):
        for name, leaf in _leaves(pa, field.name, array, 1, limits.max_depth):
            try:
                cells, dropped = column_text(pa, pc, leaf, limits.max_cell_bytes)
            except (pa.ArrowException, *CONVERSION_ERRORS) as exc:
                # A type whose values Python cannot hold (nanoseconds inside a list without
                # pandas, dates beyond year 9999, a decimal whose scale exceeds its
                # precision): the column is left out of this chunk.
                cells, dropped = [None] * len(leaf), []
                reason = f"values cannot be converted to text ({type(exc).__name__})"
                maker.skipped.append(Skipped(first_row, name, reason))
            key = name
            copy = 1
            while key in columns:
                copy += 1
                key = f"{name}_{copy}"
            columns[key] = cells
            reason = f"value longer than max_cell_bytes ({limits.max_cell_bytes})"
            maker.skipped.extend(Skipped(first_row + index, key, reason) for index in dropped)
    return columns
