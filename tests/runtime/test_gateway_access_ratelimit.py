"""Token buckets and daily quotas, in memory (on a fake clock) and in Redis (shared by
separate processes)."""

from __future__ import annotations

import asyncio
import math
import subprocess
import sys
from pathlib import Path

import pytest
from gateway_access_support import REDIS_URL, redis_cleanup, redis_or_skip, redis_prefix

from aisec.runtime.access.ratelimit import (
    Allowance,
    MemoryRateLimiter,
    RateLimiterUnavailable,
    utc_day,
)

DAY = "2024-05-01"
NOON = 1714564800.0  # 2024-05-01T12:00:00Z


class Clock:
    def __init__(self, now=1000.0):
        self.now = now

    def __call__(self):
        return self.now


def memory(clock=None, **kwargs):
    return MemoryRateLimiter(clock=clock or Clock(), wall_clock=lambda: NOON, **kwargs)


def test_burst_then_refill_at_rate():
    clock = Clock()
    limiter = memory(clock)
    takes = [limiter.take_now("k", rate=2, burst=3) for _ in range(4)]
    assert [t.allowed for t in takes] == [True, True, True, False]
    assert [t.remaining for t in takes[:3]] == [2, 1, 0]
    assert takes[3] == Allowance(False, 0.0, 0.5, "rate")  # one token at 2/s: 0.5 s
    clock.now += 0.25
    assert limiter.take_now("k", 2, 3).retry_after == pytest.approx(0.25)
    clock.now += 0.25
    assert limiter.take_now("k", 2, 3).allowed
    clock.now += 100  # refills up to the burst, no further
    assert [limiter.take_now("k", 2, 3).allowed for _ in range(4)] == [True] * 3 + [False]


def test_cost_and_a_refused_take_takes_nothing():
    clock = Clock()
    limiter = memory(clock)
    assert limiter.take_now("k", 1, 10, cost=7).remaining == 3
    refused = limiter.take_now("k", 1, 10, cost=5)
    assert (refused.allowed, refused.remaining, refused.retry_after) == (False, 3, 2.0)
    assert limiter.take_now("k", 1, 10, cost=3).allowed
    never = limiter.take_now("k", 1, 10, cost=11)
    assert (never.allowed, never.retry_after, never.reason) == (False, math.inf, "cost")
    assert limiter.take_now("k", 1, 10, cost=0).allowed


def test_buckets_are_per_key():
    limiter = memory()
    assert limiter.take_now("a", 1, 1).allowed
    assert not limiter.take_now("a", 1, 1).allowed
    assert limiter.take_now("b", 1, 1).allowed


def test_memory_is_bounded_and_refilled_buckets_go_first():
    clock = Clock()
    limiter = memory(clock, max_buckets=10)
    limiter.take_now("busy", 0.001, 5)  # stays not full for a long time
    for i in range(9):
        limiter.take_now(f"idle{i}", 1000, 1)
    clock.now += 1  # every idle bucket is full again
    limiter.take_now("new", 1, 1)
    assert len(limiter) <= 10
    assert limiter.take_now("busy", 0.001, 5).remaining == pytest.approx(3, abs=0.01)
    for i in range(100):  # none full: the least recently used go
        limiter.take_now(f"hot{i}", 0.001, 5)
    assert len(limiter) <= 10


@pytest.mark.parametrize(
    ("rate", "burst", "cost"),
    [(0, 1, 1), (-1, 1, 1), (math.nan, 1, 1), (1, 0, 1), (1, math.inf, 1), (1, 1, -1)],
)
def test_bad_limits_are_refused(rate, burst, cost):
    with pytest.raises(ValueError, match=r"must|needs"):
        memory().take_now("k", rate, burst, cost)


def test_memory_quota_per_day():
    limiter = memory()

    async def scenario():
        got = [await limiter.quota("k", 2, DAY) for _ in range(3)]
        other_key = await limiter.quota("j", 2, DAY)
        next_day = await limiter.quota("k", 2, "2024-05-02")
        return got, other_key, next_day

    got, other_key, next_day = asyncio.run(scenario())
    assert [(a.allowed, a.remaining) for a in got] == [(True, 1), (True, 0), (False, 0)]
    assert got[2].retry_after == 12 * 3600  # until midnight UTC
    assert got[2].reason == "quota"
    assert other_key.allowed and next_day.allowed
    with pytest.raises(ValueError, match=r"does not match|unconverted"):
        asyncio.run(limiter.quota("k", 2, "yesterday"))


def test_utc_day():
    assert utc_day(NOON) == DAY
    assert utc_day(NOON + 12 * 3600) == "2024-05-02"


# -- Redis ---------------------------------------------------------------------------------


@pytest.fixture
def prefix():
    redis_or_skip()
    made = redis_prefix()
    yield made
    redis_cleanup(made)


def redis_limiter(prefix):
    from aisec.runtime.access.ratelimit import RedisRateLimiter

    return RedisRateLimiter(REDIS_URL, prefix=prefix, wall_clock=lambda: NOON)


def test_redis_burst_cost_and_retry_after(prefix):
    async def scenario():
        limiter = redis_limiter(prefix)
        try:
            # A rate so slow that the test's own duration refills next to nothing.
            takes = [await limiter.take("k", 0.001, 3) for _ in range(4)]
            costly = await limiter.take("c", 0.001, 10, cost=7)
            refused = await limiter.take("c", 0.001, 10, cost=5)
            never = await limiter.take("c", 0.001, 10, cost=11)
            return takes, costly, refused, never
        finally:
            await limiter.aclose()

    takes, costly, refused, never = asyncio.run(scenario())
    assert [t.allowed for t in takes] == [True, True, True, False]
    assert [round(t.remaining) for t in takes] == [2, 1, 0, 0]
    last = takes[3]
    assert last.reason == "rate"
    assert last.retry_after == pytest.approx((1 - last.remaining) / 0.001)
    assert costly.allowed and costly.remaining == pytest.approx(3, abs=0.01)
    assert not refused.allowed and refused.retry_after == pytest.approx(
        (5 - refused.remaining) / 0.001
    )
    assert (never.allowed, never.retry_after) == (False, math.inf)


def test_redis_refills_by_elapsed_server_time(prefix):
    import redis

    async def take():
        limiter = redis_limiter(prefix)
        try:
            return await limiter.take("k", 2, 3)
        finally:
            await limiter.aclose()

    for _ in range(3):
        asyncio.run(take())
    client = redis.Redis.from_url(REDIS_URL)
    try:
        # Move the bucket's last update one second back: as if a second had passed.
        name = prefix + "rl:k"
        client.hset(name, "at", repr(float(client.hget(name, "at")) - 1.0))
        assert 0 < client.pttl(name) <= 3000
    finally:
        client.close()
    first, second, third = asyncio.run(take()), asyncio.run(take()), asyncio.run(take())
    assert first.allowed and second.allowed and not third.allowed


def test_redis_quota_per_day(prefix):
    import redis

    async def scenario():
        limiter = redis_limiter(prefix)
        try:
            got = [await limiter.quota("k", 2, DAY) for _ in range(3)]
            return got, await limiter.quota("k", 2, "2024-05-02")
        finally:
            await limiter.aclose()

    got, next_day = asyncio.run(scenario())
    assert [(a.allowed, a.remaining) for a in got] == [(True, 1), (True, 0), (False, 0)]
    assert got[2].retry_after == 12 * 3600
    assert next_day.allowed
    client = redis.Redis.from_url(REDIS_URL)
    try:
        assert client.get(f"{prefix}q:{DAY}:k") == b"2"  # the refused one is not counted
        assert client.ttl(f"{prefix}q:{DAY}:k") > 12 * 3600
    finally:
        client.close()


def test_two_processes_share_one_redis_limit(prefix):
    import redis

    worker = Path(__file__).with_name("gateway_access_redis_worker.py")
    burst, attempts = 10, 25
    # 1e-6 tokens a second: far less than one token refills however slow the machine.
    args = [sys.executable, str(worker), REDIS_URL, prefix, str(attempts), "1e-6", str(burst)]
    procs = [subprocess.Popen(args, stdout=subprocess.PIPE, text=True) for _ in range(2)]
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.set(prefix + "go", "1")
        outputs = [p.communicate(timeout=120)[0] for p in procs]
    finally:
        client.close()
        for p in procs:
            p.kill()
    assert [p.returncode for p in procs] == [0, 0]
    allowed = [int(out.strip()) for out in outputs]
    assert sum(allowed) == burst


def test_redis_unreachable_raises_its_own_error():
    pytest.importorskip("redis")
    from aisec.runtime.access.ratelimit import RedisRateLimiter

    async def scenario():
        # Port 1 on loopback: refused at once, no waiting on a timeout.
        limiter = RedisRateLimiter("redis://127.0.0.1:1/0", timeout=0.5)
        try:
            with pytest.raises(RateLimiterUnavailable, match="Redis"):
                await limiter.take("k", 1, 1)
            with pytest.raises(RateLimiterUnavailable):
                await limiter.quota("k", 1, DAY)
        finally:
            await limiter.aclose()

    asyncio.run(scenario())
