"""Time as the policy sees it, and the token bucket that paces requests.

The clock is a parameter so that tests drive time by hand: a rate limit is checked by
the times a fake clock shows, never by waiting.
"""

from __future__ import annotations

import asyncio
import time
from typing import Protocol


class Clock(Protocol):
    def now(self) -> float: ...

    async def sleep(self, seconds: float) -> None: ...


class MonotonicClock:
    def now(self) -> float:
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


class TokenBucket:
    """At most ``rate`` requests a second on average and ``burst`` at once.

    The default burst of one spaces requests evenly: providers count their limits over
    windows shorter than a second, and a burst at the start of a run is what trips them.
    Waiters are served in arrival order (the lock is FIFO), so none starves.
    """

    def __init__(self, rate: float, clock: Clock, burst: float = 1.0) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("rate must be > 0 and burst >= 1")
        self.rate, self.burst, self.clock = rate, burst, clock
        self.tokens = burst
        self.updated = clock.now()
        self._lock = asyncio.Lock()

    def rebind(self) -> None:
        """A fresh lock for a new event loop; the tokens and their time carry over."""
        self._lock = asyncio.Lock()

    async def acquire(self) -> None:
        async with self._lock:
            while True:
                now = self.clock.now()
                self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.rate)
                self.updated = now
                if self.tokens >= 1:
                    self.tokens -= 1
                    return
                await self.clock.sleep((1 - self.tokens) / self.rate)
