"""The traffic log's writer in a process of its own (docs/adr/0023, "Where the log's work
runs").

Encoding, hashing, signing and inserting an entry cost several times what the gateway's
own work on a request does, and in a thread they hold the interpreter lock the event
loop needs. Here the same :class:`~aisec.runtime.audit.worker.Worker` runs in a child
process: the gateway's ``record()`` pickles one tuple and puts it on a pipe. The child
publishes its counters in shared memory, which the gateway reads without a lock.

The parent still owns the stream: it holds the stream's lock file, replays a spool left
by an earlier run and resumes the tree before the child starts, and passes the child the
tree's frontier. The child stops when it reads the end marker, or when its parent is
gone. It ignores SIGINT (a terminal's Ctrl-C reaches the whole process group; the parent
handles it and sends the marker after the last request). SIGTERM only starts a grace
period: the child goes on writing until the marker comes, its parent is gone, or
STOP_GRACE seconds pass with nothing left to read, so that a service manager stopping
the whole group does not cut off entries the gateway is still handing over.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import pickle
import queue
import signal
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aisec.core.errors import StoreError

if TYPE_CHECKING:
    from multiprocessing.sharedctypes import SynchronizedArray

    from sqlalchemy.engine import Engine

    from aisec.runtime.audit.config import WriterConfig
    from aisec.runtime.audit.worker import Item, Worker

_CONTEXT = multiprocessing.get_context("spawn")  # forking a process with threads is unsafe
START_SECONDS = 60.0
STOP_GRACE = 30.0  # seconds after SIGTERM; longer than the gateway's graceful shutdown

# Slots of the shared counter array.
SLOTS = ("done", "full", "broken", "spooling", "written", "spooled", "replayed", "skipped",
         "lost", "checkpoints", "ready")  # fmt: skip
DONE, FULL, BROKEN, SPOOLING, WRITTEN, SPOOLED = 0, 1, 2, 3, 4, 5
REPLAYED, SKIPPED, LOST, CHECKPOINTS, READY = 6, 7, 8, 9, 10
UNENCODABLE = ("?", "?", "?", "error", 0, 0.0, {"error": "unencodable record"})


@dataclass(frozen=True, slots=True)
class ChildStart:
    """What the child needs to take over the stream (picklable)."""

    url: str
    spool_dir: str
    settings: dict[str, Any]  # WriterConfig's fields but the key
    key_pem: bytes | None
    tree_size: int
    peaks: tuple[bytes, ...]
    signed_size: int


def encode_item(item: Item) -> bytes:
    """The item as the pipe carries it. Pickled here, not on the queue's feeder thread,
    where a failure would drop the item silently and leave a gap in the log: a record
    that cannot be pickled is written as an error entry under its seq instead."""
    try:
        return pickle.dumps(item, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:
        seq, micros, _ = item
        return pickle.dumps((seq, micros, UNENCODABLE), protocol=pickle.HIGHEST_PROTOCOL)


class WriterProcess:
    """The parent's view of the child: what ``TrafficLog`` reads of a worker."""

    def __init__(self, start: ChildStart) -> None:
        self.queue: Any = _CONTEXT.Queue()
        self._problems: Any = _CONTEXT.SimpleQueue()
        self._shared: SynchronizedArray[int] = _CONTEXT.Array("q", len(SLOTS), lock=False)
        self._problem_list: list[str] = []
        self._process = _CONTEXT.Process(
            target=child_main,
            args=(start, self.queue, self._problems, self._shared),
            name=f"aisec-traffic-log-{start.settings['stream']}",
            daemon=True,  # like the thread: an interpreter that exits without close() ends it
        )

    def start(self, timeout: float = START_SECONDS) -> None:
        """Start the child and wait until it has taken the stream over; StoreError when it
        cannot (it exits, or does not answer within ``timeout``)."""
        self._process.start()
        deadline = time.monotonic() + timeout
        while not self._shared[READY]:
            if self._process.exitcode is not None or time.monotonic() > deadline:
                self.stop(0)
                raise StoreError(
                    "the traffic log's writer process did not start "
                    f"(exit code {self._process.exitcode})",
                    hint="its error is on the gateway's standard error",
                )
            time.sleep(0.01)

    def put(self, item: Item | None) -> None:
        self.queue.put(None if item is None else encode_item(item))

    @property
    def done(self) -> int:
        return int(self._shared[DONE])

    @property
    def full(self) -> bool:
        return bool(self._shared[FULL])

    @property
    def broken(self) -> bool:
        # A child that died (killed, out of memory) takes nothing more: refuse at once.
        return bool(self._shared[BROKEN]) or self._process.exitcode is not None

    @property
    def spooling(self) -> bool:
        return bool(self._shared[SPOOLING])

    def counter(self, slot: int) -> int:
        return int(self._shared[slot])

    def spool_problems(self) -> tuple[str, ...]:
        while not self._problems.empty():
            self._problem_list.append(str(self._problems.get()))
        return tuple(self._problem_list)

    def join(self, timeout: float | None) -> bool:
        """Wait for the child to end; True when it has."""
        self._process.join(timeout)
        if self._process.exitcode is None:
            return False
        # Nobody reads the pipe any more: what is still in it (a child that died) must not
        # hold this interpreter's exit waiting for the queue's feeder thread to drain it.
        self.queue.cancel_join_thread()
        return True

    def stop(self, timeout: float) -> None:
        """End the child now (its start failed; it holds nothing yet)."""
        if self._process.exitcode is None:
            self._process.kill()
        self._process.join(timeout or None)
        self.queue.cancel_join_thread()


class _FromParent:
    """The child's side of the pipe, as the worker reads a queue. An end marker is
    made up when the parent is gone, so the child writes what it has and ends."""

    def __init__(self, source: Any) -> None:
        self._source = source
        self._parent = os.getppid()
        self.terminated_at: float | None = None

    def get(self, block: bool = True, timeout: float | None = None) -> Item | None:
        try:
            blob = self._source.get(block, timeout)
        except queue.Empty:
            if os.getppid() != self._parent:
                return None
            stopping = self.terminated_at
            if stopping is not None and time.monotonic() - stopping > STOP_GRACE:
                return None
            raise
        return None if blob is None else _decode(blob)

    def get_nowait(self) -> Item | None:
        blob = self._source.get_nowait()
        return None if blob is None else _decode(blob)

    def qsize(self) -> int:
        return int(self._source.qsize())

    def put(self, item: Item | None, block: bool = True, timeout: float | None = None) -> None:
        raise TypeError("the writer process only reads from its parent")


def _decode(blob: bytes) -> Item:
    # The bytes come from this process's own parent over an inherited pipe, never from
    # a client: they are the tuples encode_item() made.
    item: Item = pickle.loads(blob)
    return item


def child_main(start: ChildStart, source: Any, problems: Any, shared: Any) -> None:
    """The child process: open the database, rebuild the worker, run it to the end."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    worker, engine = _worker(start)
    reader = _FromParent(source)
    worker.queue = reader

    def terminated(_signum: int, _frame: object) -> None:
        reader.terminated_at = time.monotonic()

    signal.signal(signal.SIGTERM, terminated)
    reported = 0

    def publish() -> None:
        nonlocal reported
        c = worker.counters
        for slot, value in ((WRITTEN, c.written), (SPOOLED, c.spooled),
                            (REPLAYED, c.replayed), (SKIPPED, c.skipped), (LOST, c.lost),
                            (CHECKPOINTS, c.checkpoints), (FULL, worker.full),
                            (SPOOLING, worker.spooling), (BROKEN, worker.broken),
                            (DONE, worker.done)):  # fmt: skip
            shared[slot] = int(value)
        for problem in c.spool_problems[reported:]:
            problems.put(problem)
        reported = len(c.spool_problems)

    worker.notify = publish
    publish()
    shared[READY] = 1
    try:
        worker.run()
    finally:
        publish()
        engine.dispose()


def _worker(start: ChildStart) -> tuple[Worker, Engine]:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from aisec.governance.audit.keys import SigningKey
    from aisec.governance.audit.merkle import Tree
    from aisec.runtime.audit.config import WriterConfig
    from aisec.runtime.audit.spool import Spool
    from aisec.runtime.audit.worker import Worker
    from aisec.store.engine import create_store_engine
    from aisec.store.sql_gateway_log import SqlGatewayLog

    key = None
    if start.key_pem is not None:
        loaded = serialization.load_pem_private_key(start.key_pem, password=None)
        assert isinstance(loaded, Ed25519PrivateKey)  # the parent loaded it as one
        key = SigningKey(loaded)
    settings = WriterConfig(**start.settings, key=key)
    engine = create_store_engine(start.url)
    worker = Worker(SqlGatewayLog(engine), Spool(Path(start.spool_dir), settings.stream),
                    settings, lambda: None)  # fmt: skip
    worker.resume(Tree.from_frontier(start.tree_size, start.peaks), start.signed_size)
    return worker, engine


def child_start(
    url: str, spool_dir: Path, settings: WriterConfig, tree_size: int, peaks: list[bytes],
    signed_size: int,
) -> ChildStart:  # fmt: skip
    fields = {name: getattr(settings, name) for name in settings.__dataclass_fields__}
    fields.pop("key")
    return ChildStart(
        url=url, spool_dir=str(spool_dir), settings=fields,
        key_pem=None if settings.key is None else settings.key.pem(),
        tree_size=tree_size, peaks=tuple(peaks), signed_size=signed_size,
    )  # fmt: skip
