"""The manifest's data: frozen records, independent of JSON and of the file system."""

from __future__ import annotations

from dataclasses import dataclass, field

SCHEMA = "aisec.dataset-manifest/1"
ALGORITHM = "sha256"
DEFAULT_CHUNK_SIZE = 4 * 1024 * 1024
MIN_CHUNK_SIZE = 4 * 1024  # smaller chunks make a manifest larger than what it describes
MAX_CHUNK_SIZE = 1024 * 1024 * 1024

FILE = "file"
SYMLINK = "symlink"
# Recorded by type only: opening a FIFO blocks and reading a device has no end.
SPECIAL_KINDS = ("fifo", "socket", "char-device", "block-device", "other")
KINDS = (FILE, SYMLINK, *SPECIAL_KINDS)

BYTES = "bytes"
LINES = "lines"


@dataclass(frozen=True, slots=True)
class Chunk:
    """``size`` bytes from ``offset`` with their SHA-256."""

    offset: int
    size: int
    sha256: str

    @property
    def end(self) -> int:
        return self.offset + self.size


@dataclass(frozen=True, slots=True)
class Entry:
    """One path under the root. Files carry size, digest, executable bit and chunks
    (empty when the file is a single chunk, whose digest is the file's); symlinks carry
    their target, never followed; special files carry only their kind."""

    path: bytes
    kind: str
    size: int = 0
    sha256: str | None = None
    executable: bool = False
    chunking: str = BYTES
    chunks: tuple[Chunk, ...] = ()
    target: bytes | None = None
    escapes_root: bool = False

    def all_chunks(self) -> tuple[Chunk, ...]:
        if self.chunks or self.sha256 is None:
            return self.chunks
        return (Chunk(0, self.size, self.sha256),)


@dataclass(frozen=True, slots=True)
class Skipped:
    """A path that could not be recorded (unreadable file or directory) and why."""

    path: bytes
    reason: str


@dataclass(frozen=True, slots=True)
class Signature:
    algorithm: str
    key_id: str
    value: str


@dataclass(frozen=True, slots=True)
class Manifest:
    chunk_size: int
    root: str | None  # the root, relative to the manifest's own directory
    inputs: tuple[bytes, ...]  # what was walked, relative to the root ("." when all of it)
    entries: tuple[Entry, ...]  # sorted by path
    root_hash: str
    created: str
    tool_version: str
    skipped: tuple[Skipped, ...] = ()
    excluded: tuple[bytes, ...] = ()  # e.g. the manifest itself when written inside the root
    signature: Signature | None = field(default=None, compare=False)

    @property
    def files(self) -> int:
        return sum(1 for e in self.entries if e.kind == FILE)

    @property
    def total_bytes(self) -> int:
        return sum(e.size for e in self.entries if e.kind == FILE)
