"""Opening a path below a root without following a symlink in any of its components.

``O_NOFOLLOW`` guards only the last component of a path: ``root/a/x.csv`` is read
through ``a`` even when ``a`` has become a link to a directory outside the root. Here
each directory is opened relative to its parent's descriptor with
``O_DIRECTORY | O_NOFOLLOW``, so a link (or a file) put in place of a directory makes
the open fail with ``ELOOP``/``ENOTDIR`` instead of reading elsewhere, however late it
was swapped in. Where ``dir_fd`` is not supported (Windows), every parent is checked
with ``lstat`` first, which closes the hole but not the race.
"""

from __future__ import annotations

import errno
import os
import stat

DIRECTORY_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_DIRECTORY", 0)
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_CLOEXEC", 0)
)
# The root may itself be a link: the user named it.
_ROOT_FLAGS = DIRECTORY_FLAGS & ~getattr(os, "O_NOFOLLOW", 0)
OPENS_BENEATH = (
    os.open in os.supports_dir_fd and hasattr(os, "O_DIRECTORY") and hasattr(os, "O_NOFOLLOW")
)


def open_beneath(root: bytes, rel: bytes, flags: int) -> int:
    """A descriptor for ``root``/``rel`` opened with ``flags``; raises ``OSError`` when a
    directory on the way is a symlink or not a directory. ``root`` itself is trusted (the
    user named it) and may be a link; ``rel`` is a relative POSIX path."""
    parts = [p for p in rel.split(b"/") if p]
    if not parts:
        return os.open(root or b".", flags & ~getattr(os, "O_NOFOLLOW", 0))
    if not OPENS_BENEATH:
        check_parents(root, rel)
        return os.open(os.path.join(root or b".", *parts), flags)
    directory = os.open(root or b".", _ROOT_FLAGS)
    try:
        for name in parts[:-1]:
            inner = os.open(name, DIRECTORY_FLAGS, dir_fd=directory)
            os.close(directory)
            directory = inner
        return os.open(parts[-1], flags, dir_fd=directory)
    finally:
        os.close(directory)


def check_parents(root: bytes, rel: bytes) -> None:
    """Raise ``OSError`` unless every directory of ``rel`` below ``root`` is one."""
    displaced = first_non_directory(root, rel)
    if displaced is not None:
        raise OSError(errno.ENOTDIR, "a directory on the way is a symlink or not a directory")


def first_non_directory(root: bytes, rel: bytes) -> tuple[bytes, os.stat_result] | None:
    """The first proper ancestor of ``rel`` (from the root down) that is not a real
    directory, with its ``lstat``; ``None`` when all are. Raises ``OSError`` (e.g.
    ``FileNotFoundError``) when one cannot be looked at."""
    parts = rel.split(b"/")
    for depth in range(1, len(parts)):
        prefix = b"/".join(parts[:depth])
        info = os.lstat(os.path.join(root or b".", prefix))
        if not stat.S_ISDIR(info.st_mode):
            return prefix, info
    return None
