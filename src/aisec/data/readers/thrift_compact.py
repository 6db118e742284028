"""A small reader of the Thrift compact protocol, enough to walk a Parquet footer without
pyarrow: pyarrow aborts the process on some malformed column chunk metadata, so the few
fields the reader needs from it are read here. Every value consumes at least one byte of
the buffer and nesting is capped, so the work is bounded by the footer's length."""

from __future__ import annotations

from collections.abc import Iterator

from aisec.data.readers.errors import MalformedDataset

STOP = 0
BOOL_TRUE = 1
BOOL_FALSE = 2
BYTE = 3
I16 = 4
I32 = 5
I64 = 6
DOUBLE = 7
BINARY = 8
LIST = 9
SET = 10
MAP = 11
STRUCT = 12
MAX_DEPTH = 32
_MAX_VARINT_BYTES = 10


class ThriftError(MalformedDataset):
    """The footer breaks the Thrift compact protocol."""

    def __init__(self, reason: str, position: int) -> None:
        super().__init__(f"Parquet footer is not valid Thrift: {reason} at byte {position}")


class CompactReader:
    """Reads values from ``data`` in order; ``pos`` is the next byte."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def byte(self) -> int:
        if self.pos >= len(self.data):
            raise ThriftError("footer ends inside a value", self.pos)
        value = self.data[self.pos]
        self.pos += 1
        return value

    def varint(self) -> int:
        result = 0
        for shift in range(0, 7 * _MAX_VARINT_BYTES, 7):
            current = self.byte()
            result |= (current & 0x7F) << shift
            if not current & 0x80:
                return result
        raise ThriftError("varint too long", self.pos)

    def zigzag(self) -> int:
        raw = self.varint()
        return (raw >> 1) ^ -(raw & 1)

    def binary(self) -> bytes:
        length = self.varint()
        if length > len(self.data) - self.pos:
            raise ThriftError("string longer than the footer", self.pos)
        start = self.pos
        self.pos += length
        return self.data[start : self.pos]

    def fields(self) -> Iterator[tuple[int, int]]:
        """(field id, type) of each field of the struct starting here, up to its stop; the
        caller reads or skips each value before asking for the next field."""
        last = 0
        while True:
            header = self.byte()
            kind = header & 0x0F
            if kind == STOP:
                return
            delta = header >> 4
            last = last + delta if delta else self.zigzag()
            yield last, kind

    def list_header(self) -> tuple[int, int]:
        """(element type, count) of a list or set."""
        header = self.byte()
        count = header >> 4
        if count == 15:
            count = self.varint()
        # Every element takes at least one byte: a count beyond the bytes left is a lie.
        if count > len(self.data) - self.pos:
            raise ThriftError("list longer than the footer", self.pos)
        return header & 0x0F, count

    def skip(self, kind: int, depth: int = 0) -> None:
        if depth > MAX_DEPTH:
            raise ThriftError("nesting too deep", self.pos)
        if kind in (BOOL_TRUE, BOOL_FALSE):
            return  # a struct field's boolean lives in its header
        if kind in (I16, I32, I64):
            self.varint()
        elif kind in (BYTE, DOUBLE):
            width = 1 if kind == BYTE else 8
            if len(self.data) - self.pos < width:
                raise ThriftError("footer ends inside a value", self.pos)
            self.pos += width
        elif kind == BINARY:
            self.binary()
        elif kind in (LIST, SET):
            element, count = self.list_header()
            for _ in range(count):
                self._skip_element(element, depth + 1)
        elif kind == MAP:
            self._skip_map(depth)
        elif kind == STRUCT:
            for _field, field_kind in self.fields():
                self.skip(field_kind, depth + 1)
        else:
            raise ThriftError(f"unknown type {kind}", self.pos)

    def _skip_element(self, kind: int, depth: int) -> None:
        # Booleans inside lists and maps take one byte each, unlike struct fields.
        if kind in (BOOL_TRUE, BOOL_FALSE):
            self.byte()
        else:
            self.skip(kind, depth)

    def _skip_map(self, depth: int) -> None:
        count = self.varint()
        if count == 0:
            return
        if 2 * count > len(self.data) - self.pos:
            raise ThriftError("map longer than the footer", self.pos)
        types = self.byte()
        for _ in range(count):
            self._skip_element(types >> 4, depth + 1)
            self._skip_element(types & 0x0F, depth + 1)
