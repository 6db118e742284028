"""Byte windows over files and decompressed data, shared by every reader.

Analysers never copy a whole artefact into memory: a :class:`Blob` is a window
``[start, end)`` over a buffer that supports ``find``, indexing and slicing (``bytes`` or
an ``mmap``), so a stored archive member is a window on its container and a 200 MB
tensor payload is skipped by arithmetic, not read.
"""

from __future__ import annotations

import contextlib
import errno
import mmap
import os
import stat
from collections.abc import Iterable
from pathlib import Path
from typing import Protocol

from aisec.core.errors import LimitExceeded

# Below this, decompressed data stays in memory; above it, it is spooled to a
# temporary file and mapped, so memory does not grow with the data.
SPOOL_THRESHOLD = 64 * 1024 * 1024


class Buffer(Protocol):
    def __getitem__(self, index: int | slice, /) -> int | bytes: ...
    def __len__(self) -> int: ...
    def find(self, sub: bytes, start: int = ..., end: int = ..., /) -> int: ...


class _Owner:
    """Keeps the objects behind a buffer alive until every view is closed."""

    def __init__(self, *closables: object) -> None:
        self._closables = list(closables)
        self.refs = 1

    def release(self) -> None:
        self.refs -= 1
        if self.refs == 0:
            for obj in self._closables:
                close = getattr(obj, "close", None)
                if close is not None:
                    with contextlib.suppress(BufferError, OSError, ValueError):
                        close()
            self._closables.clear()


class Blob:
    __slots__ = ("_closed", "_owner", "data", "end", "start")

    def __init__(
        self,
        data: bytes | mmap.mmap,
        start: int = 0,
        end: int | None = None,
        owner: _Owner | None = None,
    ) -> None:
        self.data = data
        self.start = start
        self.end = len(data) if end is None else end
        self._owner = owner
        self._closed = False

    # -- construction -------------------------------------------------------------
    @classmethod
    def from_bytes(cls, data: bytes) -> Blob:
        return cls(bytes(data))

    @classmethod
    def from_file(cls, path: str | os.PathLike[str]) -> Blob:
        # Non-blocking open and a type check on the open descriptor: a file swapped for a
        # FIFO after the caller's stat cannot hang the scan.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            os.close(fd)
            raise OSError(errno.EINVAL, "not a regular file", str(path))
        with os.fdopen(fd, "rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            if size == 0:
                return cls(b"")
            if size < 1024 * 1024:
                return cls(fh.read())
            mapped = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
        return cls(mapped, owner=_Owner(mapped))

    @classmethod
    def spool(cls, chunks: Iterable[bytes], *, limit: int, what: str) -> Blob:
        """Collect ``chunks`` (e.g. a decompressor's output) into a blob, in memory while
        small and in a mapped temporary file beyond that; stop at ``limit`` bytes."""
        parts: list[bytes] = []
        total = 0
        spill = None
        try:
            for chunk in chunks:
                total += len(chunk)
                if total > limit:
                    raise LimitExceeded(f"{what} size", limit)
                if spill is None:
                    parts.append(chunk)
                    if total > SPOOL_THRESHOLD:
                        import tempfile

                        spill = tempfile.TemporaryFile(prefix="aisec-")  # noqa: SIM115 - owned by the blob
                        for part in parts:
                            spill.write(part)
                        parts.clear()
                else:
                    spill.write(chunk)
        except BaseException:
            if spill is not None:
                spill.close()
            raise
        if spill is None:
            return cls(b"".join(parts))
        spill.flush()
        if total == 0:  # pragma: no cover - cannot happen past the threshold
            spill.close()
            return cls(b"")
        mapped = mmap.mmap(spill.fileno(), 0, access=mmap.ACCESS_READ)
        return cls(mapped, owner=_Owner(mapped, spill))

    # -- access -------------------------------------------------------------------
    def __len__(self) -> int:
        return self.end - self.start

    def head(self, n: int) -> bytes:
        return bytes(self.data[self.start : min(self.end, self.start + n)])

    def read(self, offset: int, n: int) -> bytes:
        """``n`` bytes at relative ``offset`` (fewer at the end)."""
        begin = self.start + max(0, offset)
        return bytes(self.data[begin : min(self.end, begin + n)])

    def tail(self, n: int) -> bytes:
        return bytes(self.data[max(self.start, self.end - n) : self.end])

    def slice(self, start: int, end: int | None = None) -> Blob:
        """A sub-window in relative offsets, sharing the buffer."""
        stop = self.end if end is None else min(self.end, self.start + end)
        begin = min(stop, self.start + max(0, start))
        if self._owner is not None:
            self._owner.refs += 1
        return Blob(self.data, begin, stop, self._owner)

    def iter_chunks(self, size: int = 1024 * 1024) -> Iterable[bytes]:
        pos = self.start
        while pos < self.end:
            yield bytes(self.data[pos : min(self.end, pos + size)])
            pos += size

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            if self._owner is not None:
                self._owner.release()

    def __enter__(self) -> Blob:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def file_blob(path: Path) -> Blob:
    return Blob.from_file(path)
