"""Running a function over many items on a few threads, in order, with few in flight.

``Executor.map`` submits every item at once; over millions of files that is millions of
futures in memory. This keeps at most ``4 x workers`` pending.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def default_workers() -> int:
    # Hashing is I/O bound on disk and CPU bound in the page cache: a few threads per
    # core keep both the disk queue and the cores busy.
    return min(16, 2 * (os.cpu_count() or 1))


def ordered_map(function: Callable[[T], R], items: Iterable[T], workers: int) -> Iterator[R]:
    if workers <= 1:
        yield from map(function, items)
        return
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="aisec-hash") as pool:
        pending: deque[Future[R]] = deque()
        for item in items:
            pending.append(pool.submit(function, item))
            if len(pending) >= 4 * workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
