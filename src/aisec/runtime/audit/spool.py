"""The spool: where hashed entries and signed checkpoints wait while the database is down.

One append-only file per stream (``<stream>.spool`` in the spool directory), one JSON line
per batch: ``{"v": 1, "type": "aisec.gateway-spool", "entries": [...], "checkpoint":
{...} | null}``, each entry with its seq and leaf hash, written with ``fsync`` before the
batch counts as kept. Lines are replayed in order once the database answers again and the
file is then removed; the store skips what it already holds, so a crash in the middle of a
replay loses nothing and duplicates nothing.

A crash while writing leaves a torn last line: every complete line before it is kept and
the torn one reported. The file is created 0600 and opened with ``O_NOFOLLOW``: request
metadata must not become readable by others, nor a planted symlink make the gateway append
to a file of an attacker's choosing.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Generator, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aisec.governance.audit.records import canonical_json
from aisec.runtime.audit.records import TrafficCheckpoint, TrafficEntry

SPOOL_TYPE = "aisec.gateway-spool"
SPOOL_VERSION = 1
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_READ_CHUNK = 1 << 20


@dataclass(frozen=True, slots=True)
class SpoolBatch:
    entries: tuple[TrafficEntry, ...]
    checkpoint: TrafficCheckpoint | None
    end: int  # the file offset after the line: where a replay goes on from


@dataclass(frozen=True, slots=True)
class SpoolProblem:
    offset: int  # where the bad line starts
    end: int  # and where the next one does
    reason: str


def encode_batch(entries: Sequence[TrafficEntry], checkpoint: TrafficCheckpoint | None) -> bytes:
    body = {
        "v": SPOOL_VERSION,
        "type": SPOOL_TYPE,
        "entries": [entry.to_json() for entry in entries],
        "checkpoint": None if checkpoint is None else checkpoint.to_json(),
    }
    return canonical_json(body) + b"\n"  # canonical JSON never holds a raw newline


def decode_line(line: bytes) -> tuple[tuple[TrafficEntry, ...], TrafficCheckpoint | None]:
    """One complete line (without its newline); ValueError when it is not a spool batch
    or any entry no longer hashes to its leaf."""
    try:
        data: Any = json.loads(line.decode("utf-8", "surrogatepass"))
    except (UnicodeDecodeError, RecursionError, ValueError) as exc:
        raise ValueError(f"not JSON: {exc}") from None
    if not isinstance(data, dict) or data.get("type") != SPOOL_TYPE:
        raise ValueError("not a spool batch")
    if data.get("v") != SPOOL_VERSION:
        raise ValueError(f"unknown spool version {data.get('v')!r}")
    raw_entries, raw_checkpoint = data.get("entries"), data.get("checkpoint")
    if not isinstance(raw_entries, list):
        raise ValueError("entries is not a list")
    entries = tuple(TrafficEntry.from_json(item) for item in raw_entries)
    checkpoint = None if raw_checkpoint is None else TrafficCheckpoint.from_json(raw_checkpoint)
    return entries, checkpoint


def iter_spool(chunks: Iterator[bytes], start: int = 0) -> Iterator[SpoolBatch | SpoolProblem]:
    """Batches and problems of spool content (given as byte chunks from ``start``), in file
    order. A last line without its newline is torn: reported, never decoded, because a
    prefix of a line can happen to be valid JSON."""
    pending = b""
    offset = start  # of pending's first byte
    for chunk in chunks:
        pending += chunk
        while (newline := pending.find(b"\n")) >= 0:
            line, pending = pending[:newline], pending[newline + 1 :]
            end = offset + newline + 1
            yield _decoded(line, offset, end)
            offset = end
    if pending:
        end = offset + len(pending)
        yield SpoolProblem(offset, end, f"torn last line ({len(pending)} bytes): a write cut short")


def _decoded(line: bytes, offset: int, end: int) -> SpoolBatch | SpoolProblem:
    if not line.strip():
        # What a torn line's repair leaves (see Spool.append): nothing lost.
        return SpoolBatch((), None, end)
    try:
        entries, checkpoint = decode_line(line)
    except ValueError as exc:
        return SpoolProblem(offset, end, str(exc))
    return SpoolBatch(entries, checkpoint, end)


def parse_spool(data: bytes) -> tuple[list[SpoolBatch], list[SpoolProblem]]:
    """Everything in ``data`` (a whole spool file's content), split by kind."""
    batches: list[SpoolBatch] = []
    problems: list[SpoolProblem] = []
    for item in iter_spool(iter((data,))):
        (batches if isinstance(item, SpoolBatch) else problems).append(item)  # type: ignore[arg-type]
    return batches, problems


class Spool:
    """The spool file of one stream; used by the writer's thread only."""

    def __init__(self, directory: Path, stream: str) -> None:
        self.path = directory / f"{stream}.spool"
        self._fd: int | None = None
        self._needs_newline = False

    def size(self) -> int:
        try:
            return os.stat(self.path, follow_symlinks=False).st_size
        except FileNotFoundError:
            return 0

    def exists(self) -> bool:
        return self.size() > 0

    def append(self, entries: Sequence[TrafficEntry], checkpoint: TrafficCheckpoint | None) -> None:
        """Write one batch and fsync it; OSError when the disk refuses (the caller counts
        the batch lost: there is nowhere else to keep it)."""
        data = encode_batch(entries, checkpoint)
        if self._fd is None:
            self._fd = os.open(
                self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT | _NOFOLLOW | _CLOEXEC, 0o600
            )
            # Opened read-write for this check only: a torn line left by a crash, or by a
            # write cut short, is ended first, so the next line is not glued to it.
            self._needs_newline = self._needs_newline or _ends_torn(self._fd)
        if self._needs_newline:
            data = b"\n" + data
        try:
            view = memoryview(data)
            while view:
                written = os.write(self._fd, view)
                view = view[written:]
            os.fsync(self._fd)
        except OSError:
            self._needs_newline = True
            raise
        self._needs_newline = False

    def read(self, start: int = 0) -> Generator[SpoolBatch | SpoolProblem, None, None]:
        """The file's batches and problems from ``start`` (a line boundary)."""
        try:
            fd = os.open(self.path, os.O_RDONLY | _NOFOLLOW | _CLOEXEC)
        except FileNotFoundError:
            return
        with os.fdopen(fd, "rb") as handle:
            handle.seek(start)
            yield from iter_spool(iter(lambda: handle.read(_READ_CHUNK), b""), start)

    def remove(self) -> None:
        """Drop the file once every line is in the database."""
        self.close()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path)

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def _ends_torn(fd: int) -> bool:
    size = os.fstat(fd).st_size
    return size > 0 and os.pread(fd, 1, size - 1) != b"\n"
