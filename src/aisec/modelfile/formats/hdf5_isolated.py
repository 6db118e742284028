"""Run a native parser in a forked child, so that its crash or hang is a result.

The HDF5 library is C code that crashes on some corrupted files (mutated Keras ``.h5``
files segfault h5py 3.16 / HDF5 2.0). A crash must not take the scanner down, and C code
cannot be interrupted by a Python timeout (corrupted global heaps make it loop). The
child is a fork: it inherits the blob's memory (no copy, no re-open by path), computes a
JSON-able result, writes it to a pipe and exits with ``os._exit``. The parent reads with
a deadline and kills the child when it passes; inside, a watchdog (``SIGALRM`` with its
default action) ends a child that makes no progress for ``STALL_SECONDS``. Only JSON
crosses the pipe, so a child whose memory a hostile file corrupted can at worst lie
about the file, not run code in the scanner.

Where ``fork`` does not exist (Windows) the function runs in-process.
"""

from __future__ import annotations

import faulthandler
import json
import os
import select
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# A result is small (configs are capped at 256 MiB, base64 adds a third): past this the
# child is killed rather than read further.
MAX_RESULT = 400 * 1024 * 1024
# The reader re-arms the watchdog at every step (an attribute, a hundred links): no real
# file needs seconds between two steps, a looping library never re-arms it.
STALL_SECONDS = 20
# Address space the reader may add to what it inherits: corrupted size fields make the
# HDF5 library allocate gigabytes for a 17 KB file. Real metadata (a config of at most
# 256 MiB, its string and JSON copies) fits well within it.
MEMORY_BUDGET = 2 * 1024 * 1024 * 1024
Watchdog = Callable[[], None]


@dataclass(frozen=True)
class Outcome:
    result: dict[str, Any] | None
    failure: str | None = None  # why there is no result: a crash, a cap, garbage
    limit: bool = False  # the failure is a cap (time, result size), not the file's fault


def run_isolated(work: Callable[[Watchdog], dict[str, Any]], deadline: float) -> Outcome:
    if not hasattr(os, "fork"):
        try:
            return Outcome(work(lambda: None))
        except Exception as exc:  # the in-process fallback keeps the same contract
            return Outcome({"error": f"{type(exc).__name__}: {exc}"})
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child, reported through the pipe
        os.close(read_end)
        _child(work, write_end)
    os.close(write_end)
    try:
        payload, capped = _collect(read_end, deadline)
    except BaseException:  # e.g. Ctrl-C: no reader left running behind the scan
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        raise
    finally:
        os.close(read_end)
    if capped:
        os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    if capped:
        return Outcome(None, capped, limit=True)
    if os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGALRM:
        stalled = f"the HDF5 library made no progress for {STALL_SECONDS} s on this file"
        return Outcome(None, stalled + ": it would hang the loader too")
    if os.WIFSIGNALED(status):
        return Outcome(None, f"the HDF5 library crashed ({_signal_name(status)}) reading this file")
    try:
        result = json.loads(payload)
    except ValueError:
        return Outcome(None, "the HDF5 reader ended without a result")
    if not isinstance(result, dict):
        return Outcome(None, "the HDF5 reader ended without a result")
    return Outcome(result)


def _signal_name(status: int) -> str:
    number = os.WTERMSIG(status)
    try:
        return signal.Signals(number).name
    except ValueError:  # real-time signals have no name
        return f"signal {number}"


def _child(work: Callable[[Watchdog], dict[str, Any]], fd: int) -> None:  # pragma: no cover
    code = 0
    try:
        # A crash is reported by the parent as a finding: no traceback dump from an
        # inherited faulthandler, no allocator or library chatter on the user's terminal.
        faulthandler.disable()
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        _limit_memory()
        signal.signal(signal.SIGALRM, signal.SIG_DFL)  # the default action ends the process

        def rearm() -> None:
            signal.alarm(STALL_SECONDS)

        rearm()
        try:
            result = work(rearm)
            signal.alarm(0)
        except BaseException as exc:  # everything becomes data for the parent
            result = {"error": f"{type(exc).__name__}: {exc}"}
        data = json.dumps(result).encode("utf-8", "surrogatepass")
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    except BaseException:
        code = 1
    finally:
        os._exit(code)  # no atexit handlers, no flushing of the parent's buffers


def _limit_memory() -> None:  # pragma: no cover - runs in the child
    """Cap the child's address space at what it inherited plus ``MEMORY_BUDGET``, so an
    allocation the file asks for fails inside the library instead of exhausting the host."""
    try:
        import resource

        with open("/proc/self/statm", "rb") as statm:
            inherited = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        wanted = inherited + MEMORY_BUDGET
        if hard != resource.RLIM_INFINITY:
            wanted = min(wanted, hard)
        if soft == resource.RLIM_INFINITY or wanted < soft:
            resource.setrlimit(resource.RLIMIT_AS, (wanted, hard))
    except (ImportError, OSError, ValueError):
        pass  # no /proc (macOS) or no resource module: the deadline still bounds the child


def _collect(fd: int, deadline: float) -> tuple[bytes, str | None]:
    """The child's output, or the cap that stopped reading it."""
    chunks: list[bytes] = []
    size = 0
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return b"", "the time budget for this file ran out in the HDF5 reader"
        if size > MAX_RESULT:
            return b"", f"the HDF5 reader's result passed {MAX_RESULT} bytes"
        ready, _, _ = select.select([fd], [], [], left)
        if not ready:
            continue
        chunk = os.read(fd, 1024 * 1024)
        if not chunk:
            return b"".join(chunks), None
        chunks.append(chunk)
        size += len(chunk)
