"""One writer per stream: an exclusive ``flock`` on ``<spool_dir>/<stream>.lock``.

Seq numbers are assigned in memory, so two processes writing one stream would hand out the
same numbers and fork the tree. The lock is taken without waiting (a second gateway
configured with the same instance name fails at start, loudly) and released by the kernel
when the process dies, so a crash never leaves a stale lock behind. The file itself is left
in place: removing it would let a third process lock a new file while the second still
holds the old one.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from aisec.core.errors import ConfigError

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


class StreamLock:
    def __init__(self, directory: Path, stream: str) -> None:
        self.path = directory / f"{stream}.lock"
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | _NOFOLLOW | _CLOEXEC, 0o600)
        except OSError as exc:
            raise ConfigError(
                f"cannot open the traffic log lock {self.path}: {exc.strerror or exc}",
                hint="the spool directory must be writable by the gateway (and not a symlink)",
            ) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            raise ConfigError(
                f"the traffic log stream {stream!r} is already written by another gateway "
                f"process (lock {self.path} is held)",
                hint="give every gateway process its own instance name (stream)",
            ) from None
        # The holder's pid, for whoever investigates the error above.
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd: int | None = fd

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
