"""Targets against hostile or broken answers (security review 2): every string that leaves
a target is scrubbed of the secrets sent and encodable, compressed answers are refused
unread, nesting and line lengths are bounded, and the cache keys on what tells targets
apart without storing it in clear."""

from __future__ import annotations

import asyncio
import gzip
import itertools
import json
import logging
import sqlite3
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st
from llm_target_server import always, chunk, completion, sse
from starlette.responses import JSONResponse, Response, StreamingResponse

from aisec.core.errors import (
    ConfigError,
    TargetAnswerInvalid,
    TargetRefused,
    TargetUnavailable,
)
from aisec.llm.targets import (
    CallableTarget,
    ChatAnswer,
    ChatRequest,
    Guarded,
    HttpTemplateTarget,
    OpenAIChatTarget,
    Policy,
    ResponseCache,
    TranscriptLog,
)
from aisec.llm.targets.base import MAX_JSON_DEPTH, clean_text
from aisec.llm.targets.cache import target_identity
from aisec.llm.targets.redaction import MIN_SECRET, Redactor, url_secrets
from aisec.llm.targets.stream import MAX_LINE_BYTES, LineSplitter
from aisec.llm.targets.transport import ERROR_BODY_BYTES

KEY = "sk-hostile-secret-0123456789"
HELLO = ChatRequest(({"role": "user", "content": "Hello"},))


def run(coro):
    return asyncio.run(coro)


async def ask(base, request=HELLO, **options):
    target = OpenAIChatTarget(base, "m", **options)
    try:
        return await target.send(request)
    finally:
        await target.aclose()


@pytest.fixture
def key(monkeypatch):
    monkeypatch.setenv("TEST_HOSTILE_KEY", KEY)
    return "TEST_HOSTILE_KEY"


def shown(answer: ChatAnswer) -> str:
    return json.dumps(answer.to_json())


# ---- 1. streamed errors and tool calls are scrubbed ------------------------------------


def test_streamed_error_event_is_scrubbed_everywhere(http, key, clock):
    error = {"error": {"message": f"Incorrect API key provided: {KEY}"}}
    base, _ = http.add(always(lambda call: sse([error], done=False)))
    log = TranscriptLog()
    guarded = Guarded(OpenAIChatTarget(base, "m", api_key_env=key, stream=True),
                      Policy(retries=0, transcript=log), clock=clock)  # fmt: skip
    with pytest.raises(TargetUnavailable, match="Incorrect API key") as caught:
        run(guarded.send(HELLO))
    assert KEY not in str(caught.value) and KEY not in repr(caught.value.args)
    assert KEY not in json.dumps(log.entries) and "***" in log.entries[0]["error"]["message"]


def test_streamed_tool_calls_and_content_are_scrubbed(http, key):
    half = len(KEY) // 2
    call = {"index": 0, "id": f"id-{KEY}", "function": {"name": KEY, "arguments": '{"k": "'}}
    chunks = [
        chunk({"content": f"the key is {KEY[:half]}"}),  # split across two events
        chunk({"content": KEY[half:]}),
        chunk({"tool_calls": [call]}),
        chunk({"tool_calls": [{"index": 0, "function": {"arguments": KEY[:half]}}]}),
        chunk({"tool_calls": [{"index": 0, "function": {"arguments": KEY[half:] + '"}'}}]}),
        chunk(finish=KEY, usage={"note": KEY}),
    ]
    base, _ = http.add(always(lambda call: sse(chunks)))
    answer = run(ask(base, api_key_env=key, stream=True))
    assert KEY not in shown(answer) and KEY[:half] not in shown(answer)
    assert answer.content == "the key is ***"
    (tool,) = answer.tool_calls
    assert (tool.id, tool.name, json.loads(tool.arguments)) == ("id-***", "***", {"k": "***"})


def test_whole_tool_calls_are_scrubbed(http, key):
    calls = [{"id": "c1", "function": {"name": "lookup", "arguments": json.dumps({"k": KEY})}}]
    base, _ = http.add(always(lambda call: JSONResponse(completion(None, tool_calls=calls))))
    answer = run(ask(base, api_key_env=key))
    assert KEY not in shown(answer) and json.loads(answer.tool_calls[0].arguments) == {"k": "***"}


# ---- 2. compressed answers are refused unread ------------------------------------------

BOMB = gzip.compress(b"\0" * (16 * 1024 * 1024))  # 16 MiB inflated, a few KiB sent


@pytest.mark.parametrize("stream", [False, True])
@pytest.mark.parametrize("encoding", ["gzip", "br", "deflate, gzip", "zstd"])
def test_compressed_answers_are_refused(http, stream, encoding):
    media = "text/event-stream" if stream else "application/json"
    headers = {"content-encoding": encoding}
    base, _ = http.add(always(lambda call: Response(BOMB, media_type=media, headers=headers)))
    with pytest.raises(TargetAnswerInvalid, match="compressed"):
        run(ask(base, stream=stream))


def test_identity_encoding_is_read(http):
    base, _ = http.add(always(lambda call: JSONResponse(
        completion("plain"), headers={"content-encoding": "identity"})))  # fmt: skip
    assert run(ask(base)).content == "plain"


def test_a_compressed_error_keeps_its_status_and_is_not_read(http, clock):
    base, scenario = http.add(always(lambda call: Response(
        BOMB, status_code=503, headers={"content-encoding": "gzip"})))  # fmt: skip
    guarded = Guarded(OpenAIChatTarget(base, "m"), Policy(retries=1), clock=clock)
    with pytest.raises(TargetUnavailable, match="not read") as caught:
        run(guarded.send(HELLO))
    assert caught.value.status == 503 and len(scenario.calls) == 2


def test_template_target_refuses_compressed_answers(http):
    headers = {"content-encoding": "gzip"}
    base, _ = http.add(always(lambda call: Response(BOMB, headers=headers)))
    target = HttpTemplateTarget(base, {"q": "{{prompt}}"}, "out")
    with pytest.raises(TargetAnswerInvalid, match="compressed"):
        run(target.send(HELLO))


# ---- 3. lone surrogates, deep nesting, failing cache or transcript, URLs ---------------


def test_lone_surrogates_in_answers_are_replaced_and_can_be_kept(http, tmp_path, clock):
    body = json.dumps(completion("pwned \ud800 and \ud83d\ude00"), ensure_ascii=True)
    base, scenario = http.add(always(lambda call: Response(body, media_type="application/json")))
    cache = ResponseCache(tmp_path / "c.sqlite")
    log = TranscriptLog(tmp_path / "t.jsonl")
    guarded = Guarded(OpenAIChatTarget(base, "m"), Policy(cache=cache, transcript=log),
                      clock=clock)  # fmt: skip
    first = run(guarded.send(HELLO))
    assert first.content == "pwned \ufffd and \U0001f600"
    first.content.encode("utf-8")
    # The answer quoted in the next turn can be sent, and the first is a cache hit.
    quoted = {"role": "assistant", "content": "\udfff" + first.content}
    turn = ChatRequest((*HELLO.messages, quoted))
    assert run(guarded.send(turn)).content.startswith("pwned")
    assert run(guarded.send(HELLO)).cached and len(scenario.calls) == 2
    assert json.loads(scenario.calls[1].body)["messages"][1]["content"].startswith("\ufffd")
    assert len((tmp_path / "t.jsonl").read_text(encoding="utf-8").splitlines()) == 3
    cache.close()


def test_surrogates_from_a_function_and_in_its_errors_are_replaced(clock):
    def bot(messages, tools):
        if messages[-1]["content"] == "fail":
            raise ValueError("bad \udc80")
        return {"content": "x\ud800", "tool_calls": [{"name": "f\udc00", "arguments": "\ud800"}]}

    target = CallableTarget(bot)
    answer = run(target.send(HELLO))
    assert (answer.content, answer.tool_calls[0].name) == ("x\ufffd", "f\ufffd")
    shown(answer).encode("utf-8")
    with pytest.raises(TargetUnavailable) as caught:
        run(target.send(ChatRequest(({"role": "user", "content": "fail"},))))
    str(caught.value).encode("utf-8")


SURROGATES = st.integers(0xD800, 0xDFFF).map(chr)


@given(st.text(st.one_of(st.characters(), SURROGATES)))
def test_any_text_becomes_encodable_and_clean_text_is_kept(text):
    cleaned = clean_text(text)
    cleaned.encode("utf-8")
    if not any(0xD800 <= ord(c) <= 0xDFFF for c in text):
        assert cleaned == text
    request = ChatRequest(({"role": "user", "content": text, text: [text]},))
    request.key()
    TranscriptLog().record("t", request, answer=ChatAnswer(text))


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 5, 900, 100_000])
def test_deeply_nested_answers_are_invalid(http, depth):
    deep = "[" * depth + "]" * depth
    whole = '{"choices":[{"message":{"content":"a","x":' + deep + "}}]}"
    base, _ = http.add(always(lambda call: Response(whole, media_type="application/json")))
    with pytest.raises(TargetAnswerInvalid, match="deeper"):
        run(ask(base))
    event = 'data: {"choices":[{"delta":{"content":' + deep + "}}]}\n\n"
    base, _ = http.add(always(lambda call: Response(event, media_type="text/event-stream")))
    with pytest.raises(TargetAnswerInvalid, match="deeper"):
        run(ask(base, stream=True))
    base, _ = http.add(always(lambda call: Response('{"out": ' + deep + "}")))
    for path in ("out", ""):
        with pytest.raises(TargetAnswerInvalid, match="deeper"):
            run(HttpTemplateTarget(base, {"q": "{{prompt}}"}, path).send(HELLO))


def test_an_error_body_nested_deep_is_still_the_error(http):
    deep = "[" * 100_000 + "]" * 100_000
    base, _ = http.add(always(lambda call: Response(deep, status_code=400)))
    with pytest.raises(TargetRefused, match="HTTP 400"):
        run(ask(base))


def test_a_function_answering_deep_or_cyclic_data_is_invalid():
    deep: dict = {}
    here = deep
    for _ in range(MAX_JSON_DEPTH + 1):
        here["x"] = {}
        here = here["x"]
    cyclic: dict = {"content": "a"}
    cyclic["self"] = cyclic
    for result in (deep, cyclic):
        with pytest.raises(TargetAnswerInvalid, match="deeper"):
            run(CallableTarget(lambda m, t, result=result: result).send(HELLO))


def test_a_failing_cache_or_transcript_does_not_stop_the_run(http, tmp_path, clock, caplog):
    base, scenario = http.add(always(lambda call: JSONResponse(completion("still here"))))
    cache = ResponseCache(tmp_path / "c.sqlite")
    cache.close()  # every use now fails
    path = tmp_path / "t.jsonl"
    log = TranscriptLog(path)
    path.unlink()
    path.mkdir()  # appending now fails
    guarded = Guarded(OpenAIChatTarget(base, "m"), Policy(cache=cache, transcript=log),
                      clock=clock)  # fmt: skip
    with caplog.at_level(logging.WARNING, logger="aisec.llm.targets.policy"):
        assert run(guarded.send(HELLO)).content == "still here"
    messages = [r.getMessage() for r in caplog.records]
    assert any("cannot read" in m for m in messages) and any("cannot store" in m for m in messages)
    assert any("cannot record" in m for m in messages) and len(scenario.calls) == 1


BAD_URLS = ["http://127.0.0.1:99999/v1", "http://127.0.0.1:0/v1", "http://exa mple.com/v1",
            "http://[::1/v1", "http://@/v1"]  # fmt: skip


@pytest.mark.parametrize("url", BAD_URLS)
def test_invalid_urls_fail_at_construction(url):
    with pytest.raises(ConfigError, match="host"):
        OpenAIChatTarget(url, "m")
    with pytest.raises(ConfigError, match="host"):
        HttpTemplateTarget(url, {"q": "{{prompt}}"}, "")


@pytest.mark.parametrize("value", ["sk-\u00e9-unicode", "two\nlines", " padded "])
def test_header_values_http_cannot_carry_fail_at_construction(monkeypatch, value):
    monkeypatch.setenv("TEST_BAD_HEADER", value)
    with pytest.raises(ConfigError, match="header") as caught:
        OpenAIChatTarget("http://127.0.0.1:1/v1", "m", api_key_env="TEST_BAD_HEADER")
    assert value.strip() not in str(caught.value)
    with pytest.raises(ConfigError, match="header"):
        HttpTemplateTarget("http://127.0.0.1:1/x", {"q": "{{prompt}}"}, "",
                           headers_env={"X-Key": "TEST_BAD_HEADER"})  # fmt: skip


def test_a_base_url_with_a_query_gets_the_path_before_it(http):
    base, scenario = http.add(always(lambda call: JSONResponse(completion("azure"))))
    answer = run(ask(f"{base}/openai/deployments/d/?api-version=2024-06-01"))
    assert answer.content == "azure"
    sent = scenario.calls[0]
    assert sent.path == "/openai/deployments/d/chat/completions"
    assert sent.query == "api-version=2024-06-01"


# ---- 4. the cache keys on what tells targets apart, never in clear ---------------------


def test_cache_identity_tells_apart_what_describe_hides(monkeypatch):
    monkeypatch.setenv("TEST_TENANT", "tenant-acme-0001")

    def openai(url, **options):
        return target_identity(OpenAIChatTarget(url, "m", **options))

    same = openai("https://gw.example/v1?api-version=2024-01-01")
    assert same == openai("https://gw.example/v1?api-version=2024-01-01")
    assert same != openai("https://gw.example/v1?api-version=2025-04-01")
    assert openai("https://alice:pw-one-1234@gw.example/v1") != openai(
        "https://bob:pw-two-5678@gw.example/v1"
    )
    acme = openai("https://gw.example/v1", headers_env={"X-Tenant": "TEST_TENANT"})
    monkeypatch.setenv("TEST_TENANT", "tenant-globex-02")
    globex = openai("https://gw.example/v1", headers_env={"X-Tenant": "TEST_TENANT"})
    assert acme != globex
    template = target_identity(HttpTemplateTarget("https://h.example/x?token=tok-secret-77",
                                                  {"q": "{{prompt}}"}, ""))  # fmt: skip
    assert template != target_identity(
        HttpTemplateTarget("https://h.example/x?token=tok-other-88", {"q": "{{prompt}}"}, "")
    )
    for secret in ("tenant-acme-0001", "tenant-globex-02", "pw-one-1234", "2024-01-01"):
        assert secret not in json.dumps([same, acme, globex])
    assert "tok-secret-77" not in json.dumps(template)


def test_functions_without_a_file_are_not_cached(tmp_path, clock):
    def make(text):
        def bot(messages, tools):
            return text

        return bot

    cache = ResponseCache(tmp_path / "c.sqlite")
    for text in ("vulnerable", "hardened"):
        guarded = Guarded(CallableTarget(make(text)), Policy(cache=cache), clock=clock)
        assert run(guarded.send(HELLO)).content == text
        assert not run(guarded.send(HELLO)).cached
    assert target_identity(CallableTarget(lambda m, t: "x")) is None
    assert len(cache) == 0
    cache.close()


def test_targets_differing_only_in_the_query_do_not_share_answers(http, tmp_path, clock):
    base, scenario = http.add(always(lambda call: JSONResponse(completion(call.query))))
    cache = ResponseCache(tmp_path / "c.sqlite")

    def send(version):
        target = OpenAIChatTarget(f"{base}?api-version={version}", "m")
        return run(Guarded(target, Policy(cache=cache), clock=clock).send(HELLO))

    # A query value is a secret as far as answers go: echoed, it is scrubbed.
    assert send("one-0001").content == "api-version=***"
    assert send("two-0002").content == "api-version=***"
    assert send("one-0001").cached and len(scenario.calls) == 2
    assert [call.query for call in scenario.calls] == ["api-version=one-0001",
                                                       "api-version=two-0002"]  # fmt: skip
    with sqlite3.connect(cache.path) as db:
        stored = json.dumps(db.execute("SELECT * FROM answers").fetchall())
    assert "one-0001" not in stored and "two-0002" not in stored
    cache.close()


def test_cache_time_to_live(tmp_path):
    request = ChatRequest(({"role": "user", "content": "hi"},))
    target = {"kind": "test"}
    forever = ResponseCache(tmp_path / "c.sqlite")
    run(forever.put(target, request, ChatAnswer("old")))
    with sqlite3.connect(forever.path) as db:
        db.execute("UPDATE answers SET created = ?", (time.time() - 3600,))
    brief = ResponseCache(tmp_path / "c.sqlite", ttl_seconds=60)
    assert run(forever.get(target, request)).content == "old"
    assert run(brief.get(target, request)) is None
    assert run(ResponseCache(tmp_path / "c.sqlite", ttl_seconds=7200).get(target, request))
    for wrong in (0, -1.0, float("nan"), float("inf")):
        with pytest.raises(ConfigError, match="ttl_seconds"):
            ResponseCache(tmp_path / "c.sqlite", ttl_seconds=wrong)


# ---- 5. redaction: before any cut, bare tokens, URL secrets, short values --------------


def test_error_detail_is_scrubbed_before_it_is_cut(http, key):
    body = {"error": {"message": "x" * 285 + " " + KEY}}
    base, _ = http.add(always(lambda call: JSONResponse(body, status_code=401)))
    with pytest.raises(TargetRefused) as caught:
        run(ask(base, api_key_env=key))
    assert KEY[:6] not in str(caught.value)


def test_an_error_body_cut_inside_a_secret_hides_its_start(http, key):
    body = " " * (ERROR_BODY_BYTES - 9) + KEY  # the read stops 9 characters into the key
    base, _ = http.add(always(lambda call: Response(body, status_code=400)))
    with pytest.raises(TargetRefused) as caught:
        run(ask(base, api_key_env=key))
    assert KEY[:9] not in str(caught.value) and "***" in str(caught.value)


def test_template_target_scrubs_bare_tokens_and_url_secrets(http, monkeypatch):
    monkeypatch.setenv("TEST_AUTH", "Bearer tok-SECRET-123456")
    monkeypatch.setenv("TEST_FLAG", "true")  # too short to be a secret: answers keep "true"
    echo = "token tok-SECRET-123456, key qkey-SECRET-999, password urlpw-SECRET, flag true"
    base, _ = http.add(always(lambda call: JSONResponse({"out": echo})))
    url = base.replace("http://", "http://u:urlpw-SECRET@") + "/chat?key=qkey-SECRET-999"
    headers = {"Authorization": "TEST_AUTH", "X-Flag": "TEST_FLAG"}
    answer = run(HttpTemplateTarget(url, {"q": "{{prompt}}"}, "out", headers_env=headers)
                 .send(HELLO))  # fmt: skip
    assert answer.content == "token ***, key ***, password ***, flag true"
    assert "SECRET" not in shown(answer)
    base, scenario = http.add(always(lambda call: JSONResponse(completion(echo))))
    url = base.replace("http://", "http://u:urlpw-SECRET@") + "/v1?key=qkey-SECRET-999"
    answer = run(ask(url, headers_env={"X-Flag": "TEST_FLAG"}))
    assert answer.content == "token tok-SECRET-123456, key ***, password ***, flag true"
    assert scenario.calls[0].query == "key=qkey-SECRET-999"


def test_url_secrets():
    found = url_secrets("https://user:p%40ss-word@h.example/v1?api-key=k%2Fsecret&bare-token#f")
    assert {"p%40ss-word", "p@ss-word", "k%2Fsecret", "k/secret", "bare-token"} <= set(found)
    assert url_secrets("https://h.example/v1") == []


SECRETS = st.text("abcdefghijklmnopqrstuvwxyz0123456789-", min_size=MIN_SECRET, max_size=40)


@given(st.text(max_size=60), SECRETS, st.text(max_size=60), st.integers(0, 200))
def test_a_scrubbed_cut_never_shows_any_part_of_a_secret(before, secret, after, limit):
    redactor = Redactor([secret])
    text = before + secret + after
    assert secret not in redactor.cut(text, limit)
    partial = redactor.text(text[:limit], partial=True)
    assert secret not in partial
    assert not any(partial.endswith(secret[:size]) for size in range(1, len(secret)))


# ---- 6. stream lines: linear, capped ---------------------------------------------------


@given(st.binary(max_size=300), st.lists(st.integers(0, 300), max_size=10))
def test_line_splitter_gives_the_lines_however_the_bytes_are_cut(data, cuts):
    cuts = sorted({c for c in cuts if c < len(data)} | {0, len(data)})
    splitter, lines = LineSplitter(), []
    for start, end in itertools.pairwise(cuts):
        lines += splitter.feed(data[start:end])
    rest = splitter.rest()
    expected = data.split(b"\n")
    if expected[-1] == b"":
        expected.pop()
        assert rest is None
    else:
        assert rest == expected.pop().rstrip(b"\r").decode("utf-8", errors="replace")
    assert lines == [e.rstrip(b"\r").decode("utf-8", errors="replace") for e in expected]


def test_line_splitter_refuses_an_endless_line_dripped_in_pieces():
    splitter = LineSplitter()
    piece = b"x" * 100
    for _ in range(MAX_LINE_BYTES // len(piece)):
        assert splitter.feed(piece) == []
    with pytest.raises(TargetAnswerInvalid, match="longer than"):
        splitter.feed(piece)


def test_a_stream_line_over_the_cap_is_invalid(http):
    async def endless_line():
        yield b"data: " + b"a" * 4096
        for _ in range(MAX_LINE_BYTES // 4096 + 2):
            yield b"a" * 4096
            await asyncio.sleep(0)

    base, _ = http.add(
        always(lambda call: StreamingResponse(endless_line(), media_type="text/event-stream"))
    )
    with pytest.raises(TargetAnswerInvalid, match="longer than"):
        run(ask(base, stream=True))


# ---- 7 and 8. max_retry_after is checked; a usage of 0 does not make a request free ----


@pytest.mark.parametrize("wait", [0, -1.0, 600.5, float("nan"), float("inf")])
def test_max_retry_after_is_checked(wait):
    with pytest.raises(ConfigError, match="max_retry_after"):
        Policy(max_retry_after=wait)


def test_max_retry_after_bounds():
    assert Policy(max_retry_after=600).max_retry_after == 600
    with pytest.raises(ConfigError, match="backoff"):
        Policy(backoff=float("nan"))


def test_a_reported_usage_of_zero_does_not_make_a_request_free(http, clock):
    base, _ = http.add(always(lambda call: JSONResponse(completion("a" * 400, usage=(0, 0)))))
    guarded = Guarded(OpenAIChatTarget(base, "m"), Policy(max_tokens=10_000), clock=clock)
    run(guarded.send(HELLO))
    spent = guarded.spent()
    assert spent.completion_tokens == 100 and spent.prompt_tokens == HELLO.estimated_prompt_tokens()
    assert spent.estimated_tokens == spent.tokens
    base, _ = http.add(always(lambda call: JSONResponse(completion("a" * 400, usage=(9, 150)))))
    guarded = Guarded(OpenAIChatTarget(base, "m"), Policy(), clock=clock)
    run(guarded.send(HELLO))
    assert (guarded.spent().prompt_tokens, guarded.spent().completion_tokens) == (9, 150)
    assert guarded.spent().estimated_tokens == 0
