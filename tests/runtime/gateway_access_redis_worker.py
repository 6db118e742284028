"""Run as a separate process by the rate-limit tests: waits for the go key, then takes
from one shared Redis bucket as fast as it can and prints how many takes were allowed."""

from __future__ import annotations

import asyncio
import sys
import time

import redis

from aisec.runtime.access.ratelimit import RedisRateLimiter


async def main(url: str, prefix: str, attempts: int, rate: float, burst: float) -> int:
    waiter = redis.Redis.from_url(url)
    deadline = time.monotonic() + 30
    while not waiter.exists(prefix + "go") and time.monotonic() < deadline:
        time.sleep(0.005)  # start together, so that the two processes really race
    waiter.close()
    limiter = RedisRateLimiter(url, prefix=prefix)
    allowed = 0
    try:
        for _ in range(attempts):
            allowed += (await limiter.take("shared", rate, burst)).allowed
    finally:
        await limiter.aclose()
    return allowed


if __name__ == "__main__":
    url, prefix, attempts, rate, burst = sys.argv[1:6]
    print(asyncio.run(main(url, prefix, int(attempts), float(rate), float(burst))))
