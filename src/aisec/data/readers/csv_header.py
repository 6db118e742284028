"""The header of a CSV file: its delimiter (judged on the head), its column names (empty,
overlong ones named by position, repeated ones numbered), whether the first record is
names at all, and the typical record length.

Whether the first record is a header is judged in the spirit of ``csv.Sniffer.has_header``
but leaning towards data, since a data row taken for names is lost to the scan and its
values end up printed as column names. The first record is data when any of its fields

* starts with a digit (or ``+``/``(`` and a digit) and holds only digits, spaces and
  ``.,:;/()+-``: a number, an amount, a date, a phone or card number;
* is an e-mail address;
* is token-like: at least 16 characters, no whitespace, at least 4 digits and 4 letters
  with letters and digits side by side at least 3 times (keys, hashes, identifiers);
* reappears as a value in the same column of the sampled records below it.

Its columns are then named ``column_1`` to ``column_N`` and it is read as row 0.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from aisec.data.readers.csv_records import RecordSplitter
from aisec.data.readers.errors import DatasetLimitExceeded, MalformedDataset
from aisec.data.readers.sniff import complete_lines, sniff_delimiter
from aisec.data.readers.source import open_source
from aisec.data.readers.types import ReadLimits

QUOTE = '"'
MAX_NAME_CHARS = 200
_SAMPLE_BYTES = 64 * 1024
_SAMPLE_ROWS = 50
_NUMBER_LIKE = re.compile(r"[+(]?\d[\d\s.,:;/()+\-]*")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]{2,}")


@dataclass(frozen=True, slots=True)
class CsvHeader:
    names: list[str]
    delimiter: str
    row_bytes: int  # typical record length in the head
    from_data: bool  # the first record is data (row 0), the names are by position


@contextmanager
def field_size_limit(limit: int) -> Iterator[None]:
    """The csv module's field cap (process-wide) raised to ``limit`` while parsing."""
    previous = csv.field_size_limit()
    csv.field_size_limit(max(limit, previous))
    try:
        yield
    finally:
        csv.field_size_limit(previous)


def csv_rows(text: str, delimiter: str) -> Iterator[list[str]]:
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar=QUOTE)


def read_header(path: Path, limits: ReadLimits) -> CsvHeader | None:
    """The header, from the start of the file whatever part is read; None when the file
    holds no record."""
    with open_source(path, limits) as source:
        splitter = RecordSplitter(source.reader, ",", limits.max_line_bytes, source.offset)
        # The head is enough to judge the delimiter, however wide the header is.
        sample = splitter.peek(_SAMPLE_BYTES)
        text = sample.decode("utf-8", errors="replace").lstrip("\r\n")
        lines = complete_lines(text, head_was_cut=len(sample) == _SAMPLE_BYTES)
        delimiter = sniff_delimiter(lines, "".join(path.suffixes[-2:]).lower()) or ","
        splitter.delimiter = delimiter.encode()
        header = splitter.first_record(skip_blank=True)
        if header is not None and header.data is None:
            raise DatasetLimitExceeded("max_line_bytes", limits.max_line_bytes)
        if header is None or header.data is None or not header.data.strip():
            return None
    row_bytes = sum(len(line) + 1 for line in lines) // max(len(lines), 1)
    fields = header_fields(header.data, delimiter, limits)
    below = _sample_rows(lines, delimiter, limits)
    if header_is_data(fields, below):
        numbered = [f"column_{index + 1}" for index in range(len(fields))]
        return CsvHeader(numbered, delimiter, row_bytes, True)
    return CsvHeader(header_names(fields), delimiter, row_bytes, False)


def header_fields(data: bytes, delimiter: str, limits: ReadLimits) -> list[str]:
    text = data.decode("utf-8", errors="replace")
    if text.count(delimiter) >= limits.max_columns * 4:
        raise DatasetLimitExceeded("max_columns", limits.max_columns)
    try:
        with field_size_limit(limits.max_line_bytes):
            rows = [row for row in csv_rows(text, delimiter) if row]
    except csv.Error as exc:
        raise MalformedDataset(f"CSV header cannot be parsed ({exc})", offset=0) from None
    fields = rows[0] if rows else [""]
    if len(fields) > limits.max_columns:
        raise DatasetLimitExceeded("max_columns", len(fields))
    return fields


def header_names(fields: list[str]) -> list[str]:
    """Column names from header fields: empty or overlong ones are named by position,
    repeated ones numbered."""
    names: list[str] = []
    seen: set[str] = set()
    for index, raw in enumerate(fields):
        usable = raw.strip() and len(raw) <= MAX_NAME_CHARS
        name = raw if usable else f"column_{index + 1}"
        candidate, copy = name, 1
        while candidate in seen:
            copy += 1
            candidate = f"{name}_{copy}"
        seen.add(candidate)
        names.append(candidate)
    return names or ["column_1"]


def header_is_data(fields: list[str], below: list[list[str]]) -> bool:
    """Whether a first record looks like data rather than column names (module doc)."""
    for index, raw in enumerate(fields):
        field = raw.strip()
        if not field:
            continue
        if _NUMBER_LIKE.fullmatch(field) or _EMAIL.fullmatch(field) or _token_like(field):
            return True
        if any(index < len(row) and row[index].strip() == field for row in below):
            return True
    return False


def _token_like(field: str) -> bool:
    if len(field) < 16 or any(char.isspace() for char in field):
        return False
    digits = sum(char.isdigit() for char in field)
    letters = sum(char.isalpha() for char in field)
    # Names like "score_2024_q1_final" hold digits too, in a block; keys mix them.
    switches = sum(
        1
        for a, b in itertools.pairwise(field)
        if (a.isdigit() and b.isalpha()) or (a.isalpha() and b.isdigit())
    )
    return digits >= 4 and letters >= 4 and switches >= 3


def _sample_rows(lines: list[str], delimiter: str, limits: ReadLimits) -> list[list[str]]:
    """Records of the head after the first one (as far as they parse)."""
    rows: list[list[str]] = []
    try:
        with field_size_limit(limits.max_line_bytes):
            for row in csv_rows("\n".join(lines), delimiter):
                if row:
                    rows.append(row)
                if len(rows) > _SAMPLE_ROWS:
                    break
    except csv.Error:
        pass
    return rows[1:]
