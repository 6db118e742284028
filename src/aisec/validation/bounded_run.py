"""Run a scoring command with a cap on what it may print and how long it may take.

``subprocess.run(capture_output=True)`` keeps everything a command prints in memory: a
detector that loops printing would exhaust it long before the timeout. Here standard
output is read in chunks and the command is killed once it passes its cap; only the tail
of standard error is kept (for the error message).
"""

from __future__ import annotations

import contextlib
import io
import os
import signal
import subprocess
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO

CHUNK = 1 << 16
STDERR_TAIL = 4096


@dataclass(frozen=True)
class Finished:
    stdout: bytes
    stderr_tail: bytes
    returncode: int
    timed_out: bool = False
    overflowed: bool = False


def run_bounded(argv: Sequence[str], feed: bytes, *, max_stdout: int, timeout: float) -> Finished:
    """Run ``argv`` (no shell) with ``feed`` on its standard input. Raises OSError when it
    cannot start."""
    # A session of its own, so that a timeout also ends what the command started (a
    # wrapper script's child would otherwise keep the pipe open and the read waiting).
    proc = subprocess.Popen(  # the user's own command, no shell
        list(argv), stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        start_new_session=True,
    )  # fmt: skip
    stdin, stdout, stderr = proc.stdin, proc.stdout, proc.stderr
    if stdin is None or not isinstance(stdout, io.BufferedReader) or stderr is None:
        proc.kill()
        raise OSError("the command's pipes could not be opened")
    timed_out = threading.Event()

    def expire() -> None:
        if proc.poll() is None:  # finished just in time: not a timeout
            timed_out.set()
            _kill(proc)

    timer = threading.Timer(timeout, expire)
    timer.daemon = True
    tail = bytearray()
    threads = [
        threading.Thread(target=_feed, args=(stdin, feed), daemon=True),
        threading.Thread(target=_keep_tail, args=(stderr, tail), daemon=True),
    ]
    timer.start()
    for thread in threads:
        thread.start()
    out = bytearray()
    overflowed = False
    try:
        while chunk := stdout.read1(CHUNK):
            out += chunk
            if len(out) > max_stdout:
                overflowed = True
                _kill(proc)
                break
    finally:
        stdout.close()
        code = proc.wait()
        timer.cancel()
        for thread in threads:
            thread.join(timeout=5.0)
    return Finished(bytes(out), bytes(tail), code, timed_out.is_set(), overflowed)


def _kill(proc: subprocess.Popen[bytes]) -> None:
    """The command and everything it started (its process group)."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        proc.kill()


def _feed(pipe: IO[bytes], data: bytes) -> None:
    # A command may stop reading early (it failed, or it was killed): not our error.
    try:
        pipe.write(data)
    except (BrokenPipeError, OSError):
        pass
    finally:
        with contextlib.suppress(OSError):
            pipe.close()


def _keep_tail(pipe: IO[bytes], tail: bytearray) -> None:
    try:
        while chunk := pipe.read1(CHUNK):  # type: ignore[attr-defined]
            tail += chunk
            del tail[:-STDERR_TAIL]
    except (OSError, ValueError):
        pass
