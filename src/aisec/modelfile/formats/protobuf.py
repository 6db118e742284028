"""A minimal, bounded protobuf wire-format reader (no schema, no generated code).

Enough to walk ONNX models without installing onnx: fields are yielded as
``(number, wire_type, value)`` where length-delimited values are byte windows.
"""

from __future__ import annotations

from collections.abc import Iterator

VARINT, FIXED64, LENGTH, FIXED32 = 0, 1, 2, 5
# Values are zero-copy views: an ONNX model with embedded weights is not copied.
Buffer = bytes | memoryview


class ProtobufError(ValueError):
    pass


def _varint(data: Buffer, pos: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        if pos >= len(data) or shift > 63:
            raise ProtobufError("truncated or overlong varint")
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, pos
        shift += 7


def fields(data: Buffer) -> Iterator[tuple[int, int, int | Buffer]]:
    pos = 0
    while pos < len(data):
        key, pos = _varint(data, pos)
        number, wire = key >> 3, key & 7
        if number == 0:
            raise ProtobufError("field number 0")
        if wire == VARINT:
            value, pos = _varint(data, pos)
            yield number, wire, value
        elif wire == LENGTH:
            size, pos = _varint(data, pos)
            if pos + size > len(data):
                raise ProtobufError("length-delimited field runs past the end")
            yield number, wire, data[pos : pos + size]
            pos += size
        elif wire in (FIXED64, FIXED32):
            width = 8 if wire == FIXED64 else 4
            if pos + width > len(data):
                raise ProtobufError("fixed-width field runs past the end")
            yield number, wire, int.from_bytes(bytes(data[pos : pos + width]), "little")
            pos += width
        else:
            raise ProtobufError(f"unsupported wire type {wire}")


def varints(data: Buffer) -> Iterator[int]:
    """The values of a packed repeated varint field."""
    pos = 0
    while pos < len(data):
        value, pos = _varint(data, pos)
        yield value
