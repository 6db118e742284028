"""Splitting a byte stream into lines without ever holding more than one block and one
line: a line longer than the cap is read past and reported, not kept."""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from aisec.data.readers.source import ByteReader

BLOCK_BYTES = 1 << 20


class Line(NamedTuple):  # a tuple: built once per line, so it must be cheap
    number: int  # 0-based line index
    start: int  # stream offset of the first byte
    end: int  # stream offset just past the line ending
    data: bytes | None  # without the line ending; None when longer than the cap


def iter_lines(reader: ByteReader, max_line_bytes: int, offset: int = 0) -> Iterator[Line]:
    number = 0
    start = offset  # where the unfinished line began
    pending: list[bytes] = []  # its pieces, dropped once it is over the cap
    pending_len = 0  # its length so far, counted even when dropped
    while block := reader.read(BLOCK_BYTES):
        parts = block.split(b"\n")
        for part in parts[:-1]:
            size = pending_len + len(part)
            if size > max_line_bytes:
                data: bytes | None = None
            else:
                data = b"".join([*pending, part]) if pending else part
            end = start + size + 1
            yield Line(number, start, end, _strip_cr(data))
            number, start = number + 1, end
            pending, pending_len = [], 0
        tail = parts[-1]
        pending_len += len(tail)
        if pending_len > max_line_bytes:
            pending = []
        elif tail:
            pending.append(tail)
    if pending_len:
        data = None if pending_len > max_line_bytes else b"".join(pending)
        yield Line(number, start, start + pending_len, _strip_cr(data))


def _strip_cr(data: bytes | None) -> bytes | None:
    if data is not None and data.endswith(b"\r"):
        return data[:-1]
    return data
