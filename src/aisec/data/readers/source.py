"""Opening a dataset file as a stream of UTF-8 bytes: gzip is inflated on the fly (with a
cap on how much it may grow), a UTF-8 byte-order mark is stepped over and UTF-16 is
transcoded. Byte offsets stay meaningful only for plain files."""

from __future__ import annotations

import codecs
import gzip
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol

from aisec.data.readers.errors import DatasetError, DatasetLimitExceeded, MalformedDataset
from aisec.data.readers.types import WHOLE_FILE, Part, ReadLimits

GZIP_MAGIC = b"\x1f\x8b"
UTF8_BOM = codecs.BOM_UTF8
UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
# A gzip file may inflate this much before the ratio cap is checked: small files that
# compress well (a column of zeros) are legitimate.
_RATIO_GRACE = 16 * 1024 * 1024


class ByteReader(Protocol):
    def read(self, size: int, /) -> bytes: ...


@dataclass(frozen=True, slots=True)
class Source:
    reader: ByteReader
    offset: int  # file offset of the first byte read, when offsets are meaningful
    offsets_known: bool


class _InflateGuard:
    """Reads a gzip stream and refuses one that inflates beyond the ratio cap."""

    def __init__(self, raw: BinaryIO, limits: ReadLimits) -> None:
        self._raw = raw
        self._inflated = gzip.GzipFile(fileobj=raw, mode="rb")
        self._ratio = limits.max_inflate_ratio
        self._out = 0

    def read(self, size: int, /) -> bytes:
        try:
            data = self._inflated.read(size)
        except (OSError, EOFError, zlib.error) as exc:
            raise MalformedDataset(
                f"gzip stream cannot be inflated ({type(exc).__name__})"
            ) from None
        self._out += len(data)
        if self._out > _RATIO_GRACE and self._out > self._ratio * max(self._raw.tell(), 1):
            raise DatasetLimitExceeded("max_inflate_ratio", self._ratio)
        return data


class _Utf16ToUtf8:
    """Transcodes a UTF-16 stream (after its byte-order mark) to UTF-8, block by block."""

    def __init__(self, raw: ByteReader, encoding: str) -> None:
        self._raw = raw
        self._decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
        self._pending = b""
        self._done = False

    def read(self, size: int, /) -> bytes:
        while len(self._pending) < size and not self._done:
            block = self._raw.read(max(size, 1 << 16))
            self._done = not block
            self._pending += self._decoder.decode(block, final=self._done).encode("utf-8")
        out, self._pending = self._pending[:size], self._pending[size:]
        return out


class _Range:
    """At most ``size`` bytes of a stream."""

    def __init__(self, reader: ByteReader, size: int) -> None:
        self._reader = reader
        self._left = size

    def read(self, size: int, /) -> bytes:
        data = self._reader.read(min(size, self._left)) if self._left > 0 else b""
        self._left -= len(data)
        return data


@contextmanager
def open_source(path: Path, limits: ReadLimits, part: Part = WHOLE_FILE) -> Iterator[Source]:
    with path.open("rb") as raw:
        if not part.whole_range:
            yield _range_source(raw, part)
            return
        reader: ByteReader = raw
        known = True
        if raw.read(2) == GZIP_MAGIC:
            reader = _InflateGuard(raw, limits)
            known = False
        raw.seek(0)
        head = _peek(reader, 4, raw if known else None)
        if not known:
            reader = _Prefixed(head, reader)
        offset = 0
        if head.startswith(UTF8_BOM):
            reader.read(len(UTF8_BOM))
            offset = len(UTF8_BOM)
        elif head[:2] in UTF16_BOMS:
            encoding = "utf-16-le" if head[:2] == codecs.BOM_UTF16_LE else "utf-16-be"
            reader.read(2)
            reader = _Utf16ToUtf8(reader, encoding)
            known = False
        yield Source(reader, offset, known)


def _range_source(raw: BinaryIO, part: Part) -> Source:
    head = raw.read(4)
    if head.startswith(GZIP_MAGIC) or head[:2] in UTF16_BOMS:
        raise DatasetError("a byte range can only be read from an uncompressed UTF-8 file")
    start = part.byte_start
    if start == 0 and head.startswith(UTF8_BOM):
        start = len(UTF8_BOM)
    raw.seek(start)
    reader: ByteReader = raw if part.byte_end is None else _Range(raw, part.byte_end - start)
    return Source(reader, start, True)


def _peek(reader: ByteReader, size: int, seekable: BinaryIO | None) -> bytes:
    head = reader.read(size)
    if seekable is not None:
        seekable.seek(0)
    return head


class _Prefixed:
    """Puts bytes already read from an unseekable stream back in front of it."""

    def __init__(self, prefix: bytes, reader: ByteReader) -> None:
        self._prefix = prefix
        self._reader = reader

    def read(self, size: int, /) -> bytes:
        if self._prefix:
            out, self._prefix = self._prefix[:size], self._prefix[size:]
            if len(out) < size:
                out += self._reader.read(size - len(out))
            return out
        return self._reader.read(size)
