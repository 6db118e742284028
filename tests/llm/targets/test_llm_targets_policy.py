"""Guarded: rate limit (on a hand-driven clock), concurrency, budgets, cache, transcript."""

from __future__ import annotations

import asyncio
import itertools
import json

import pytest
from llm_target_server import always, completion
from starlette.responses import JSONResponse

from aisec.core.errors import BudgetExhausted, ConfigError
from aisec.llm.targets import (
    CallableTarget,
    ChatRequest,
    Guarded,
    OpenAIChatTarget,
    Policy,
    ResponseCache,
    TranscriptLog,
)


def run(coro):
    return asyncio.run(coro)


def say(text, max_tokens=None):
    return ChatRequest(({"role": "user", "content": text},), max_tokens=max_tokens)


async def send_all(target, requests):
    try:
        return await asyncio.gather(*(target.send(r) for r in requests))
    finally:
        await target.aclose()


def test_rate_limit_spaces_requests_on_the_clock(clock):
    stamps = []

    async def bot(messages, tools):
        stamps.append(clock.now())
        return "ok"

    guarded = Guarded(CallableTarget(bot), Policy(requests_per_second=4, concurrency=3),
                      clock=clock)  # fmt: skip
    run(send_all(guarded, [say(str(i)) for i in range(9)]))
    gaps = [b - a for a, b in itertools.pairwise(stamps)]
    assert len(stamps) == 9 and all(gap >= 0.25 - 1e-9 for gap in gaps)
    assert stamps[-1] - stamps[0] == pytest.approx(2.0)  # 8 gaps of 1/4 s, no more


def test_no_rate_limit_means_no_waiting(clock):
    guarded = Guarded(CallableTarget(lambda m, t: "ok"), Policy(), clock=clock)
    run(send_all(guarded, [say(str(i)) for i in range(5)]))
    assert clock.sleeps == []


def test_concurrency_is_never_exceeded(http):
    async def slow(call):
        # Hold each request until three are in flight (or give up), so a limit of three
        # is reached, and a fourth would be seen, without depending on timing.
        for _ in range(400):
            if scenario.in_flight >= 3:
                break
            await asyncio.sleep(0.005)
        return JSONResponse(completion("ok"))

    base, scenario = http.add(slow)
    guarded = Guarded(OpenAIChatTarget(base, "m"), Policy(concurrency=3))
    answers = run(send_all(guarded, [say(str(i)) for i in range(10)]))
    assert len(answers) == 10 and len(scenario.calls) == 10
    assert scenario.max_in_flight == 3


def test_token_budget_stops_before_overspending(http):
    # Each call reports 40 + 10 tokens; the estimate of the next one is ~6 + 10.
    base, scenario = http.add(always(lambda call: JSONResponse(completion("x", usage=(40, 10)))))
    guarded = Guarded(OpenAIChatTarget(base, "m"), Policy(max_tokens=160))
    for i in range(3):
        run(guarded.send(say(f"q{i}", max_tokens=10)))
    assert guarded.spent().tokens == 150
    with pytest.raises(BudgetExhausted, match="token budget"):
        run(guarded.send(say("q3", max_tokens=10)))
    assert len(scenario.calls) == 3  # the fourth was never sent
    assert guarded.spent().tokens == 150 and guarded.spent().requests == 3


def test_request_and_cost_budgets(clock):
    guarded = Guarded(CallableTarget(lambda m, t: {"content": "ok", "usage": {
        "prompt_tokens": 1000, "completion_tokens": 500}}),
        Policy(max_requests=2), clock=clock)  # fmt: skip
    run(guarded.send(say("a")))
    run(guarded.send(say("b")))
    with pytest.raises(BudgetExhausted, match="request budget"):
        run(guarded.send(say("c")))
    priced = Policy(max_cost=0.05, price_per_1k_prompt=0.01, price_per_1k_completion=0.03)
    guarded = Guarded(CallableTarget(lambda m, t: {"content": "ok", "usage": {
        "prompt_tokens": 1000, "completion_tokens": 500}}), priced, clock=clock)  # fmt: skip
    run(guarded.send(say("a", max_tokens=500)))
    assert guarded.spent().cost == pytest.approx(0.025)
    with pytest.raises(BudgetExhausted, match="cost"):
        run(guarded.send(say("b" * 400, max_tokens=1000)))  # ~0.031 more would pass 0.05
    assert guarded.spent().requests == 1


def test_concurrent_requests_cannot_jointly_overspend(clock):
    started = []

    async def bot(messages, tools):
        started.append(1)
        await asyncio.sleep(0)
        return "ok"

    guarded = Guarded(CallableTarget(bot), Policy(max_tokens=100, concurrency=8), clock=clock)

    async def many():
        return await asyncio.gather(*(guarded.send(say(str(i), max_tokens=30)) for i in range(8)),
                                    return_exceptions=True)  # fmt: skip

    results = run(many())
    refused = [r for r in results if isinstance(r, BudgetExhausted)]
    assert len(started) + len(refused) == 8 and len(started) <= 3


def test_unreported_usage_is_estimated(clock):
    guarded = Guarded(CallableTarget(lambda m, t: "a" * 40), Policy(), clock=clock)
    run(guarded.send(say("hello")))
    spent = guarded.spent()
    assert spent.completion_tokens == 10 and spent.estimated_tokens == spent.tokens > 10


def test_cache_answers_reruns_for_free(http, tmp_path, clock):
    base, scenario = http.add(always(lambda call: JSONResponse(completion("cached me"))))
    cache = ResponseCache(tmp_path / "answers.sqlite")
    requests = [say("one"), say("two"), say("one")]

    async def rerun():
        guarded = Guarded(OpenAIChatTarget(base, "m"),
                          Policy(cache=cache, requests_per_second=1), clock=clock)  # fmt: skip
        for request in requests:
            await guarded.send(request)
        await guarded.aclose()
        return guarded

    first = run(rerun())
    assert len(scenario.calls) == 2 and first.spent().cached == 1 and first.spent().requests == 2
    waits = len(clock.sleeps)
    second = run(rerun())
    assert len(scenario.calls) == 2  # nothing sent on the rerun
    assert second.spent().requests == 0 and second.spent().cached == 3
    assert second.spent().tokens == 0 and len(clock.sleeps) == waits  # no rate-limit waits
    again = run(Guarded(OpenAIChatTarget(base, "m", timeout=5, stream=True),
                        Policy(cache=cache)).send(say("two")))  # fmt: skip
    assert again.cached and again.content == "cached me" and len(scenario.calls) == 2
    other = run(
        Guarded(OpenAIChatTarget(base, "other-model"), Policy(cache=cache)).send(say("two"))
    )
    assert not other.cached and len(scenario.calls) == 3
    cache.close()


FLAKY = """
from aisec.core.errors import TargetUnavailable

calls = []


def flaky(messages, tools):
    calls.append(1)
    if len(calls) == 1:
        raise TargetUnavailable("hiccup")
    return "fine"
"""


def test_transcript_records_answers_errors_and_cache_hits(tmp_path, clock):
    source = tmp_path / "flaky_bot.py"  # named by its file, so its answers can be cached
    source.write_text(FLAKY)
    path = tmp_path / "transcripts" / "run.jsonl"
    log = TranscriptLog(path)
    cache = ResponseCache(tmp_path / "c.sqlite")
    guarded = Guarded(CallableTarget(f"{source}:flaky", name="bot"),
                      Policy(transcript=log, cache=cache), clock=clock)  # fmt: skip
    run(guarded.send(say("hi")))
    run(guarded.send(say("hi")))
    entries = [json.loads(line) for line in path.read_text().splitlines()]
    assert [e["attempts"] for e in entries] == [2, 0]
    assert entries[0]["answer"]["content"] == "fine" and entries[1]["answer"]["cached"] is True
    assert entries[0]["request"]["messages"] == [{"role": "user", "content": "hi"}]
    assert entries[0]["target"] == "bot" and entries[0]["request_key"] == say("hi").key()
    cache.close()


def test_refused_errors_are_not_retried(clock):
    from aisec.core.errors import TargetRefused

    calls = []

    def refuse(messages, tools):
        calls.append(1)
        raise TargetRefused("no")

    with pytest.raises(TargetRefused):
        run(Guarded(CallableTarget(refuse), Policy(retries=5), clock=clock).send(say("x")))
    assert len(calls) == 1


@pytest.mark.parametrize("options", [
    {"requests_per_second": 0}, {"concurrency": 0}, {"retries": -1}, {"max_tokens": -5},
    {"price_per_1k_prompt": -1.0},
])  # fmt: skip
def test_policy_is_checked(options):
    with pytest.raises(ConfigError, match="red-team policy"):
        Policy(**options)


def test_guarded_describes_target_and_policy(clock):
    guarded = Guarded(CallableTarget(lambda m, t: "x", name="bot"), Policy(max_requests=3),
                      clock=clock)  # fmt: skip
    described = guarded.describe()
    assert described["name"] == "bot" and described["policy"]["max_requests"] == 3
    assert guarded.name == "bot" and guarded.supports_tools


def test_cancelled_requests_release_their_budget():
    class StuckClock:
        def now(self):
            return 0.0

        async def sleep(self, seconds):
            await asyncio.Event().wait()  # never returns: only cancellation ends it

    async def hang(messages, tools):
        await asyncio.Event().wait()

    async def scenario():
        slow = Guarded(CallableTarget(hang), Policy(max_requests=1))
        task = asyncio.create_task(slow.send(say("a")))
        await asyncio.sleep(0.01)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert slow.budget.in_flight == 0 and slow.spent().requests == 1  # it was sent
        paced = Guarded(CallableTarget(lambda m, t: "ok"), Policy(requests_per_second=1),
                        clock=StuckClock())  # fmt: skip
        await paced.send(say("first"))  # the bucket's one token
        waiting = asyncio.create_task(paced.send(say("second")))
        await asyncio.sleep(0.01)
        waiting.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiting
        assert paced.budget.in_flight == 0 and paced.spent().requests == 1  # never sent

    run(scenario())
