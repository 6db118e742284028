"""CSV (and TSV, or any delimiter the head shows) in record-aligned blocks. A clean block
is parsed by pyarrow with every column as text, so cells come out exactly as written; a
block pyarrow refuses (a row of the wrong width, invalid UTF-8) is parsed again row by
row with the csv module to skip only the bad rows and replace only the bad bytes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from aisec.data.readers.arrow_cells import column_text
from aisec.data.readers.arrowlib import pyarrow
from aisec.data.readers.chunking import ChunkMaker, rows_per_chunk, slice_columns
from aisec.data.readers.csv_header import QUOTE, read_header
from aisec.data.readers.csv_records import RecordSplitter
from aisec.data.readers.csv_rows import Run, parse_rows, too_big, too_long
from aisec.data.readers.errors import MalformedDataset
from aisec.data.readers.source import open_source
from aisec.data.readers.types import WHOLE_FILE, Chunk, Part, ReadLimits, Skipped

_MIN_TARGET = 4 * 1024


def read_csv(
    path: Path, display: str, chunk_rows: int, limits: ReadLimits, part: Part = WHOLE_FILE
) -> Iterator[Chunk]:
    pa = pyarrow("csv")
    pc = pyarrow("csv", "compute")
    pacsv = pyarrow("csv", "csv")
    header = read_header(path, limits)
    if header is None:
        return
    names, delimiter = header.names, header.delimiter
    maker = ChunkMaker(display, "csv", limits)
    step = rows_per_chunk(chunk_rows, len(names), limits)
    refused: list[int] = []
    parser = (_arrow_options(pa, pacsv, names, delimiter, refused), refused)
    next_row = 0
    target = _target(header.row_bytes, step, 1, limits)
    with open_source(path, limits, part) as source:
        splitter = RecordSplitter(source.reader, delimiter, limits.max_line_bytes, source.offset)
        if part.byte_start == 0 and not header.from_data:
            splitter.first_record(skip_blank=True)
        while not maker.exhausted:
            block = splitter.next_block(target)
            if block is None:
                break
            if block.data is None:
                maker.skipped.append(Skipped(next_row, None, too_long(limits)))
                next_row += 1
                continue
            runs, rows = _parse_block((pa, pc, pacsv), parser, block.data, names, next_row, maker)
            for first, columns, whole in runs:
                count = len(columns[names[0]])
                exact = whole and count <= step and source.offsets_known
                for offset, piece in slice_columns(columns, count, step):
                    byte_range = (block.start, block.end) if exact else (None, None)
                    chunk = maker.make(first + offset, piece, byte_range)
                    if chunk is not None:
                        yield chunk
            next_row += rows
            if rows > 0:
                target = _target(len(block.data), step, rows, limits)
        if not part.whole_range and splitter.in_quotes:
            raise MalformedDataset("CSV part ends inside a quoted field", offset=part.byte_end)
    yield from maker.finish(next_row)


def _target(size: int, step: int, rows: int, limits: ReadLimits) -> int:
    """Block bytes for about ``step`` rows, at ``size`` bytes per ``rows`` rows; aimed a
    little short so that a block rarely needs cutting (which loses its byte range)."""
    estimate = size * step * 9 // (max(rows, 1) * 10)
    return max(_MIN_TARGET, min(estimate, limits.max_chunk_bytes))


def _arrow_options(
    pa: Any, pacsv: Any, names: list[str], delimiter: str, refused: list[int]
) -> dict[str, Any]:
    def refuse(_row: Any) -> str:
        # The block is parsed again row by row; pyarrow's own count would lose the place.
        refused.append(1)
        return "skip"

    return {
        "read_options": pacsv.ReadOptions(column_names=names, use_threads=False),
        "parse_options": pacsv.ParseOptions(
            delimiter=delimiter,
            quote_char=QUOTE,
            double_quote=True,
            newlines_in_values=True,
            invalid_row_handler=refuse,
        ),
        "convert_options": pacsv.ConvertOptions(
            column_types={name: pa.string() for name in names},
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    }


def _parse_block(
    arrow: tuple[Any, Any, Any],
    parser: tuple[dict[str, Any], list[int]],
    data: bytes,
    names: list[str],
    first_row: int,
    maker: ChunkMaker,
) -> tuple[list[Run], int]:
    """Runs of consecutive rows (first row, columns, whether the run is the whole block)
    and the number of rows the block held, skipped ones included."""
    pa, pc, pacsv = arrow
    options, refused = parser
    refused.clear()
    delimiter = options["parse_options"].delimiter
    if not _valid_utf8(data):
        # pyarrow hands a bad row to the handler as text, and invalid UTF-8 breaks that.
        return parse_rows(data, delimiter, names, first_row, maker)
    try:
        options["read_options"].block_size = max(len(data) + 1, 1 << 20)
        table = pacsv.read_csv(pa.BufferReader(data), **options)
    except pa.ArrowInvalid:
        return parse_rows(data, delimiter, names, first_row, maker)
    if refused or _has_long_record(pa, pc, table, len(data), maker.limits.max_line_bytes):
        return parse_rows(data, delimiter, names, first_row, maker)
    if table.num_rows == 0:
        return [], 0
    columns: dict[str, list[str | None]] = {}
    cap = maker.limits.max_cell_bytes
    for index, name in enumerate(names):
        cells, dropped = column_text(pa, pc, table.column(index), cap)
        columns[name] = cells
        maker.skipped.extend(Skipped(first_row + i, name, too_big(cap)) for i in dropped)
    return [(first_row, columns, True)], table.num_rows


def _valid_utf8(data: bytes) -> bool:
    if data.isascii():
        return True
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _has_long_record(pa: Any, pc: Any, table: Any, size: int, cap: int) -> bool:
    """Whether a row holds more than ``cap`` bytes of values (only possible in a block
    longer than the cap, so most blocks skip the sum)."""
    if size <= cap or table.num_rows == 0:
        return False
    total = pa.array([0] * table.num_rows, pa.int64())
    for column in table.columns:
        total = pc.add(total, pc.cast(pc.binary_length(column), pa.int64()))
    return bool((pc.max(total).as_py() or 0) > cap)
