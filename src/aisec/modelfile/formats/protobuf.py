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
    for number, wire, value, _ in fields_at(data):
        yield number, wire, value


def fields_at(data: Buffer) -> Iterator[tuple[int, int, int | Buffer, int]]:
    """Like :func:`fields`, with the offset in ``data`` where each value starts (so that
    findings can point at the byte where a node or tensor is)."""
    pos = 0
    while pos < len(data):
        key, pos = _varint(data, pos)
        number, wire = key >> 3, key & 7
        if number == 0:
            raise ProtobufError("field number 0")
        if wire == VARINT:
            start = pos
            value, pos = _varint(data, pos)
            yield number, wire, value, start
        elif wire == LENGTH:
            size, pos = _varint(data, pos)
            if pos + size > len(data):
                raise ProtobufError("length-delimited field runs past the end")
            yield number, wire, data[pos : pos + size], pos
            pos += size
        elif wire in (FIXED64, FIXED32):
            width = 8 if wire == FIXED64 else 4
            if pos + width > len(data):
                raise ProtobufError("fixed-width field runs past the end")
            yield number, wire, int.from_bytes(bytes(data[pos : pos + width]), "little"), pos
            pos += width
        else:
            raise ProtobufError(f"unsupported wire type {wire}")


def varints(data: Buffer) -> Iterator[int]:
    """The values of a packed repeated varint field."""
    pos = 0
    while pos < len(data):
        value, pos = _varint(data, pos)
        yield value


def prefix_fields(data: Buffer) -> Iterator[tuple[int, int, int | Buffer, bool]]:
    """The fields of the first bytes of a message (a sniffer's sample). A length-delimited
    value cut by the end of ``data`` is yielded as far as it goes, with ``complete``
    False, and ends the walk; a key or number cut there ends it too."""
    pos = 0
    while pos < len(data):
        try:
            key, pos = _varint(data, pos)
            number, wire = key >> 3, key & 7
            if number == 0:
                raise ProtobufError("field number 0")
            if wire in (FIXED64, FIXED32):
                width = 8 if wire == FIXED64 else 4
                if pos + width > len(data):
                    return
                yield number, wire, int.from_bytes(bytes(data[pos : pos + width]), "little"), True
                pos += width
                continue
            if wire not in (VARINT, LENGTH):
                raise ProtobufError(f"unsupported wire type {wire}")
            value, pos = _varint(data, pos)
        except ProtobufError as exc:
            if "varint" in str(exc) and len(data) - pos <= 10:
                return  # cut by the end of the sample
            raise
        if wire == VARINT:
            yield number, wire, value, True
        elif pos + value > len(data):
            yield number, wire, data[pos:], False
            return
        else:
            yield number, wire, data[pos : pos + value], True
            pos += value
