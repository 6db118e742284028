"""Streaming a file once into its SHA-256 and its chunk digests.

The whole-file digest is plain SHA-256, comparable with ``sha256sum`` and with the
digests dataset hubs publish. Chunks localise a change: fixed ``chunk_size`` byte
chunks, or, for line-oriented files (CSV, JSON lines, text), chunks that end at the
first line end at or after ``chunk_size`` bytes (at most twice that, for a file with
very long lines), so that a changed chunk is a whole range of lines.

The first chunk's digest is taken from a copy of the whole-file hasher, so a file of
one chunk (most files) is hashed once; larger files are hashed twice per byte.
hashlib releases the GIL on large updates, so files hash in parallel on threads.
"""

from __future__ import annotations

import hashlib
import io
import os
import stat
import threading
from collections.abc import Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING

from aisec.data.manifest.beneath import open_beneath
from aisec.data.manifest.model import LINES, Chunk

if TYPE_CHECKING:
    from hashlib import _Hash

READ_SIZE = 1024 * 1024
# Never follow a link planted where a file was, never block on a FIFO put there.
_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)


class NotRegularFile(OSError):
    """What was opened is no longer a regular file (replaced while walking)."""


@dataclass(frozen=True, slots=True)
class Digest:
    size: int
    sha256: str
    chunks: tuple[Chunk, ...]  # empty when the file is one chunk
    snapshots: dict[int, str]  # offset -> digest of the chunk in progress up to it


def hash_file(
    path: bytes,
    chunk_size: int,
    chunking: str,
    snapshot_at: Collection[int] = (),
    *,
    root: bytes | None = None,
) -> Digest:
    """Hash the regular file at ``path`` (relative to ``root`` when given, reached without
    following a link in any component); ``snapshot_at`` lists offsets where the digest
    of the chunk in progress is also wanted (the verifier uses it to tell an append from
    a change to a file's last chunk)."""
    with open_regular(path, root=root) as handle:
        splitter = _Splitter(chunk_size, chunking == LINES, frozenset(snapshot_at))
        buffer, view = _buffer()
        while count := handle.readinto(buffer):
            splitter.feed(buffer, view, count)
        return splitter.finish()


_local = threading.local()


def _buffer() -> tuple[bytearray, memoryview]:
    """This thread's read buffer: allocating (and zeroing) 1 MiB per file would cost
    more than hashing a small file."""
    if not hasattr(_local, "buffer"):
        _local.buffer = bytearray(READ_SIZE)
        _local.view = memoryview(_local.buffer)
    return _local.buffer, _local.view


def open_regular(path: bytes, *, root: bytes | None = None) -> io.FileIO:
    """``path`` opened for reading, unbuffered, if it is (still) a regular file; with
    ``root``, ``path`` is relative to it and no component may be a symlink."""
    fd = os.open(path, _OPEN_FLAGS) if root is None else open_beneath(root, path, _OPEN_FLAGS)
    handle = io.FileIO(fd, "rb", closefd=True)
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        handle.close()
        raise NotRegularFile(0, "not a regular file")
    return handle


class _Splitter:
    def __init__(self, chunk_size: int, lines: bool, snapshot_at: frozenset[int]) -> None:
        self.whole = hashlib.sha256()
        self.current: _Hash | None = None  # None while in chunk 0 (read from `whole`)
        self.minimum = chunk_size
        self.maximum = 2 * chunk_size if lines else chunk_size
        self.lines = lines
        self.snapshot_at = snapshot_at
        self.snapshots: dict[int, str] = {}
        self.chunks: list[Chunk] = []
        self.start = 0  # offset of the chunk in progress
        self.position = 0

    def feed(self, buffer: bytearray, view: memoryview, count: int) -> None:
        done = 0
        while done < count:
            cut = self._cut(buffer, done, count)
            self._update(view[done:cut])
            done = cut
            length = self.position - self.start
            if length >= self.maximum or (
                self.lines and length >= self.minimum and buffer[cut - 1] == 0x0A
            ):
                self._close()

    def _cut(self, buffer: bytearray, done: int, count: int) -> int:
        """Index in ``buffer`` up to which bytes belong to the chunk in progress."""
        length = self.position - self.start
        limit = min(count, done + self.maximum - length)
        cut = limit
        if self.lines:
            # The first newline that makes the chunk at least `minimum` bytes long.
            first = done + max(self.minimum - length - 1, 0)
            if first < limit and (newline := buffer.find(b"\n", first, limit)) >= 0:
                cut = newline + 1
        for offset in self.snapshot_at:  # stop there, so the snapshot sees that prefix
            if self.position < offset < self.position + (cut - done):
                cut = done + offset - self.position
        return cut

    def _update(self, data: memoryview) -> None:
        self.whole.update(data)
        if self.current is not None:
            self.current.update(data)
        self.position += len(data)
        if self.position in self.snapshot_at:
            self.snapshots[self.position] = self._chunk_hasher().hexdigest()

    def _chunk_hasher(self) -> _Hash:
        return self.whole.copy() if self.current is None else self.current.copy()

    def _close(self) -> None:
        digest = self._chunk_hasher().hexdigest()
        self.chunks.append(Chunk(self.start, self.position - self.start, digest))
        self.start = self.position
        self.current = hashlib.sha256()

    def finish(self) -> Digest:
        if self.position > self.start or not self.chunks:
            self._close()
        chunks = tuple(self.chunks) if len(self.chunks) > 1 else ()
        return Digest(self.position, self.whole.hexdigest(), chunks, self.snapshots)
