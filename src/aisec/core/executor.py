"""The one interface for work that fans out: in-process, a process pool, or Dask.

Callers never know which one runs their work: ``map`` yields results in the order of
the items, whatever the backend. The backend is chosen by the ``executor`` setting:

- ``None`` / ``local``: in-process for one worker, a process pool for more;
- ``dask``: a Dask distributed cluster started on this machine for the run (loopback only,
  no dashboard), with ``workers`` processes;
- ``dask://host:port``: an existing Dask scheduler (``tcp://host:port``), which the user
  configured; aisec opens no other connection.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Protocol, TypeVar

from aisec.core.errors import ConfigError

T = TypeVar("T")
R = TypeVar("R")

DASK_SCHEME = "dask://"
# Tasks submitted ahead of the one being collected: enough to keep every worker busy,
# few enough that a million partitions do not become a million futures at once.
_DASK_WINDOW_PER_WORKER = 4


class Executor(Protocol):
    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]: ...

    def close(self) -> None: ...


class InProcess:
    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        return map(fn, items)

    def close(self) -> None:
        pass


class ProcessPool:
    def __init__(self, workers: int) -> None:
        # Imported here: multiprocessing costs start-up time that one-file scans never use.
        from concurrent.futures import ProcessPoolExecutor

        self._pool = ProcessPoolExecutor(max_workers=workers)

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        return self._pool.map(fn, items)

    def close(self) -> None:
        self._pool.shutdown()


class DaskExecutor:
    """Runs the work on Dask distributed: a cluster of its own, or the user's scheduler."""

    def __init__(self, address: str | None, workers: int, *, connect_timeout: float = 30) -> None:
        import importlib

        try:
            # Any-typed: distributed's constructors carry no annotations.
            distributed: Any = importlib.import_module("distributed")
        except ImportError:
            raise ConfigError(
                "the dask executor needs Dask distributed",
                hint="pip install 'aisec[dask]'",
            ) from None
        self._cluster: Any = None
        try:
            if address is None:
                self._cluster = distributed.LocalCluster(
                    n_workers=workers,
                    threads_per_worker=1,
                    processes=True,
                    host="127.0.0.1",
                    dashboard_address=None,
                )
                self._client: Any = distributed.Client(self._cluster)
            else:
                self._client = distributed.Client(address, timeout=f"{connect_timeout}s")
        except (OSError, TimeoutError) as exc:
            self.close()
            raise ConfigError(
                f"cannot reach the Dask scheduler {address or '(local)'}: {exc}",
                hint="check the address in the executor setting (dask://host:port)",
            ) from None
        info = self._client.scheduler_info()
        self._window = max(1, len(info.get("workers", {})) or workers) * _DASK_WINDOW_PER_WORKER

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        pending: deque[Any] = deque()
        for item in items:
            pending.append(self._client.submit(fn, item, pure=False))
            if len(pending) >= self._window:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()

    def close(self) -> None:
        client = getattr(self, "_client", None)
        if client is not None:
            client.close()
        if self._cluster is not None:
            self._cluster.close()


def parse_executor(spec: str | None) -> tuple[str, str | None]:
    """(``local`` | ``dask``, scheduler address or None) for an ``executor`` setting."""
    if spec is None or spec.strip() in ("", "local"):
        return "local", None
    spec = spec.strip()
    if spec == "dask":
        return "dask", None
    if spec.startswith(DASK_SCHEME):
        hostport = spec[len(DASK_SCHEME) :].rstrip("/")
        host, _, port = hostport.rpartition(":")
        if not host or not port.isdigit() or "/" in hostport or "@" in hostport:
            raise ConfigError(
                f"invalid Dask scheduler address {spec!r}", hint="use dask://host:port"
            )
        return "dask", f"tcp://{hostport}"
    raise ConfigError(
        f"unknown executor {spec!r}",
        hint="use local, dask (a cluster on this machine) or dask://host:port",
    )


def make_executor(workers: int, spec: str | None = None) -> Executor:
    kind, address = parse_executor(spec)
    if kind == "dask":
        return DaskExecutor(address, workers)
    return ProcessPool(workers) if workers > 1 else InProcess()
