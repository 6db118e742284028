"""The one interface for work that fans out: in-process or a process pool.

A distributed backend can implement the same two methods; callers never know which
one runs their work.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Protocol, TypeVar

T = TypeVar("T")
R = TypeVar("R")


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


def make_executor(workers: int) -> Executor:
    return ProcessPool(workers) if workers > 1 else InProcess()
