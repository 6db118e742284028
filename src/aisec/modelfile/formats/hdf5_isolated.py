"""Run a native parser in a forked child, so that its crash or hang is a result.

The HDF5 library is C code that crashes on some corrupted files (mutated Keras ``.h5``
files segfault h5py 3.16 / HDF5 2.0). A crash must not take the scanner down, and C code
cannot be interrupted by a Python timeout (corrupted global heaps make it loop). The
child is a fork: it inherits the blob's memory (no copy, no re-open by path). Right
after the fork it closes every descriptor it inherited but its end of the result pipe
(a scanner running in a process pool holds that pool's pipes) and points 0, 1 and 2 at
``/dev/null``. It sends its result as length-prefixed records, as soon as each is known
(the Keras configs before the link walk, so a crash in the walk loses only the walk),
and exits with ``os._exit``. The parent reads with a deadline and kills the child when
it passes; inside, a watchdog (``SIGALRM`` with its default action) ends a child that
makes no progress for ``STALL_SECONDS`` or outlives the deadline, and on Linux the child
dies with the parent (``PR_SET_PDEATHSIG``).

The child parsed hostile bytes, so what it sends is input like any other: records are
size-capped, JSON records are checked for shape before ``json.loads`` builds anything,
and nothing is unpickled. A child whose memory a file corrupted can at worst lie about
the file, not run code in the scanner or exhaust its memory.

Where ``fork`` does not exist (Windows) the function runs in-process.
"""

from __future__ import annotations

import contextlib
import faulthandler
import json
import math
import os
import re
import select
import signal
import struct
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

# A record: plain JSON-able data, or a named byte string (a config, sent as is).
Record = dict[str, Any] | tuple[str, bytes]
Watchdog = Callable[[], None]
Work = Callable[[Watchdog], Iterable[Record]]

# Frame of a record: its kind and the payload's length. A byte string's payload starts
# with its name's length (one byte) and the name.
FRAME = struct.Struct(">cI")
JSON_RECORD = b"J"
BYTES_RECORD = b"B"
MAX_NAME = 64
MAX_RECORDS = 16
# What the parent accepts of the child. Callers derive both from what their reader can
# legitimately produce; nothing larger is read, whatever the child claims.
DEFAULT_MAX_JSON = 1024 * 1024
DEFAULT_MAX_BYTES = 0
# Shape of a JSON record, checked with its strings blanked before it is parsed: results
# are flat (a few dicts of lists of small dicts), so a record with more containers,
# deeper nesting or more structure than this is a lying child, not a file.
MAX_JSON_CONTAINERS = 4096
MAX_JSON_DEPTH = 8
MAX_JSON_STRUCTURE = 256 * 1024
_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
# The reader re-arms the watchdog at every step (an attribute, a hundred links): no real
# file needs seconds between two steps, a looping library never re-arms it.
STALL_SECONDS = 20
# How long a child that closed its output may take to exit, and how long past the
# deadline its own alarm lets it live (so the parent's deadline, a limit, fires first).
EXIT_GRACE_SECONDS = 2.0
ALARM_GRACE_SECONDS = 2
# Address space the reader may add to what it inherits: corrupted size fields make the
# HDF5 library allocate gigabytes for a 17 KB file. Real metadata (a config of at most
# 256 MiB, its string and JSON copies) fits well within it.
MEMORY_BUDGET = 2 * 1024 * 1024 * 1024
PR_SET_PDEATHSIG = 1


@dataclass(frozen=True)
class Outcome:
    """What the child sent (JSON records merged, byte strings by name), and why it is
    not all there: a crash, a cap, garbage. Records that arrived before a failure are
    kept."""

    result: dict[str, Any] | None
    failure: str | None = None
    limit: bool = False  # the failure is a cap (time), not the file's fault
    blobs: dict[str, bytes] = field(default_factory=dict)


class _Failed(Exception):
    def __init__(self, message: str, *, limit: bool = False) -> None:
        super().__init__(message)
        self.limit = limit


def run_isolated(
    work: Work,
    deadline: float,
    *,
    max_json: int = DEFAULT_MAX_JSON,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Outcome:
    """Run ``work`` in a forked child; ``max_json`` caps each JSON record, ``max_bytes``
    all byte strings together."""
    if not hasattr(os, "fork"):
        return _in_process(work)
    prctl = _prctl()
    parent = os.getpid()
    read_end, write_end = os.pipe()
    try:
        pid = os.fork()
    except BaseException:
        os.close(read_end)
        os.close(write_end)
        raise
    if pid == 0:  # pragma: no cover - runs in the child, reported through the pipe
        _child(work, write_end, parent, deadline, prctl)
    os.close(write_end)
    records = _Records()
    try:
        failure = records.collect(read_end, deadline, max_json, max_bytes)
    except BaseException:  # e.g. Ctrl-C: no reader left running behind the scan
        _kill(pid)
        raise
    finally:
        os.close(read_end)
    if failure is not None:
        _kill(pid)
        return records.outcome(failure.args[0], failure.limit)
    status = _reap(pid)
    if status is None:
        return records.outcome("the HDF5 reader did not exit after closing its output")
    if os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGALRM:
        stalled = f"the HDF5 library made no progress for {STALL_SECONDS} s on this file"
        return records.outcome(stalled + ": it would hang the loader too")
    if os.WIFSIGNALED(status):
        crashed = f"the HDF5 library crashed ({_signal_name(status)}) reading this file"
        return records.outcome(crashed)
    if not records.json and not records.blobs:
        return records.outcome("the HDF5 reader ended without a result")
    return records.outcome(None)


def _in_process(work: Work) -> Outcome:
    """The same contract without a fork: records merged, an exception is data."""
    result: dict[str, Any] = {}
    blobs: dict[str, bytes] = {}
    try:
        for record in work(lambda: None):
            if isinstance(record, tuple):
                blobs[record[0]] = record[1]
            else:
                result.update(record)
    except Exception as exc:
        result["error"] = f"{type(exc).__name__}: {exc}"
    return Outcome(result, blobs=blobs)


def _signal_name(status: int) -> str:
    number = os.WTERMSIG(status)
    try:
        return signal.Signals(number).name
    except ValueError:  # real-time signals have no name
        return f"signal {number}"


def _kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)


def _reap(pid: int) -> int | None:
    """The exit status of a child that closed its output; None when it had to be killed
    because it did not exit within the grace period (it exits right after closing it)."""
    until = time.monotonic() + EXIT_GRACE_SECONDS
    delay = 0.001
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return status
        if time.monotonic() >= until:
            _kill(pid)
            return None
        time.sleep(delay)
        delay = min(delay * 2, 0.05)


# -- parent: reading the child's records ----------------------------------------------


class _Records:
    def __init__(self) -> None:
        self.json: list[dict[str, Any]] = []
        self.blobs: dict[str, bytes] = {}

    def outcome(self, failure: str | None, limit: bool = False) -> Outcome:
        if not self.json and not self.blobs:
            return Outcome(None, failure, limit)
        result: dict[str, Any] = {}
        for record in self.json:
            result.update(record)
        return Outcome(result, failure, limit, dict(self.blobs))

    def collect(self, fd: int, deadline: float, max_json: int, max_bytes: int) -> _Failed | None:
        """Read records until the child closes its end; the failure that stopped it."""
        poller = select.poll()  # not select(): descriptors past 1024 are fine
        poller.register(fd, select.POLLIN | select.POLLHUP | select.POLLERR)
        budget = max_bytes
        try:
            while True:
                header = self._read(fd, poller, FRAME.size, deadline, at_start=True)
                if header is None:
                    return None
                if len(self.json) + len(self.blobs) >= MAX_RECORDS:
                    raise _Failed(f"the HDF5 reader sent more than {MAX_RECORDS} records")
                kind, size = FRAME.unpack(header)
                if kind == JSON_RECORD:
                    if size > max_json:
                        raise _Failed(f"the HDF5 reader sent a record of {size} bytes")
                    self.json.append(_decode_json(self._need(fd, poller, size, deadline)))
                elif kind == BYTES_RECORD:
                    if size > budget + 1 + MAX_NAME:
                        raise _Failed(f"the HDF5 reader sent {size} bytes past its budget")
                    name, data = _split_bytes(self._need(fd, poller, size, deadline))
                    if len(data) > budget:
                        raise _Failed(f"the HDF5 reader sent {len(data)} bytes past its budget")
                    if name in self.blobs:
                        raise _Failed(f"the HDF5 reader sent {name!r} twice")
                    budget -= len(data)
                    self.blobs[name] = data
                else:
                    raise _Failed(f"the HDF5 reader sent a record of unknown kind {kind!r}")
        except _Failed as failed:
            return failed

    def _need(self, fd: int, poller: Any, size: int, deadline: float) -> bytes:
        data = self._read(fd, poller, size, deadline, at_start=False)
        if data is None:  # not reached: only a record's start may meet the end
            raise _Failed("the HDF5 reader's output ends inside a record")
        return data

    def _read(
        self, fd: int, poller: Any, size: int, deadline: float, *, at_start: bool
    ) -> bytes | None:
        """Exactly ``size`` bytes; None at a clean end of the output."""
        chunks: list[bytes] = []
        got = 0
        while got < size:
            left = deadline - time.monotonic()
            if left <= 0:
                raise _Failed(
                    "the time budget for this file ran out in the HDF5 reader", limit=True
                )
            if not poller.poll(math.ceil(min(left, 3600.0) * 1000)):
                continue
            chunk = os.read(fd, min(size - got, 1024 * 1024))
            if not chunk:
                if at_start and got == 0:
                    return None
                raise _Failed("the HDF5 reader's output ends inside a record")
            chunks.append(chunk)
            got += len(chunk)
        return b"".join(chunks)


def _split_bytes(payload: bytes) -> tuple[str, bytes]:
    length = payload[0] if payload else 0
    name = payload[1 : 1 + length]
    if not payload or length == 0 or length > MAX_NAME or len(name) < length:
        raise _Failed("the HDF5 reader sent a byte string without a name")
    try:
        text = name.decode("ascii")
    except UnicodeDecodeError:
        raise _Failed("the HDF5 reader sent a byte string with a non-ASCII name") from None
    return text, payload[1 + length :]


def _decode_json(data: bytes) -> dict[str, Any]:
    """A JSON record, checked for shape before the parser builds anything from it."""
    problem = json_shape_problem(data)
    if problem is not None:
        raise _Failed(f"the HDF5 reader sent a malformed record: {problem}")
    try:
        value = json.loads(data)
    except (ValueError, RecursionError) as exc:
        raise _Failed(f"the HDF5 reader sent a malformed record: {exc}") from None
    if not isinstance(value, dict):
        raise _Failed("the HDF5 reader sent a record that is not an object")
    return value


def json_shape_problem(data: bytes) -> str | None:
    """Why ``data`` is not a small flat JSON document, judged from its structure with
    the strings blanked (in C): containers, depth and non-string bytes are capped, so
    ``json.loads`` can build no more objects than the strings' own size allows."""
    structure = _JSON_STRING.sub(b'""', data)
    if len(structure) > MAX_JSON_STRUCTURE:
        return f"more than {MAX_JSON_STRUCTURE} bytes outside strings"
    containers = structure.count(b"[") + structure.count(b"{")
    if containers > MAX_JSON_CONTAINERS:
        return f"more than {MAX_JSON_CONTAINERS} arrays and objects"
    depth = 0
    for byte in structure.translate(None, b'"\t\n\r ,:0123456789.-+eEtrufalsn'):
        if byte in b"[{":
            depth += 1
            if depth > MAX_JSON_DEPTH:
                return f"nested deeper than {MAX_JSON_DEPTH}"
        elif byte in b"]}":
            depth -= 1
    return None


# -- child ------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _prctl() -> Any:
    """Linux's ``prctl``, loaded in the parent (once) so that the child only calls it."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        return ctypes.CDLL(None, use_errno=True).prctl
    except (ImportError, OSError, AttributeError):
        return None


def _child(  # pragma: no cover - runs in the child
    work: Work, fd: int, parent: int, deadline: float, prctl: Any
) -> None:
    code = 0
    try:
        if prctl is not None:  # die with the parent; the check after: a parent already gone
            prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if os.getppid() != parent:
            os._exit(1)
        fd = _isolate(fd)
        # A crash is reported by the parent as a finding: no traceback dump from an
        # inherited faulthandler (its file is gone anyway).
        faulthandler.disable()
        _limit_memory()
        signal.signal(signal.SIGALRM, signal.SIG_DFL)  # the default action ends the process

        def rearm() -> None:
            signal.alarm(_alarm_seconds(deadline))

        rearm()
        try:
            for record in work(rearm):
                _send(fd, record)
                rearm()
        except BaseException as exc:  # everything becomes data for the parent
            _send(fd, {"error": f"{type(exc).__name__}: {exc}"[:1024]})
    except BaseException:
        code = 1
    finally:
        os._exit(code)  # no atexit handlers, no flushing of the parent's buffers


def _alarm_seconds(deadline: float) -> int:
    """The watchdog's next alarm: the stall limit, and never past the file's deadline
    (plus a grace that lets the parent's own deadline report it first)."""
    left = deadline - time.monotonic()
    if not math.isfinite(left) or left > STALL_SECONDS:
        return STALL_SECONDS
    return max(1, math.ceil(left) + ALARM_GRACE_SECONDS)


def _isolate(fd: int) -> int:  # pragma: no cover - runs in the child
    """Close every inherited descriptor but ``fd`` (moved above 2 first, in case the
    parent had 0, 1 or 2 closed), point 0, 1 and 2 at ``/dev/null``; the new ``fd``."""
    import fcntl

    if fd <= 2:
        moved = fcntl.fcntl(fd, fcntl.F_DUPFD, 3)
        os.close(fd)
        fd = moved
    top = _highest_fd()
    os.closerange(3, fd)
    os.closerange(fd + 1, max(top, fd) + 1)
    devnull = os.open(os.devnull, os.O_RDWR)
    for target in (0, 1, 2):
        if devnull != target:
            os.dup2(devnull, target)
    if devnull > 2:
        os.close(devnull)
    return fd


def _highest_fd() -> int:  # pragma: no cover - runs in the child
    """The highest open descriptor: listed where the system lists them, else the limit."""
    for folder in ("/proc/self/fd", "/dev/fd"):
        try:
            return max(int(name) for name in os.listdir(folder))
        except (OSError, ValueError):
            continue
    try:
        return max(int(os.sysconf("SC_OPEN_MAX")), 1024) - 1
    except (OSError, ValueError):
        return 65535


def _send(fd: int, record: Record) -> None:  # pragma: no cover - runs in the child
    if isinstance(record, tuple):
        name = record[0].encode("ascii")[:MAX_NAME]
        head, body = bytes([len(name)]) + name, record[1]
        kind = BYTES_RECORD
    else:
        head, body = b"", json.dumps(record, ensure_ascii=False).encode("utf-8", "replace")
        kind = JSON_RECORD
    for part in (FRAME.pack(kind, len(head) + len(body)) + head, body):
        view = memoryview(part)
        while view:
            view = view[os.write(fd, view) :]


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
