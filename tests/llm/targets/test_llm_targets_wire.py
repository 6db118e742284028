"""The pieces under the targets: request keys, answers as JSON, the stream assembler,
Retry-After, secret scrubbing and the response cache."""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import json
import sqlite3

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aisec.core.errors import ConfigError, TargetAnswerInvalid, TargetUnavailable
from aisec.llm.targets import ChatAnswer, ChatRequest, ResponseCache, ToolCallOut
from aisec.llm.targets.base import RAW_CAP, capped_raw
from aisec.llm.targets.redaction import Redactor
from aisec.llm.targets.stream import MAX_TOOL_CALLS, StreamAssembler
from aisec.llm.targets.transport import check_url, retry_after

HI = [{"role": "user", "content": "hi"}]


def test_request_key_is_stable_and_discriminating():
    a = ChatRequest(HI, [{"type": "function", "function": {"name": "f", "b": 1, "a": 2}}])
    b = ChatRequest(tuple(HI), ({"type": "function", "function": {"a": 2, "name": "f", "b": 1}},))
    assert a == b and a.key() == b.key() and isinstance(a.messages, tuple)
    # The documented form: sorted keys, no spaces, UTF-8 (caches from earlier runs match).
    body = {"max_tokens": None, "messages": HI, "tools": [dict(t) for t in a.tools]}
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert a.key() == hashlib.sha256(canonical.encode()).hexdigest()
    assert ChatRequest(HI).key() != ChatRequest(HI, max_tokens=5).key()
    assert ChatRequest(HI).key() != ChatRequest([{"role": "user", "content": "hi "}]).key()


def test_answer_json_round_trip():
    answer = ChatAnswer("x", (ToolCallOut("c", "f", "{}"),), "tool_calls", 3, 4, 200,
                        seconds=1.5, raw={"a": 1})  # fmt: skip
    again = ChatAnswer.from_json(json.loads(json.dumps(answer.to_json())))
    assert again == answer and again.seconds == 1.5
    cached = ChatAnswer.from_json(answer.to_json(), cached=True)
    assert cached.cached and cached.seconds == 0.0 and cached.tool_calls == answer.tool_calls


def test_raw_is_capped():
    assert capped_raw({"a": 1}) == {"a": 1}
    big = capped_raw({"a": "x" * (2 * RAW_CAP)})
    assert big["truncated"] is True and len(big["preview"]) == RAW_CAP


def feed(assembler, events):
    for event in events:
        for line in event.split("\n"):
            assembler.feed_line(line)
    assembler.finish()
    return assembler


def data(obj):
    return f"data: {json.dumps(obj)}\n"


def test_assembler_reads_events_comments_and_multiline_data():
    first = json.dumps({"choices": [{"index": 0, "delta": {"content": "a"}}]})
    split = first.replace(', "delta"', '\ndata: , "delta"')  # one event, two data lines
    events = [": comment\n", "event: message\n" + data({"choices": []}),
              f"data:{split}\n", data({"choices": [{"index": 1, "delta": {"content": "X"}}]}),
              data({"choices": [{"delta": {"content": "b"}, "finish_reason": "length"}]}),
              "data: [DONE]"]  # fmt: skip
    assembler = feed(StreamAssembler(), events)
    assert "".join(assembler.content) == "ab"
    assert assembler.finish_reason == "length" and assembler.done


def test_assembler_tool_calls_without_index():
    events = [
        data({"choices": [{"delta": {"tool_calls": [{"id": "a", "function": {"name": "f"}}]}}]}),
        data({"choices": [{"delta": {"tool_calls": [{"function": {"arguments": "{}"}}]}}]}),
        data({"choices": [{"delta": {"tool_calls": [{"id": "b", "function": {"name": "g"}}]}}]}),
    ]
    calls = feed(StreamAssembler(), events).tool_calls()
    assert [(c.id, c.name, c.arguments) for c in calls] == [("a", "f", "{}"), ("b", "g", "")]


@given(st.text(max_size=200), st.lists(st.integers(0, 200), max_size=8))
def test_assembler_rejoins_arguments_split_anywhere(arguments, cuts):
    cuts = sorted({c for c in cuts if c < len(arguments)} | {0, len(arguments)})
    pieces = [arguments[a:b] for a, b in itertools.pairwise(cuts)]
    opening = {"index": 0, "id": "c", "function": {"name": "f", "arguments": ""}}
    events = [data({"choices": [{"delta": {"tool_calls": [opening]}}]})]
    events += [data({"choices": [{"delta": {"tool_calls": [
        {"index": 0, "function": {"name": "f", "arguments": p}}]}}]}) for p in pieces]  # fmt: skip
    (call,) = feed(StreamAssembler(), events).tool_calls()
    assert (call.name, call.arguments) == ("f", arguments)


def test_assembler_refuses_hostile_streams():
    with pytest.raises(TargetAnswerInvalid, match="not JSON"):
        feed(StreamAssembler(), ["data: {oops\n"])
    with pytest.raises(TargetUnavailable, match="overloaded"):
        feed(StreamAssembler(), [data({"error": {"message": "overloaded"}})])
    many = [
        {"index": i, "id": f"c{i}", "function": {"name": "f"}} for i in range(MAX_TOOL_CALLS + 1)
    ]
    with pytest.raises(TargetAnswerInvalid, match="tool calls"):
        feed(StreamAssembler(), [data({"choices": [{"delta": {"tool_calls": many}}]})])


def test_retry_after_values():
    assert retry_after("3") == 3.0 and retry_after("0.5") == 0.5 and retry_after("-4") == 0.0
    assert retry_after(None) is None and retry_after("soon") is None
    date = "Wed, 21 Oct 2015 07:28:10 GMT"
    assert retry_after(date, now=1445412480.0) == 10.0


def test_redactor_scrubs_text_and_json():
    redact = Redactor(["sk-long-secret", "sk-longer", "true"])  # too short to scrub: "true"
    assert redact.text("a sk-long-secret b sk-longer true") == "a *** b *** true"
    assert redact.value({"k": ["x sk-long-secret"], "sk-longer": 1}) == {"k": ["x ***"], "***": 1}


@pytest.mark.parametrize("url", ["ftp://h/x", "file:///etc/passwd", "localhost:8000", "http://"])
def test_only_http_urls(url):
    with pytest.raises(ConfigError, match="only http"):
        check_url(url)


def test_cache_identity_and_damage(tmp_path):
    cache = ResponseCache(tmp_path / "sub" / "c.sqlite")
    target = {"kind": "openai-chat", "model": "m", "timeout": 5, "stream": False}
    request = ChatRequest(HI)

    async def scenario():
        assert await cache.get(target, request) is None
        await cache.put(target, request, ChatAnswer("hello", seconds=2.0))
        hit = await cache.get({**target, "timeout": 60, "stream": True}, request)
        assert hit.content == "hello" and hit.cached and hit.seconds == 0.0
        assert await cache.get({**target, "model": "n"}, request) is None
        assert await cache.get(target, ChatRequest(HI, max_tokens=9)) is None
        # Concurrent writers share the one connection without tripping over each other.
        await asyncio.gather(*(cache.put(target, ChatRequest([{"role": "user", "content": str(i)}]),
                                         ChatAnswer(str(i))) for i in range(20)))  # fmt: skip

    asyncio.run(scenario())
    assert len(cache) == 21
    with sqlite3.connect(cache.path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        db.execute("UPDATE answers SET answer = 'not json'")
    assert asyncio.run(cache.get(target, request)) is None
    cache.close()


def test_cache_path_must_be_usable(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(ConfigError, match="response cache"):
        ResponseCache(blocker / "c.sqlite")
