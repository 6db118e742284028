"""The stated size of Arrow IPC record batches, read before pyarrow inflates any of them.

A compressed buffer of an IPC body starts with its length once decompressed (a
little-endian int64, -1 when the buffer was left uncompressed), so a few kilobytes of
zstd can promise gigabytes. The message metadata (a FlatBuffer) lists the buffers; it is
read here with bounds checks only as far as needed: Message.header -> RecordBatch (or
DictionaryBatch.data -> RecordBatch) -> buffers and compression."""

from __future__ import annotations

import struct
from collections.abc import Iterator
from typing import Any

from aisec.data.readers.errors import DatasetLimitExceeded
from aisec.data.readers.types import ReadLimits

# A body may inflate this much before the ratio cap applies (small bodies of zeros).
_RATIO_GRACE = 16 * 1024 * 1024
_DICTIONARY_BATCH = 2
_RECORD_BATCH = 3


class _Table:
    """One FlatBuffer table; every read is bounds-checked (struct.error on a bad offset)."""

    def __init__(self, buf: bytes, pos: int) -> None:
        self.buf = buf
        self.pos = pos
        (back,) = struct.unpack_from("<i", buf, pos)
        self.vtable = pos - back
        (self.vsize,) = struct.unpack_from("<H", buf, self.vtable)

    def _field(self, index: int) -> int | None:
        slot = 4 + 2 * index
        if slot + 2 > self.vsize:
            return None
        (offset,) = struct.unpack_from("<H", self.buf, self.vtable + slot)
        return self.pos + offset if offset else None

    def scalar(self, index: int, fmt: str, default: int) -> int:
        at = self._field(index)
        return default if at is None else int(struct.unpack_from(fmt, self.buf, at)[0])

    def ref(self, index: int) -> int | None:
        at = self._field(index)
        return None if at is None else at + struct.unpack_from("<I", self.buf, at)[0]

    def table(self, index: int) -> _Table | None:
        at = self.ref(index)
        return None if at is None else _Table(self.buf, at)


def _record_batch(metadata: bytes) -> _Table | None:
    (root,) = struct.unpack_from("<I", metadata, 0)
    message = _Table(metadata, root)
    kind = message.scalar(1, "<B", 0)
    header = message.table(2)
    if header is None:
        return None
    if kind == _DICTIONARY_BATCH:
        return header.table(1)
    return header if kind == _RECORD_BATCH else None


def _buffers(batch: _Table) -> Iterator[tuple[int, int]]:
    vector = batch.ref(2)
    if vector is None:
        return
    (count,) = struct.unpack_from("<I", batch.buf, vector)
    for index in range(count):
        yield struct.unpack_from("<qq", batch.buf, vector + 4 + 16 * index)


def inflated_size(metadata: bytes, body: bytes | memoryview) -> int:
    """Bytes the body of this message takes once decompressed (its own size when it is
    not compressed). Raises struct.error on metadata that points outside itself."""
    batch = _record_batch(metadata)
    if batch is None or batch.ref(3) is None:  # no batch, or no compression
        return len(body)
    total = 0
    for offset, length in _buffers(batch):
        if length < 8 or offset < 0:
            total += max(length, 0)
            continue
        (stated,) = struct.unpack_from("<q", body, offset)
        total += length - 8 if stated < 0 else stated
    return total


def check_messages(pa: Any, source: Any, start: int, limits: ReadLimits) -> None:
    """Refuse a stream whose batches inflate beyond the caps, reading only metadata and
    the 8-byte size prefixes. A stream that cannot be walked is left to the reader, which
    reports it as malformed."""
    source.seek(start)
    try:
        for message in pa.ipc.MessageReader.open_stream(source):
            body = message.body
            if body is None or message.type not in ("record batch", "dictionary"):
                continue
            stored = body.size
            inflated = inflated_size(message.metadata.to_pybytes(), memoryview(body))
            if inflated > limits.max_row_group_bytes:
                raise DatasetLimitExceeded("max_row_group_bytes", inflated)
            if inflated > _RATIO_GRACE and inflated > limits.max_inflate_ratio * max(stored, 1):
                raise DatasetLimitExceeded("max_inflate_ratio", limits.max_inflate_ratio)
    except (pa.ArrowException, OSError, struct.error, ValueError):
        pass
    finally:
        source.seek(0)
