"""Rate limits shared by several gateway processes through Redis.

Each operation is one Lua script, which Redis runs atomically: two processes taking the
last token at once cannot both get it. The bucket refills by the Redis server's clock
(TIME), not the callers', so hosts whose clocks disagree still share one rate. Buckets
expire once they would be full again, so idle clients cost Redis nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from aisec.runtime.access.limits import (
    Allowance,
    RateLimiterUnavailable,
    bucket_answer,
    check_bucket,
    check_quota,
    quota_answer,
    seconds_left,
)

# Floats go back as strings: Redis turns a Lua number into an integer.
_TAKE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local rate, burst, cost = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens, at = tonumber(state[1]), tonumber(state[2])
if tokens == nil or at == nil then
  tokens, at = burst, now
end
if now > at then
  tokens = math.min(burst, tokens + (now - at) * rate)
  at = now
else
  tokens = math.min(burst, tokens)
end
local allowed = 0
if tokens >= cost then
  tokens = tokens - cost
  allowed = 1
end
local shown = string.format('%.17g', tokens)
redis.call('HSET', KEYS[1], 'tokens', shown, 'at', string.format('%.17g', at))
redis.call('PEXPIRE', KEYS[1], math.ceil((burst - tokens) / rate * 1000) + 1000)
return {allowed, shown}
"""

# Checked before counting, so that a refused request does not use up tomorrow's margin
# of error and ``remaining`` stays exact.
_QUOTA = """
local limit = tonumber(ARGV[1])
local count = tonumber(redis.call('GET', KEYS[1]) or '0')
if count >= limit then
  return {0, count}
end
count = redis.call('INCR', KEYS[1])
if count == 1 then
  redis.call('EXPIRE', KEYS[1], tonumber(ARGV[2]))
end
return {1, count}
"""


class RedisRateLimiter:
    def __init__(
        self,
        url: str,
        *,
        prefix: str = "aisec:gw:",
        timeout: float = 0.5,
        max_connections: int = 64,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        """``timeout`` bounds every call, connecting and waiting for a free connection
        included: a Redis that hangs must turn into RateLimiterUnavailable quickly, not
        into requests that hang."""
        import redis.asyncio as aioredis

        # A blocking pool: past max_connections a request waits for a connection instead
        # of failing at once, so a burst of traffic is not mistaken for Redis being down.
        pool = aioredis.BlockingConnectionPool.from_url(
            url, max_connections=max_connections, timeout=timeout,
            socket_timeout=timeout, socket_connect_timeout=timeout,
        )  # fmt: skip
        self._redis: Any = aioredis.Redis.from_pool(pool)
        self._prefix = prefix
        self._wall_clock = wall_clock
        self._take: Any = self._redis.register_script(_TAKE)
        self._quota: Any = self._redis.register_script(_QUOTA)

    async def take(self, key: str, rate: float, burst: float, cost: float = 1.0) -> Allowance:
        check_bucket(rate, burst, cost)
        name = f"{self._prefix}rl:{key}"
        found = await self._run(self._take, name, [repr(rate), repr(burst), repr(cost)])
        return bucket_answer(bool(int(found[0])), float(found[1]), rate, burst, cost)

    async def quota(self, key: str, limit: int, day: str) -> Allowance:
        check_quota(limit, day)
        now = self._wall_clock()
        # A day's counter outlives the day by one more, whatever the caller's clock says.
        ttl = int(seconds_left(day, now)) + 86_400
        name = f"{self._prefix}q:{day}:{key}"
        found = await self._run(self._quota, name, [str(limit), str(ttl)])
        return quota_answer(bool(int(found[0])), int(found[1]), limit, day, now)

    async def aclose(self) -> None:
        await self._redis.aclose()

    async def _run(self, script: Any, name: str, args: list[str]) -> list[Any]:
        from redis.exceptions import RedisError

        try:
            found: list[Any] = await script(keys=[name], args=args)
        except (RedisError, OSError, TimeoutError) as exc:
            raise RateLimiterUnavailable(
                f"the gateway's rate limiter (Redis) cannot be used: {type(exc).__name__}: {exc}",
                hint="check that Redis is reachable at the configured URL",
            ) from exc
        return found
