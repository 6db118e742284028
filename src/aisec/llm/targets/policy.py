"""How a run treats a target: pace, parallelism, retries, budget, cache, transcript.

:class:`Guarded` wraps any :class:`~aisec.llm.targets.base.Target` and is one itself,
so the runner sees no difference. Per request, in order: the cache (a hit is free and
does not wait for the rate limit), a concurrency slot, then per attempt the budget check
(before anything is sent), the rate limit and the send; 429, 5xx and connection failures
are retried after an exponential backoff with seeded jitter, or after the server's
Retry-After when that is longer (capped, so a hostile server cannot park a run).
"""

from __future__ import annotations

import asyncio
import logging
import math
import random
from dataclasses import dataclass, field
from typing import Any

from aisec.core.errors import ConfigError, TargetError, TargetUnavailable
from aisec.llm.targets.base import ChatAnswer, ChatRequest, Target
from aisec.llm.targets.budget import Budget, Spent
from aisec.llm.targets.cache import ResponseCache, target_identity
from aisec.llm.targets.pacing import Clock, MonotonicClock, TokenBucket
from aisec.llm.targets.transcript import TranscriptLog

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Policy:
    requests_per_second: float | None = None
    concurrency: int = 4
    retries: int = 3
    backoff: float = 0.5
    max_requests: int | None = None
    max_tokens: int | None = None
    max_cost: float | None = None
    price_per_1k_prompt: float = 0.0
    price_per_1k_completion: float = 0.0
    cache: ResponseCache | None = field(default=None, compare=False)
    transcript: TranscriptLog | None = field(default=None, compare=False)
    max_retry_after: float = 60.0
    # The completion assumed for the budget when a request sets no max_tokens.
    assumed_completion_tokens: int = 1024
    seed: int = 0

    def __post_init__(self) -> None:
        rate = self.requests_per_second
        problems = [
            (rate is not None and not rate > 0, "requests_per_second must be > 0"),
            (self.concurrency < 1, "concurrency must be >= 1"),
            (self.retries < 0 or self.backoff < 0, "retries and backoff must be >= 0"),
            (any(v is not None and v < 0 for v in (self.max_requests, self.max_tokens,
                                                   self.max_cost)), "budgets must be >= 0"),
            (min(self.price_per_1k_prompt, self.price_per_1k_completion) < 0,
             "prices must be >= 0"),
            (not math.isfinite(self.backoff), "backoff must be finite"),
            (not (math.isfinite(self.max_retry_after) and 0 < self.max_retry_after <= 600),
             "max_retry_after must be > 0 and <= 600 seconds"),
        ]  # fmt: skip
        for wrong, message in problems:
            if wrong:
                raise ConfigError(f"red-team policy: {message}")

    def describe(self) -> dict[str, Any]:
        names = ("requests_per_second", "concurrency", "retries", "backoff", "max_requests",
                 "max_tokens", "max_cost", "price_per_1k_prompt", "price_per_1k_completion",
                 "max_retry_after", "assumed_completion_tokens", "seed")  # fmt: skip
        return {**{n: getattr(self, n) for n in names}, "cache": self.cache is not None}


class Guarded:
    def __init__(self, target: Target, policy: Policy, *, clock: Clock | None = None) -> None:
        self.target, self.policy = target, policy
        self.name, self.supports_tools = target.name, target.supports_tools
        self.clock = clock or MonotonicClock()
        rate = policy.requests_per_second
        self.bucket = None if rate is None else TokenBucket(rate, self.clock)
        self.slots = asyncio.Semaphore(policy.concurrency)
        self._loop: asyncio.AbstractEventLoop | None = None
        self.budget = Budget(
            policy.max_requests, policy.max_tokens, policy.max_cost,
            policy.price_per_1k_prompt, policy.price_per_1k_completion,
        )  # fmt: skip
        self.rng = random.Random(policy.seed)

    def __repr__(self) -> str:
        return f"Guarded({self.target!r})"

    def describe(self) -> dict[str, Any]:
        return {**self.target.describe(), "policy": self.policy.describe()}

    def spent(self) -> Spent:
        return self.budget.state

    def cache_identity(self) -> dict[str, Any] | None:
        return target_identity(self.target)

    async def send(self, request: ChatRequest) -> ChatAnswer:
        self._bind()
        cache = self.policy.cache
        key = None if cache is None else target_identity(self.target)
        if cache is not None and key is not None:
            hit = await self._cache_get(cache, key, request)
            if hit is not None:
                self.budget.count_cached()
                self._record(request, answer=hit, attempts=0)
                return hit
        tried: list[int] = []  # the attempts actually sent, for the transcript
        try:
            async with self.slots:
                answer = await self._attempts(request, tried)
        except TargetError as error:
            self._record(request, error=error, attempts=len(tried))
            raise
        if cache is not None and key is not None:
            await self._cache_put(cache, key, request, answer)
        self._record(request, answer=answer, attempts=len(tried))
        return answer

    # The cache and the transcript serve the run; when one fails (a full disk, a locked
    # file, an answer that cannot be stored) the run goes on without it, and says so.

    async def _cache_get(self, cache: ResponseCache, key: dict[str, Any],
                         request: ChatRequest) -> ChatAnswer | None:  # fmt: skip
        try:
            return await cache.get(key, request)
        except Exception as exc:
            log.warning("red-team cache %s: cannot read an answer of %s: %s: %s", cache.path,
                        self.name, type(exc).__name__, str(exc)[:200])  # fmt: skip
            return None

    async def _cache_put(self, cache: ResponseCache, key: dict[str, Any], request: ChatRequest,
                         answer: ChatAnswer) -> None:  # fmt: skip
        try:
            await cache.put(key, request, answer)
        except Exception as exc:
            log.warning("red-team cache %s: cannot store an answer of %s: %s: %s", cache.path,
                        self.name, type(exc).__name__, str(exc)[:200])  # fmt: skip

    def _record(self, request: ChatRequest, *, answer: ChatAnswer | None = None,
                error: TargetError | None = None, attempts: int) -> None:  # fmt: skip
        transcript = self.policy.transcript
        if transcript is None:
            return
        try:
            transcript.record(self.name, request, answer=answer, error=error, attempts=attempts)
        except Exception as exc:
            log.warning("red-team transcript %s: cannot record an exchange with %s: %s: %s",
                        transcript.path or "(in memory)", self.name, type(exc).__name__,
                        str(exc)[:200])  # fmt: skip

    def _bind(self) -> None:
        # asyncio's semaphores and locks belong to one event loop; a script that runs a
        # loop per step gets fresh ones (the budget and the rate carry over).
        loop = asyncio.get_running_loop()
        if self._loop is not loop:
            self._loop = loop
            self.slots = asyncio.Semaphore(self.policy.concurrency)
            if self.bucket is not None:
                self.bucket.rebind()

    async def _attempts(self, request: ChatRequest, tried: list[int]) -> ChatAnswer:
        prompt = request.estimated_prompt_tokens()
        completion = request.max_tokens or self.policy.assumed_completion_tokens
        for attempt in range(self.policy.retries + 1):
            ask = self.budget.reserve(prompt, completion)
            try:
                if self.bucket is not None:
                    await self.bucket.acquire()
            except BaseException:  # cancelled while waiting: nothing was sent
                self.budget.release(ask, sent=False)
                raise
            tried.append(attempt)
            try:
                answer = await self.target.send(request)
            except BaseException as error:
                self.budget.release(ask)
                if not isinstance(error, TargetError):
                    raise  # cancelled, or a bug in a target: never retried
                if not error.retryable or attempt == self.policy.retries:
                    final = self._final(error, attempt + 1)
                    if final is error:
                        raise
                    raise final from error
                await self.clock.sleep(self.delay(attempt, error))
                continue
            self.budget.settle(ask, answer)
            return answer
        raise AssertionError("unreachable: the last attempt returns or raises")

    def delay(self, attempt: int, error: TargetError) -> float:
        """Exponential backoff with jitter, or the server's Retry-After if longer."""
        backoff = self.policy.backoff * 2.0**attempt * (0.5 + self.rng.random())
        asked = min(error.retry_after or 0.0, self.policy.max_retry_after)
        return max(backoff, asked)

    @staticmethod
    def _final(error: TargetError, attempts: int) -> TargetError:
        if attempts == 1 or not isinstance(error, TargetUnavailable):
            return error
        return TargetUnavailable(f"{error.message} (after {attempts} attempts)",
                                 hint=error.hint or "check that the target is up",
                                 status=error.status, retry_after=error.retry_after)  # fmt: skip

    async def aclose(self) -> None:
        await self.target.aclose()
