"""What every rate limiter shares: its answer, its interface, its one error, and the
arithmetic of a token bucket's answer and of a UTC day."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

from aisec.core.errors import StoreError

# Allowance.reason values: why a request was let through or held back.
OK = "ok"
RATE = "rate"  # the bucket is empty for now: retry after retry_after
QUOTA = "quota"  # the day's quota is spent: retry after the UTC day ends
COST = "cost"  # the request costs more than the bucket holds: it can never pass


@dataclass(frozen=True, slots=True)
class Allowance:
    allowed: bool
    remaining: float  # tokens left in the bucket, or requests left in the day
    retry_after: float  # seconds; 0 when allowed, inf when waiting cannot help
    reason: str = OK


class RateLimiterUnavailable(StoreError):
    """The shared limiter (Redis) cannot be reached: the gateway's policy decides whether
    requests then pass unlimited (fail open) or are refused (fail closed)."""


class RateLimiter(Protocol):
    async def take(self, key: str, rate: float, burst: float, cost: float = 1.0) -> Allowance:
        """Take ``cost`` tokens from the bucket ``key`` (refilled at ``rate`` a second up
        to ``burst``); a refused take takes nothing."""
        ...

    async def quota(self, key: str, limit: int, day: str) -> Allowance:
        """Count one request against ``key``'s ``limit`` for the UTC ``day``
        (``YYYY-MM-DD``, see :func:`utc_day`); a refused request is not counted."""
        ...

    async def aclose(self) -> None: ...


def check_bucket(rate: float, burst: float, cost: float) -> None:
    # A bucket that never refills, or a NaN, would be a misconfiguration that locks a
    # client out for good (or never): refuse it loudly rather than guess.
    if not (math.isfinite(rate) and rate > 0):
        raise ValueError(f"a rate limit needs a positive rate, not {rate!r}")
    if not (math.isfinite(burst) and burst > 0):
        raise ValueError(f"a rate limit needs a positive burst, not {burst!r}")
    if not (math.isfinite(cost) and cost >= 0):
        raise ValueError(f"a request's cost must be >= 0, not {cost!r}")


def bucket_answer(allowed: bool, tokens: float, rate: float, burst: float,
                  cost: float) -> Allowance:  # fmt: skip
    if allowed:
        return Allowance(True, tokens, 0.0, OK)
    if cost > burst:
        return Allowance(False, tokens, math.inf, COST)
    return Allowance(False, tokens, max(0.0, (cost - tokens) / rate), RATE)


def utc_day(at: float) -> str:
    """The UTC day of a ``time.time()`` value, as quotas name it."""
    return datetime.fromtimestamp(at, UTC).strftime("%Y-%m-%d")


def seconds_left(day: str, now: float) -> float:
    """Seconds from ``now`` until the UTC ``day`` ends (ValueError for a malformed day)."""
    start = datetime.strptime(day, "%Y-%m-%d").replace(tzinfo=UTC)
    return max(0.0, (start + timedelta(days=1)).timestamp() - now)


def quota_answer(allowed: bool, count: int, limit: int, day: str, now: float) -> Allowance:
    remaining = float(max(0, limit - count))
    if allowed:
        return Allowance(True, remaining, 0.0, OK)
    return Allowance(False, remaining, seconds_left(day, now), QUOTA)


def check_quota(limit: int, day: str) -> None:
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 0:
        raise ValueError(f"a daily quota must be a whole number >= 0, not {limit!r}")
    seconds_left(day, 0.0)  # refuses a malformed day before it names a counter
