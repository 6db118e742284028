"""The gateway's traffic log writer (docs/adr/0023): ``record()`` on the event loop costs a
lock, a clock read and a queue put; a background thread (:mod:`.worker`) does the rest.

Seq numbers are assigned here, in memory, in record order: one process owns a stream
(:class:`~aisec.runtime.audit.lockfile.StreamLock`), so no database round trip or lock is
needed per request. ``recorded_at`` is taken at the same moment, under the same lock, and
never goes back (a clock stepped backwards repeats the last instant), so seq order and
time order agree.

When the log cannot keep what it is given (the spool is full, or cannot be written, or the
thread is too far behind) ``record()`` raises :class:`TrafficLogRefused`: the gateway
answers 503. A request that leaves no trace in the log must not be served (fail closed).
"""

from __future__ import annotations

import atexit
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aisec.core.errors import StoreError
from aisec.runtime.audit.canonical import check_stream
from aisec.runtime.audit.config import WriterConfig
from aisec.runtime.audit.lockfile import StreamLock
from aisec.runtime.audit.process_host import WriterProcess, child_start
from aisec.runtime.audit.resume import resume
from aisec.runtime.audit.spool import Spool
from aisec.runtime.audit.worker import Worker, start_thread

if TYPE_CHECKING:
    from aisec.governance.audit.keys import SigningKey
    from aisec.governance.audit.merkle import Tree
    from aisec.store.sql_gateway_log import SqlGatewayLog

SPOOL_MAX_BYTES = 1 << 30
MAX_PENDING = 100_000  # entries in memory, not yet written or spooled


class TrafficLogRefused(StoreError):
    """The traffic log cannot take a record now; the gateway answers 503 (fail closed)."""


@dataclass(frozen=True, slots=True)
class LogCounters:
    recorded: int  # accepted by record() since start
    written: int
    spooled: int
    replayed: int
    skipped: int
    pending: int  # accepted, not yet in the database or the spool
    refused: int
    lost: int
    checkpoints: int
    spool_problems: tuple[str, ...]
    spooling: bool


class TrafficLog:
    def __init__(
        self,
        sessions: Any,
        *,
        stream: str,
        spool_dir: Path,
        key: SigningKey | None,
        checkpoint_every: int = 1000,
        checkpoint_seconds: float = 10.0,
        batch_max: int = 500,
        flush_seconds: float = 0.05,
        spool_max_bytes: int = SPOOL_MAX_BYTES,
        max_pending: int = MAX_PENDING,
        retry_min: float = 0.5,
        retry_max: float = 5.0,
        separate_process: bool = False,
    ) -> None:
        """``sessions``: the store's Sessions, an Engine, or a Store. ``separate_process``:
        the writer runs in a child process (:mod:`.process_host`), not a thread; the
        database must then be one a second process can open (not in-memory SQLite)."""
        from aisec.store.sql_gateway_log import SqlGatewayLog

        self.stream = check_stream(stream)
        self.spool_dir = Path(spool_dir)
        self.db: SqlGatewayLog = SqlGatewayLog(sessions)
        self._settings = WriterConfig(
            stream=stream, key=key, checkpoint_every=max(1, checkpoint_every),
            checkpoint_seconds=checkpoint_seconds, batch_max=max(1, batch_max),
            flush_seconds=max(0.0, flush_seconds), spool_max_bytes=spool_max_bytes,
            retry_min=retry_min, retry_max=max(retry_min, retry_max),
        )  # fmt: skip
        self._max_pending = max_pending
        self._separate_process = separate_process
        self._lock = threading.Lock()
        self._flushed = threading.Condition()
        self._worker: Worker | WriterProcess | None = None
        self._thread: threading.Thread | None = None
        self._file_lock: StreamLock | None = None
        self._seq = 0
        self._last_us = 0
        self._recorded = 0
        self._refused = 0
        self._open = False

    def start(self) -> None:
        """Lock the stream, replay a spool left by an earlier run, resume seq and tree from
        the database, start the thread (or the process). ConfigError when another process
        holds the stream; StoreError when the database cannot be read (the spool stays)."""
        self.spool_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        self._file_lock = StreamLock(self.spool_dir, self.stream)
        try:
            worker = Worker(self.db, Spool(self.spool_dir, self.stream), self._settings,
                            self._notify)  # fmt: skip
            if worker.spool.exists() and not worker.replay(None):
                raise StoreError(
                    f"cannot replay the traffic log spool {worker.spool.path}: "
                    "the database is unavailable",
                    hint="start the gateway again once the database answers",
                )
            tree, signed, last_us = resume(self.db, self.stream)
            worker.resume(tree, signed)
            host: Worker | WriterProcess = worker
            if self._separate_process:
                worker.spool.close()
                host = self._start_process(tree, signed)
        except BaseException:
            self._file_lock.release()
            raise
        self._seq, self._last_us = tree.size, last_us
        self._worker, self._open = host, True
        if isinstance(host, Worker):
            self._thread = start_thread(host, self.stream)
        else:
            # Before multiprocessing's own exit hook (registered earlier, so run later),
            # which would only signal the child: close() hands it the end marker first.
            atexit.register(self.close)

    def _start_process(self, tree: Tree, signed: int) -> WriterProcess:
        url = self.db.engine_url()
        peaks = [peak for _, peak in tree.frontier()]
        host = WriterProcess(child_start(url, self.spool_dir, self._settings, tree.size, peaks,
                                         signed))  # fmt: skip
        host.start()
        return host

    def record(
        self,
        client: str,
        model: str,
        route: str,
        action: str,
        status: int,
        latency_ms: float,
        payload: dict[str, Any],
    ) -> int:
        """Queue one request's entry and return its seq. ``payload`` must not be changed
        afterwards (it is encoded on the thread). TrafficLogRefused when the log cannot
        keep it."""
        with self._lock:
            worker = self._worker
            if (
                worker is None
                or not self._open
                or worker.full
                or worker.broken
                or self._recorded - worker.done >= self._max_pending
            ):
                self._refused += 1
                raise TrafficLogRefused(self._refusal(worker))
            self._seq += 1
            self._last_us = max(self._last_us, time.time_ns() // 1000)
            fields = (client, model, route, action, status, latency_ms, payload)
            worker.put((self._seq, self._last_us, fields))
            self._recorded += 1
            return self._seq

    def _refusal(self, worker: Worker | WriterProcess | None) -> str:
        if worker is None or not self._open:
            return "the traffic log is not running"
        if worker.broken:
            return "the traffic log's writer failed (spool unwritable, or stopped on an error)"
        if worker.full:
            return "the database is unavailable and the traffic log's spool is full"
        return "the traffic log is too far behind"

    def flush(self, timeout: float | None = None) -> bool:
        """Wait until every entry recorded so far is in the database or the spool."""
        target = self._recorded
        worker = self._worker
        if worker is None:
            return True
        if isinstance(worker, WriterProcess):
            deadline = None if timeout is None else time.monotonic() + timeout
            while worker.done < target:
                if worker.broken or (deadline is not None and time.monotonic() > deadline):
                    return False
                time.sleep(0.005)
            return True
        with self._flushed:
            return self._flushed.wait_for(lambda: worker.done >= target, timeout)

    def close(self, timeout: float | None = 30.0) -> None:
        """Write what is queued, sign a last checkpoint, stop the thread, unlock."""
        with self._lock:
            was_open, self._open = self._open, False
        if not was_open or self._worker is None:
            return
        self._worker.put(None)
        if isinstance(self._worker, WriterProcess):
            atexit.unregister(self.close)
            if not self._worker.join(timeout):
                return  # still writing: the stream stays locked until it ends
        elif self._thread is not None:
            self._thread.join(timeout)
            if self._thread.is_alive():
                return
        if self._file_lock is not None:
            self._file_lock.release()

    def counters(self) -> LogCounters:
        worker = self._worker
        if worker is None:
            return LogCounters(self._recorded, 0, 0, 0, 0, 0, self._refused, 0, 0, (), False)
        if isinstance(worker, WriterProcess):
            from aisec.runtime.audit import process_host as slot

            return LogCounters(
                recorded=self._recorded, written=worker.counter(slot.WRITTEN),
                spooled=worker.counter(slot.SPOOLED), replayed=worker.counter(slot.REPLAYED),
                skipped=worker.counter(slot.SKIPPED), pending=self._recorded - worker.done,
                refused=self._refused, lost=worker.counter(slot.LOST),
                checkpoints=worker.counter(slot.CHECKPOINTS),
                spool_problems=worker.spool_problems(), spooling=worker.spooling,
            )  # fmt: skip
        c = worker.counters
        return LogCounters(
            recorded=self._recorded, written=c.written, spooled=c.spooled,
            replayed=c.replayed, skipped=c.skipped, pending=self._recorded - worker.done,
            refused=self._refused, lost=c.lost, checkpoints=c.checkpoints,
            spool_problems=tuple(c.spool_problems), spooling=worker.spooling,
        )  # fmt: skip

    def _notify(self) -> None:
        with self._flushed:
            self._flushed.notify_all()

    def __enter__(self) -> TrafficLog:
        self.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
