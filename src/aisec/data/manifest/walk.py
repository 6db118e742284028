"""Listing what is under a root without following links or opening anything.

The walk is iterative (a deep tree cannot exhaust the stack), works on byte paths (any
file name is listed exactly), records symlinks as links (with their target, and whether
it points outside the root), and records FIFOs, sockets and devices by kind only. A
directory reached twice through a bind mount is walked once. Only directories are
opened here, each below its parent without following links (a directory swapped for a
link is found as the link, never walked through); classifying by ``lstat`` mode cannot
block, whatever the file is.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from aisec.core.errors import LimitExceeded
from aisec.data.manifest.beneath import (
    DIRECTORY_FLAGS,
    OPENS_BENEATH,
    check_parents,
    first_non_directory,
    open_beneath,
)
from aisec.data.manifest.model import FILE, SYMLINK
from aisec.data.manifest.paths import join

MAX_ENTRIES = 10_000_000
_DIR_FLAGS = DIRECTORY_FLAGS
_SCAN_BY_DESCRIPTOR = OPENS_BENEATH and os.scandir in os.supports_fd


@dataclass(frozen=True, slots=True)
class Found:
    rel: bytes
    kind: str
    mode: int = 0
    target: bytes | None = None
    escapes_root: bool = False


@dataclass(frozen=True, slots=True)
class Listing:
    found: list[Found]
    unreadable: dict[bytes, str]  # path -> reason
    missing: list[bytes]  # inputs that do not exist


def walk(
    root: bytes,
    inputs: Sequence[bytes],
    *,
    exclude: Collection[bytes] = (),
    max_entries: int = MAX_ENTRIES,
) -> Listing:
    """Everything under ``root``/``inputs`` (``b"."`` is the whole root), sorted."""
    walker = _Walker(root, exclude, max_entries)
    for rel in inputs:
        walker.start(rel)
    walker.run()
    return Listing(
        sorted(walker.found.values(), key=lambda f: f.rel), walker.unreadable, walker.missing
    )


class _Walker:
    def __init__(self, root: bytes, exclude: Collection[bytes], max_entries: int) -> None:
        self.root = root
        self.real_root = os.path.realpath(root)
        self.exclude = exclude
        self.max_entries = max_entries
        self.found: dict[bytes, Found] = {}
        self.unreadable: dict[bytes, str] = {}
        self.missing: list[bytes] = []
        self.seen_dirs: set[tuple[int, int]] = set()
        self.pending: list[bytes] = []

    def start(self, rel: bytes) -> None:
        if rel == b".":
            self.pending.append(b"")
            return
        try:
            # A directory on the way that is now a link (or a file) is what is found
            # there: reading through it would hash data outside the root.
            displaced = first_non_directory(self.root, rel)
            if displaced is not None:
                self._add(displaced[0], displaced[1].st_mode)
                return
            info = os.lstat(join(self.root, rel))
        except FileNotFoundError:
            self.missing.append(rel)
            return
        except OSError as exc:
            self.unreadable[rel] = _reason(exc)
            return
        self._add(rel, info.st_mode)

    def run(self) -> None:
        while self.pending:
            rel = self.pending.pop()
            try:
                children = self._list(rel)
            except OSError as exc:
                self.unreadable[rel or b"."] = _reason(exc)
                continue
            for name, mode in children or ():
                self._add(join(rel, name) if rel else name, mode)

    def _list(self, rel: bytes) -> list[tuple[bytes, int]] | None:
        """Names and ``lstat`` modes in the directory ``rel``, opened without following
        links on the way (``None`` when it was already walked through a bind mount)."""
        if not _SCAN_BY_DESCRIPTOR:
            check_parents(self.root, rel)
            path = join(self.root, rel) if rel else self.root
            if not stat.S_ISDIR(os.lstat(path).st_mode):
                raise OSError(errno.ENOTDIR, "replaced by something else while being walked")
            if not self._first_visit(os.stat(path, follow_symlinks=False)):
                return None
            with os.scandir(path) as listing:
                return [(e.name, e.stat(follow_symlinks=False).st_mode) for e in listing]
        fd = open_beneath(self.root, rel, _DIR_FLAGS)
        try:
            if not self._first_visit(os.fstat(fd)):
                return None
            with os.scandir(fd) as found:
                return [(os.fsencode(e.name), e.stat(follow_symlinks=False).st_mode) for e in found]
        finally:
            os.close(fd)

    def _first_visit(self, directory: os.stat_result) -> bool:
        key = (directory.st_dev, directory.st_ino)
        if key in self.seen_dirs:
            return False
        self.seen_dirs.add(key)
        return True

    def _add(self, rel: bytes, mode: int) -> None:
        if rel in self.exclude:
            return
        if stat.S_ISDIR(mode):
            self.pending.append(rel)
            return
        self.found[rel] = _classify(self.root, self.real_root, rel, mode)
        if len(self.found) > self.max_entries:
            raise LimitExceeded("manifest entries", self.max_entries, hint="split the dataset")


def _classify(root: bytes, real_root: bytes, rel: bytes, mode: int) -> Found:
    if stat.S_ISREG(mode):
        return Found(rel, FILE, mode)
    if stat.S_ISLNK(mode):
        path = join(root, rel)
        try:
            target = os.readlink(path)
        except OSError:
            return Found(rel, SYMLINK, mode, b"", False)
        resolved = os.path.realpath(path)
        inside = resolved == real_root or resolved.startswith(real_root.rstrip(b"/") + b"/")
        return Found(rel, SYMLINK, mode, target, not inside)
    return Found(rel, _special_kind(mode), mode)


def _special_kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "fifo"
    if stat.S_ISSOCK(mode):
        return "socket"
    if stat.S_ISCHR(mode):
        return "char-device"
    if stat.S_ISBLK(mode):
        return "block-device"
    return "other"


def _reason(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__
