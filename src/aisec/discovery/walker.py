"""The walk of a repository or file tree, with the scanner's safety rules.

Directory links are never followed: their target is either inside the tree (and walked
under its own name) or outside it, where discovery has no business. A file link is read
only when its target is inside the tree. Tool and dependency directories (``.git``,
``.venv``, ``node_modules``, any directory with a ``pyvenv.cfg`` or ``conda-meta`` ...) are
skipped unless asked for: they hold other people's code, and walking them dwarfs the
repository itself. Nothing is opened that is not a regular file (a FIFO would block).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass

SKIPPED_DIRECTORIES = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        ".venv",
        "venv",
        ".tox",
        ".nox",
        "node_modules",
        "__pycache__",
        ".mypy_cache",
        ".ruff_cache",
        ".pytest_cache",
        ".aisec",
    }
)
# A directory holding one of these is an environment of installed packages, whatever
# its name (.venv-tf, env, a conda prefix): other people's code, skipped like .venv.
ENVIRONMENT_MARKERS = ("pyvenv.cfg", "conda-meta")


@dataclass(frozen=True)
class Entry:
    """A regular file to look at: its real path, its path relative to the root, its size."""

    path: str
    relative: str
    size: int


@dataclass(frozen=True)
class Passed:
    """Something not walked into, and why: ``problem`` when it could not be read."""

    relative: str
    reason: str
    problem: bool


def _relative(path: str, root: str) -> str:
    return os.path.relpath(path, root).replace(os.sep, "/")


def walk(root: str, *, include_skipped: bool = False) -> Iterator[Entry | Passed]:
    """Files under ``root`` (a directory or one file), sorted, depth first."""
    real_root = os.path.realpath(root)
    info = os.stat(root)
    if not stat.S_ISDIR(info.st_mode):
        base = os.path.dirname(os.path.abspath(root))
        if stat.S_ISREG(info.st_mode):
            yield Entry(root, _relative(os.path.abspath(root), base), info.st_size)
        return
    stack = [root]
    while stack:
        current = stack.pop()
        try:
            with os.scandir(current) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            yield Passed(_relative(current, root), f"cannot read directory: {exc.strerror}", True)
            continue
        subdirs: list[str] = []
        for entry in entries:
            item = _classify(entry, root, real_root, include_skipped)
            if isinstance(item, str):
                subdirs.append(item)
            elif item is not None:
                yield item
        stack.extend(reversed(subdirs))


def _classify(
    entry: os.DirEntry[str], root: str, real_root: str, include_skipped: bool
) -> str | Entry | Passed | None:
    relative = _relative(entry.path, root)
    try:
        if entry.is_symlink():
            return _link(entry, relative, real_root)
        if entry.is_dir(follow_symlinks=False):
            if not include_skipped and (
                entry.name in SKIPPED_DIRECTORIES or _is_environment(entry.path)
            ):
                return None
            return entry.path
        info = entry.stat(follow_symlinks=False)
    except OSError as exc:
        return Passed(relative, f"cannot read: {exc.strerror}", True)
    if not stat.S_ISREG(info.st_mode):
        return None  # sockets, FIFOs, devices: not files anyone commits
    return Entry(entry.path, relative, info.st_size)


def _is_environment(path: str) -> bool:
    return any(os.path.lexists(os.path.join(path, marker)) for marker in ENVIRONMENT_MARKERS)


def _link(entry: os.DirEntry[str], relative: str, real_root: str) -> Entry | Passed | None:
    target = os.path.realpath(entry.path)
    inside = target == real_root or target.startswith(real_root.rstrip(os.sep) + os.sep)
    if not inside:
        return Passed(relative, f"link out of the tree to {target}: not followed", False)
    if os.path.isdir(target):
        return None  # walked under its own name
    try:
        info = os.stat(target)
    except OSError as exc:
        return Passed(relative, f"broken link: {exc.strerror}", False)
    if not stat.S_ISREG(info.st_mode):
        return None
    return Entry(target, relative, info.st_size)
