"""The quoting rule of CSV records as RFC 4180 readers apply it (pyarrow, the csv module):
a quote opens a quoted field only at the start of a field, ``""`` inside a quoted field
is a quote, and a newline ends a record only outside a quoted field. A quote inside an
unquoted field (``5'10"``) is data."""

from __future__ import annotations

import functools
import re

# The rest of a quoted field after its opening quote: ``""`` pairs are quotes, and the
# group is the closing quote (empty when the data ends first).
_QUOTED_REST = rb'[^"]*(?:""[^"]*)*("?)'
_IN_QUOTES = re.compile(_QUOTED_REST)
_NEWLINES = re.compile(rb"\n")


def record_ends(data: bytes, delimiter: bytes, in_quotes: bool = False) -> tuple[list[int], bool]:
    """Offsets just past every newline of ``data`` that ends a record, and whether the
    data ends inside a quoted field.

    A quote opens a quoted field only at the start of a field (after the delimiter, a line
    end or at the start of ``data``); inside one, ``""`` is a quote and a lone ``"``
    closes it; a quote anywhere else is data. ``data`` must start at the start of a record
    (``in_quotes`` False) or inside a quoted field (``in_quotes`` True, as returned for
    the bytes before it when those ended inside a quoted field). A quote at the very end
    of ``data`` is taken as closing its field, which only the next byte could disprove:
    feed on from the last record end rather than from there. Quotes and newlines are
    found by ``bytes.find`` and regular expressions: a few Python steps per quote and
    per record, never per byte."""
    ends: list[int] = []
    pos = 0
    if in_quotes:
        match = _IN_QUOTES.match(data)
        if match is None or not match.group(1):
            return ends, True
        pos = match.end()
    record = _record_pattern(delimiter)
    size = len(data)
    quote = -1
    while pos < size:
        if quote < pos:
            quote = data.find(b'"', pos)
            if quote < 0:  # no quote left: every newline ends a record
                ends.extend(match.end() for match in _NEWLINES.finditer(data, pos))
                return ends, False
        # One regular-expression match per well-formed record; the step by step scan
        # only for the rest (a quoted field left open, a delimiter of several bytes).
        match = record.match(data, pos) if record is not None else None
        end = match.end() if match is not None else _next_end(data, pos, delimiter)
        if end < 0:
            return ends, end == _OPEN
        ends.append(end)
        pos = end
    return ends, False


_OPEN, _DONE = -2, -1  # _next_end found the data ending inside a quoted field / outside


def _next_end(data: bytes, pos: int, delimiter: bytes) -> int:
    """The end of the record starting at ``pos``, or _OPEN / _DONE when the data ends
    first (inside or outside a quoted field)."""
    width = len(delimiter)
    while True:
        newline = data.find(b"\n", pos)
        quote = data.find(b'"', pos, newline if newline >= 0 else len(data))
        if quote < 0:
            return newline + 1 if newline >= 0 else _DONE
        before = data[quote - 1 : quote] if quote else b"\n"
        if before in (b"\n", b"\r") or data[quote - width : quote] == delimiter:
            match = _IN_QUOTES.match(data, quote + 1)
            if match is None or not match.group(1):
                return _OPEN
            pos = match.end()
        else:
            pos = quote + 1  # a quote inside an unquoted field is data


@functools.lru_cache(maxsize=16)
def _record_pattern(delimiter: bytes) -> re.Pattern[bytes] | None:
    """A whole record of well-formed fields up to its newline, for a one-byte delimiter.
    A bare carriage return separates like the delimiter (the parsers end a row there)."""
    if len(delimiter) != 1:
        return None
    stop = re.escape(delimiter) + rb"\n\r"
    # (?!") keeps the closing quote from being the first half of an escaped pair.
    quoted = rb'"[^"]*(?:""[^"]*)*"(?!")[^' + stop + rb"]*"
    plain = rb'(?:[^"' + stop + rb"][^" + stop + rb"]*)?"
    field = rb"(?:" + quoted + rb"|" + plain + rb")"
    return re.compile(field + rb"(?:[" + re.escape(delimiter) + rb"\r]" + field + rb")*\n")
