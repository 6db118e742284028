"""Token-bucket rate limits and daily quotas: :class:`MemoryRateLimiter` for one gateway
process, :class:`RedisRateLimiter` for several sharing one limit.

A bucket holds up to ``burst`` tokens and refills at ``rate`` a second; a request takes
``cost`` tokens or, if there are not enough, is refused with the time until there are.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable

from aisec.runtime.access.limits import (
    COST,
    OK,
    QUOTA,
    RATE,
    Allowance,
    RateLimiter,
    RateLimiterUnavailable,
    bucket_answer,
    check_bucket,
    check_quota,
    quota_answer,
    utc_day,
)
from aisec.runtime.access.redis_limiter import RedisRateLimiter

__all__ = ["COST", "OK", "QUOTA", "RATE", "Allowance", "MemoryRateLimiter", "RateLimiter",
           "RateLimiterUnavailable", "RedisRateLimiter", "utc_day"]  # fmt: skip

_Bucket = tuple[float, float, float]  # tokens, updated (monotonic), full again at


class MemoryRateLimiter:
    """Buckets in a dictionary, for one process on one event loop (no awaits inside an
    operation, so each is atomic there).

    Memory is bounded: past ``max_buckets`` the buckets that have refilled are dropped
    (a full bucket and no bucket mean the same), then, if still too many, the least
    recently used, which hands those clients a fresh burst: the price of a bound.
    """

    def __init__(
        self,
        *,
        max_buckets: int = 100_000,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        if max_buckets < 1:
            raise ValueError("max_buckets must be at least 1")
        self._max = max_buckets
        self._clock = clock
        self._wall_clock = wall_clock
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()
        # Per UTC day, per key. Keys are API key names, a configured few, so a day's
        # counters are not evicted (that would hand out a second quota).
        self._days: dict[str, dict[str, int]] = {}

    async def take(self, key: str, rate: float, burst: float, cost: float = 1.0) -> Allowance:
        return self.take_now(key, rate, burst, cost)

    def take_now(self, key: str, rate: float, burst: float, cost: float = 1.0) -> Allowance:
        """``take`` without a coroutine, for callers off the event loop."""
        check_bucket(rate, burst, cost)
        now = self._clock()
        found = self._buckets.get(key)
        if found is None:
            tokens = burst
        else:
            tokens, updated, _ = found
            tokens = min(burst, tokens + max(0.0, now - updated) * rate)
        allowed = tokens >= cost
        if allowed:
            tokens -= cost
        self._buckets[key] = (tokens, now, now + (burst - tokens) / rate)
        self._buckets.move_to_end(key)
        if len(self._buckets) > self._max:
            self._evict(now)
        return bucket_answer(allowed, tokens, rate, burst, cost)

    async def quota(self, key: str, limit: int, day: str) -> Allowance:
        check_quota(limit, day)
        counts = self._days.get(day)
        if counts is None:
            # Two days at most: gateways near midnight may still ask for the day before.
            for old in sorted(self._days)[:-1]:
                del self._days[old]
            counts = self._days[day] = {}
        count = counts.get(key, 0)
        if count >= limit:
            return quota_answer(False, count, limit, day, self._wall_clock())
        counts[key] = count + 1
        return quota_answer(True, count + 1, limit, day, self._wall_clock())

    async def aclose(self) -> None:
        self._buckets.clear()
        self._days.clear()

    def __len__(self) -> int:
        return len(self._buckets)

    def _evict(self, now: float) -> None:
        # Down to 90 %, so that the O(n) sweep runs once per max/10 new buckets.
        target = max(1, self._max * 9 // 10)
        for key in [k for k, (_, _, full_at) in self._buckets.items() if full_at <= now]:
            del self._buckets[key]
        while len(self._buckets) > target:
            self._buckets.popitem(last=False)
