"""Cutting a CSV byte stream into blocks that end on record boundaries, so that each block
parses on its own and its rows and byte range are known exactly.

Record ends are found by :func:`aisec.data.readers.csv_quoting.record_ends` (quotes open a
field only at its start), re-exported here. When a quoted field never closes within the record
cap, the block is cut at the last newline anyway and the parser decides. A record with no
newline at all within the cap is read past and reported as one skip."""

from __future__ import annotations

from dataclasses import dataclass

from aisec.data.readers.csv_quoting import record_ends
from aisec.data.readers.source import ByteReader

_READ_BYTES = 1 << 20
_NEWLINE = b"\n"

__all__ = ["Block", "RecordSplitter", "record_ends"]


@dataclass(frozen=True, slots=True)
class Block:
    start: int  # stream offset of the block
    end: int
    data: bytes | None  # None: one record longer than the cap, not kept


class RecordSplitter:
    def __init__(self, reader: ByteReader, delimiter: str, max_record: int, offset: int) -> None:
        self._reader = reader
        self.delimiter = delimiter.encode()  # may be set before the first read
        self._max = max_record
        self._buf = b""
        self._start = offset
        self._eof = False
        self._in_quotes = False  # the bytes handed out so far end inside a quoted field
        # Scan of the buffer so far: record ends found and where scanning may resume (the
        # last record end, where the state is known to be outside quotes).
        self._ends: list[int] = []

    @property
    def in_quotes(self) -> bool:
        """Whether the bytes handed out so far end inside a quoted field."""
        return self._in_quotes

    def _fill(self, size: int) -> None:
        while len(self._buf) < size and not self._eof:
            data = self._reader.read(size - len(self._buf))
            self._eof = not data
            self._buf += data

    def _scan(self) -> tuple[list[int], bool]:
        resume = self._ends[-1] if self._ends else 0
        more, in_quotes = record_ends(self._buf[resume:], self.delimiter)
        self._ends.extend(resume + end for end in more)
        return self._ends, in_quotes

    def _take(self, cut: int, in_quotes: bool = False) -> Block:
        data, self._buf = self._buf[:cut], self._buf[cut:]
        self._ends = [end - cut for end in self._ends if end > cut]
        self._in_quotes = in_quotes
        block = Block(self._start, self._start + cut, data)
        self._start += cut
        return block

    def peek(self, size: int) -> bytes:
        """The next bytes of the stream, left in place."""
        self._fill(size)
        return self._buf[:size]

    def first_record(self, skip_blank: bool = False) -> Block | None:
        """The next record alone (the header); with ``skip_blank``, blank records before
        it are stepped over (a file that starts with an empty line)."""
        while True:
            block = self._one_record()
            if not skip_blank or block is None or block.data is None or block.data.strip():
                return block

    def _one_record(self) -> Block | None:
        size = min(self._max + 1, 1 << 16)
        while True:
            self._fill(size)
            ends, _ = self._scan()
            if ends:
                return self._take(ends[0])
            if self._eof or len(self._buf) > self._max:
                return self.next_block(size)
            size = min(self._max + 1, size * 4)

    def next_block(self, target: int) -> Block | None:
        """A block of about ``target`` bytes ending on a record boundary; None at the end."""
        size = max(target, 1)
        while True:
            self._fill(size)
            if not self._buf:
                return None
            ends, in_quotes = self._scan()
            if self._eof:
                if len(self._buf) > self._max and _NEWLINE not in self._buf:
                    return self._skip_long_record()
                return self._take(len(self._buf), in_quotes)
            if ends:
                return self._take(ends[-1])
            if len(self._buf) > self._max:
                # A quoted field that never closes: cut at the last newline anyway.
                last = self._buf.rfind(_NEWLINE)
                return self._take(last + 1, True) if last >= 0 else self._skip_long_record()
            size = max(len(self._buf) * 2, len(self._buf) + _READ_BYTES)

    def _skip_long_record(self) -> Block:
        """Read past a record with no newline within the cap, keeping none of it."""
        start, skipped = self._start, 0
        self._ends = []
        while True:
            newline = self._buf.find(_NEWLINE)
            if newline >= 0:
                skipped += newline + 1
                self._buf = self._buf[newline + 1 :]
                break
            skipped += len(self._buf)
            self._buf = b""
            if self._eof:
                break
            self._fill(_READ_BYTES)
            if not self._buf:
                break
        self._start = start + skipped
        self._in_quotes = False
        return Block(start, start + skipped, None)
