"""Parsing a CSV block record by record with the csv module, for the blocks pyarrow
refuses: only the bad records are skipped (wrong width, too long, unparsable) and only the
bad bytes replaced (invalid UTF-8 becomes U+FFFD). Records are cut by the same quoting
rule as the blocks, so a record the csv module refuses costs that record alone and the
row numbers after it stay exact; a skipped record carries its text in ``Skipped.raw`` so
that it can still be scanned."""

from __future__ import annotations

import csv

from aisec.data.readers.chunking import ChunkMaker
from aisec.data.readers.csv_header import csv_rows, field_size_limit
from aisec.data.readers.csv_records import record_ends
from aisec.data.readers.types import ReadLimits, Skipped


def too_big(cap: int) -> str:
    return f"value longer than max_cell_bytes ({cap})"


def too_long(limits: ReadLimits) -> str:
    return f"record longer than max_line_bytes ({limits.max_line_bytes})"


Run = tuple[int, dict[str, list[str | None]], bool]


def raw_text(data: bytes, limits: ReadLimits) -> str:
    """A record's text for ``Skipped.raw``: line ending dropped, cut to the line cap."""
    return data[: limits.max_line_bytes].rstrip(b"\r\n").decode("utf-8", errors="replace")


def _fields(text: str, delimiter: str) -> list[str] | None:
    """The fields of one record; [] for a blank one, None when it does not parse as one."""
    try:
        rows = [row for row in csv_rows(text, delimiter) if row]
    except csv.Error:
        return None
    if len(rows) > 1:  # a bare carriage return the record cut did not see
        return None
    return rows[0] if rows else []


def _problem(fields: list[str] | None, width: int, limits: ReadLimits) -> str:
    if fields is None:
        return "row cannot be parsed"
    if len(fields) != width:
        return "wrong number of fields"
    if sum(map(len, fields)) > limits.max_line_bytes:
        return too_long(limits)
    return ""


def parse_rows(
    data: bytes, delimiter: str, names: list[str], first_row: int, maker: ChunkMaker
) -> tuple[list[Run], int]:
    """Runs of consecutive good rows and the number of rows the block held."""
    runs: list[Run] = []
    clean = True
    current: list[list[str | None]] = []
    run_start = row = first_row
    ends, _ = record_ends(data, delimiter.encode())
    if not ends or ends[-1] != len(data):
        ends.append(len(data))
    start = 0
    with field_size_limit(maker.limits.max_line_bytes):
        for end in ends:
            record, start = data[start:end], end
            fields = _fields(record.decode("utf-8", errors="replace"), delimiter)
            if fields == []:
                continue
            reason = _problem(fields, len(names), maker.limits)
            if reason:
                raw = raw_text(record, maker.limits)
                maker.skipped.append(Skipped(row, None, reason, raw))
                clean = False
                if current:
                    runs.append(_run(run_start, current, names))
                current, run_start = [], row + 1
            else:
                assert fields is not None  # _problem refused None
                current.append(_capped(fields, names, row, maker))
            row += 1
    if current:
        runs.append(_run(run_start, current, names))
    if len(runs) == 1 and clean:
        runs[0] = (runs[0][0], runs[0][1], True)
    return runs, row - first_row


def _capped(fields: list[str], names: list[str], row: int, maker: ChunkMaker) -> list[str | None]:
    cap = maker.limits.max_cell_bytes
    cells: list[str | None] = list(fields)
    for index, value in enumerate(fields):
        # Characters bound the bytes from below; only long values pay for the encoding.
        if len(value) * 4 > cap and len(value.encode()) > cap:
            cells[index] = None
            maker.skipped.append(Skipped(row, names[index], too_big(cap)))
    return cells


def _run(first: int, rows: list[list[str | None]], names: list[str]) -> Run:
    columns: dict[str, list[str | None]] = {name: [] for name in names}
    for index, name in enumerate(names):
        columns[name] = [fields[index] for fields in rows]
    return (first, columns, False)
