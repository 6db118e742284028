"""The traffic log's background thread: it hashes, grows the tree, writes batches, signs
checkpoints, spools when the database fails and replays the spool when it is back.

Everything that costs more than a queue put happens here, off the event loop. One thread
owns the tree, the spool and the counters it writes; ``record()`` only reads ``done``,
``full`` and ``broken`` (single attribute reads, atomic in CPython).
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from aisec.governance.audit.merkle import Tree
from aisec.runtime.audit.config import Counters, WriterConfig, sign_checkpoint
from aisec.runtime.audit.records import TrafficCheckpoint, TrafficEntry, make_entry
from aisec.runtime.audit.spool import Spool, SpoolProblem

if TYPE_CHECKING:
    from aisec.store.sql_gateway_log import SqlGatewayLog

_log = logging.getLogger("aisec.runtime.audit")
Item = tuple[int, int, tuple[Any, ...]]  # seq, recorded_at in µs, record()'s fields
REPLAY_SLICE = 0.25  # seconds of replay before new records get their turn again


class ItemQueue(Protocol):
    """What the worker reads from: a thread's queue, or the pipe from its parent."""

    def get(self, block: bool = True, timeout: float | None = None) -> Item | None: ...

    def get_nowait(self) -> Item | None: ...

    def qsize(self) -> int: ...

    def put(self, item: Item | None, block: bool = True, timeout: float | None = None) -> None: ...


class Worker:
    def __init__(
        self, db: SqlGatewayLog, spool: Spool, settings: WriterConfig, notify: Callable[[], None]
    ) -> None:
        self.db, self.spool, self.settings = db, spool, settings
        fresh: queue.SimpleQueue[Item | None] = queue.SimpleQueue()
        self.queue: ItemQueue = fresh
        self.counters = Counters()
        self.tree = Tree()
        self.done = 0  # entries that left memory: written, spooled or lost
        self.full = False  # the spool reached its bound: record() refuses
        self.broken = False  # the spool could not be written: record() refuses
        self.notify = notify  # called after every write, spool or replay
        self._signed_size = 0
        self._signed_at = time.monotonic()
        self._spooling = False
        self._offset = 0  # how far the replay has gone in the spool file
        self._backoff = settings.retry_min
        self._retry_at = 0.0

    @property
    def spooling(self) -> bool:
        return self._spooling

    def put(self, item: Item | None) -> None:
        """Queue a record (None: the end marker)."""
        self.queue.put(item)

    def resume(self, tree: Tree, signed_size: int) -> None:
        self.tree, self._signed_size = tree, signed_size

    # -- the thread ------------------------------------------------------------------
    def run(self) -> None:
        try:
            self._run()
        except BaseException:
            # A bug here must not let requests go on unrecorded: record() refuses from now.
            self.broken = True
            _log.exception("traffic log writer stopped")
            raise

    def _run(self) -> None:
        stopping = False
        while not stopping:
            items, stopping = self._take()
            if items:
                self._handle(items)
            elif self._checkpoint_due():
                self._persist((), self._sign())
            if self._spooling and time.monotonic() >= self._retry_at:
                self.replay(REPLAY_SLICE)
        if self.settings.key is not None and self.tree.size > self._signed_size:
            self._persist((), self._sign())  # a restart then resumes from a signed frontier
        if self._spooling:
            self.replay(None)  # one last try; whatever stays waits for the next start
        self.spool.close()

    def _take(self) -> tuple[list[Item], bool]:
        """Up to batch_max items: after the first, whatever arrives within flush_seconds.
        The thread sleeps through that time instead of waking for every item: each wake
        takes the interpreter lock from the event loop serving requests."""
        wait = min(self.settings.flush_seconds * 4, 0.25) if not self._spooling else 0.05
        try:
            first = self.queue.get(timeout=wait)
        except queue.Empty:
            return [], False
        if first is None:
            return self._drain([]), True
        items = [first]
        deadline = time.monotonic() + self.settings.flush_seconds
        while len(items) < self.settings.batch_max:
            if self.queue.qsize() < self.settings.batch_max - len(items):
                remaining = deadline - time.monotonic()
                if remaining > 0:
                    time.sleep(min(remaining, 0.01))
                    continue
            try:
                while len(items) < self.settings.batch_max:
                    item = self.queue.get_nowait()
                    if item is None:
                        return self._drain(items), True
                    items.append(item)
            except queue.Empty:
                break
        return items, False

    def _drain(self, items: list[Item]) -> list[Item]:
        while True:
            try:
                item = self.queue.get_nowait()
            except queue.Empty:
                return items
            if item is not None:
                items.append(item)

    def _handle(self, items: list[Item]) -> None:
        size = self.settings.batch_max
        for start in range(0, len(items), size):
            entries = [self._entry(item) for item in items[start : start + size]]
            for entry in entries:
                self.tree.append(bytes.fromhex(entry.leaf_hash))
            self._persist(entries, self._sign() if self._checkpoint_due() else None)

    def _entry(self, item: Item) -> TrafficEntry:
        seq, micros, fields = item
        try:
            return make_entry(self.settings.stream, seq, micros, fields)
        except Exception:
            # The seq is in use: an entry must be written for it whatever the payload was,
            # or the log would show a gap that nobody made.
            _log.exception("traffic log entry %d could not be encoded", seq)
            safe = ("?", "?", "?", "error", 0, 0.0, {"error": "unencodable record"})
            return make_entry(self.settings.stream, seq, micros, safe)

    # -- checkpoints -----------------------------------------------------------------
    def _checkpoint_due(self) -> bool:
        new = self.tree.size - self._signed_size
        if self.settings.key is None or new <= 0:
            return False
        elapsed = time.monotonic() - self._signed_at
        return new >= self.settings.checkpoint_every or elapsed >= self.settings.checkpoint_seconds

    def _sign(self) -> TrafficCheckpoint:
        assert self.settings.key is not None  # _checkpoint_due checked it
        checkpoint = sign_checkpoint(self.settings.key, self.settings.stream, self.tree)
        self._signed_size, self._signed_at = self.tree.size, time.monotonic()
        return checkpoint

    # -- persistence -----------------------------------------------------------------
    def _persist(self, entries: Any, checkpoint: TrafficCheckpoint | None) -> None:
        try:
            if not self._spooling:
                try:
                    self.db.insert_batch(entries, checkpoint)
                except Exception as exc:
                    self._failed(exc)
                else:
                    self.counters.written += len(entries)
                    self.counters.checkpoints += checkpoint is not None
                    return
            self._to_spool(entries, checkpoint)
        finally:
            self.done = self.counters.written + self.counters.spooled + self.counters.lost
            self.notify()

    def _to_spool(self, entries: Any, checkpoint: TrafficCheckpoint | None) -> None:
        try:
            self.spool.append(entries, checkpoint)
        except OSError as exc:
            self.counters.lost += len(entries)
            self.broken = True
            _log.error("traffic log: %d entries lost, the spool cannot be written: %s",
                       len(entries), exc)  # fmt: skip
            return
        self.counters.spooled += len(entries)
        self.full = self.spool.size() >= self.settings.spool_max_bytes

    def _failed(self, exc: Exception) -> None:
        if not self._spooling:
            first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            _log.warning("traffic log: the database refused a batch, spooling to %s: %s",
                         self.spool.path, first)  # fmt: skip
        self._spooling = True
        self._retry_at = time.monotonic() + self._backoff
        self._backoff = min(self._backoff * 2, self.settings.retry_max)

    # -- replay ----------------------------------------------------------------------
    def replay(self, budget: float | None) -> bool:
        """Replay the spool into the database for ``budget`` seconds (None: to the end).
        True when the spool is empty and removed; False on a database error (retried after
        a backoff) or when the budget ran out."""
        self._spooling = True
        started = time.monotonic()
        items = self.spool.read(self._offset)
        try:
            for item in items:
                if isinstance(item, SpoolProblem):
                    reason = f"{self.spool.path} at byte {item.offset}: {item.reason}"
                    self.counters.spool_problems.append(reason)
                    _log.error("traffic log spool: %s (line skipped)", reason)
                else:
                    inserted = self.db.insert_batch(
                        item.entries, item.checkpoint, skip_existing=True
                    )
                    self.counters.replayed += inserted
                    self.counters.skipped += len(item.entries) - inserted
                self._offset = item.end
                if budget is not None and time.monotonic() - started > budget:
                    return False
        except Exception as exc:
            self._failed(exc)
            return False
        finally:
            items.close()
        if self.spool.size() > self._offset:
            return False  # appended meanwhile: the next round goes on from here
        self.spool.remove()
        self._spooling, self._offset, self.full = False, 0, False
        self._backoff = self.settings.retry_min
        self.notify()
        _log.info("traffic log: spool replayed into the database")
        return True


def start_thread(worker: Worker, stream: str) -> threading.Thread:
    thread = threading.Thread(target=worker.run, name=f"aisec-traffic-log-{stream}", daemon=True)
    thread.start()
    return thread
