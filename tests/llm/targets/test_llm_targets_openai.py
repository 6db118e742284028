"""OpenAIChatTarget against a real server on 127.0.0.1: whole and streamed answers, tool
calls, usage, and every way the wire can go wrong."""

from __future__ import annotations

import asyncio
import json

import pytest
from llm_target_server import always, chunk, completion, free_port, serve_app, sse
from starlette.responses import JSONResponse, RedirectResponse, Response, StreamingResponse

from aisec.core.errors import (
    BudgetExhausted,
    ConfigError,
    TargetAnswerInvalid,
    TargetRefused,
    TargetUnavailable,
)
from aisec.llm.targets import ChatRequest, Guarded, OpenAIChatTarget, Policy, TranscriptLog
from aisec.llm.targets.transport import MAX_ANSWER_BYTES

HELLO = ChatRequest(({"role": "user", "content": "Hello"},))
TOOLS = ({"type": "function", "function": {"name": "lookup", "parameters": {"type": "object"}}},)


def run(coro):
    return asyncio.run(coro)


async def ask(base, request=HELLO, **options):
    target = OpenAIChatTarget(base, "m", **options)
    try:
        return await target.send(request)
    finally:
        await target.aclose()


def test_whole_answer_with_usage(http):
    base, scenario = http.add(always(lambda call: JSONResponse(completion("Hi there"))))
    answer = run(ask(base, ChatRequest(HELLO.messages, TOOLS, max_tokens=50)))
    assert (answer.content, answer.finish_reason, answer.status) == ("Hi there", "stop", 200)
    assert (answer.prompt_tokens, answer.completion_tokens) == (7, 5)
    assert answer.raw["choices"][0]["message"]["content"] == "Hi there"
    sent = scenario.calls[0]
    assert sent.path == "/chat/completions" and sent.method == "POST"
    body = sent.json()
    assert body["model"] == "m" and body["messages"] == [{"role": "user", "content": "Hello"}]
    assert body["tools"] == [dict(t) for t in TOOLS] and body["max_tokens"] == 50
    assert body["stream"] is False and "stream_options" not in body


def test_no_tools_key_when_the_request_has_none(http):
    base, scenario = http.add(always(lambda call: JSONResponse(completion("ok"))))
    run(ask(base, extra_body={"temperature": 0}))
    body = scenario.calls[0].json()
    assert "tools" not in body and "max_tokens" not in body and body["temperature"] == 0


def test_whole_answer_with_tool_calls(http):
    calls = [{"id": "call_9", "type": "function",
              "function": {"name": "lookup", "arguments": '{"q": "x"}'}}]  # fmt: skip
    base, _ = http.add(always(lambda call: JSONResponse(completion(None, tool_calls=calls))))
    answer = run(ask(base, ChatRequest(HELLO.messages, TOOLS)))
    assert answer.content == "" and answer.finish_reason == "tool_calls"
    assert [(c.id, c.name, c.arguments) for c in answer.tool_calls] == [
        ("call_9", "lookup", '{"q": "x"}')
    ]


def test_structured_refusal_is_the_content(http):
    body = completion(None)
    body["choices"][0]["message"]["refusal"] = "I can't help with that."
    base, _ = http.add(always(lambda call: JSONResponse(body)))
    assert run(ask(base)).content == "I can't help with that."


def test_stream_assembles_content_and_usage(http):
    usage = {"prompt_tokens": 11, "completion_tokens": 3}
    chunks = [chunk({"role": "assistant", "content": ""}), chunk({"content": "Hel"}),
              chunk({"content": "lo, "}), chunk({"content": "world"}), chunk(finish="stop"),
              chunk(choices=False, usage=usage)]  # fmt: skip
    base, scenario = http.add(always(lambda call: sse(chunks)))
    answer = run(ask(base, stream=True))
    assert (answer.content, answer.finish_reason) == ("Hello, world", "stop")
    assert (answer.prompt_tokens, answer.completion_tokens) == (11, 3)
    assert answer.raw["done"] is True and answer.raw["streamed_chunks"] == 6
    body = scenario.calls[0].json()
    assert body["stream"] is True and body["stream_options"] == {"include_usage": True}


def test_stream_assembles_tool_call_deltas_by_index(http):
    first = {"index": 0, "id": "call_a", "type": "function",
             "function": {"name": "lookup", "arguments": ""}}  # fmt: skip
    second = {"index": 1, "id": "call_b", "type": "function",
              "function": {"name": "send_mail", "arguments": '{"to"'}}  # fmt: skip
    chunks = [
        chunk({"role": "assistant", "tool_calls": [first]}),
        chunk({"tool_calls": [{"index": 0, "function": {"arguments": '{"q": '}}]}),
        chunk({"tool_calls": [second]}),
        chunk({"tool_calls": [{"index": 0, "function": {"arguments": '"x"}'}}]}),
        chunk({"tool_calls": [{"index": 1, "function": {"arguments": ': "a@b.c"}'}}]}),
        chunk(finish="tool_calls"),
    ]
    base, _ = http.add(always(lambda call: sse(chunks)))
    answer = run(ask(base, ChatRequest(HELLO.messages, TOOLS), stream=True))
    assert answer.finish_reason == "tool_calls" and answer.prompt_tokens is None
    assert [(c.id, c.name, json.loads(c.arguments)) for c in answer.tool_calls] == [
        ("call_a", "lookup", {"q": "x"}),
        ("call_b", "send_mail", {"to": "a@b.c"}),
    ]


def test_stream_split_anywhere_on_the_wire(http):
    text = "".join(f"data: {json.dumps(chunk({'content': w}))}\r\n\r\n" for w in "abcdef")
    text += ": keep-alive\n\ndata: [DONE]\n\n"
    raw = text.encode()

    async def pieces():
        for i in range(0, len(raw), 7):
            yield raw[i : i + 7]
            await asyncio.sleep(0)

    base, _ = http.add(
        always(lambda call: StreamingResponse(pieces(), media_type="text/event-stream"))
    )
    assert run(ask(base, stream=True)).content == "abcdef"


def test_stream_asked_but_answered_whole(http):
    base, _ = http.add(always(lambda call: JSONResponse(completion("whole"))))
    assert run(ask(base, stream=True)).content == "whole"


def test_401_is_refused_without_retry_and_hides_the_key(http, clock, monkeypatch):
    monkeypatch.setenv("TEST_LLM_KEY", "sk-test-supersecret-123")
    seen = []

    def refuse(call):
        seen.append(call.headers["authorization"])
        return JSONResponse({"error": {"message": "Incorrect API key provided: "
                                       "sk-test-supersecret-123", "code": "invalid_api_key"}},
                            status_code=401)  # fmt: skip

    base, scenario = http.add(always(refuse))
    log = TranscriptLog()
    target = OpenAIChatTarget(base, "m", api_key_env="TEST_LLM_KEY")
    guarded = Guarded(target, Policy(retries=3, transcript=log), clock=clock)
    with pytest.raises(TargetRefused) as caught:
        run(guarded.send(HELLO))
    assert len(scenario.calls) == 1 and clock.sleeps == []
    assert seen == ["Bearer sk-test-supersecret-123"]
    assert caught.value.status == 401
    assert "supersecret" not in str(caught.value) and "Incorrect API key" in str(caught.value)
    assert "supersecret" not in json.dumps(guarded.describe())
    assert "supersecret" not in json.dumps(log.entries) and log.entries[0]["error"]["status"] == 401
    assert "supersecret" not in repr(target)


def test_key_echoed_in_an_answer_is_scrubbed(http, monkeypatch):
    monkeypatch.setenv("TEST_LLM_KEY", "sk-echo-secret-456")
    base, _ = http.add(always(lambda call: JSONResponse(
        completion("your key is " + call.headers["authorization"]))))  # fmt: skip
    answer = run(ask(base, api_key_env="TEST_LLM_KEY"))
    assert "sk-echo-secret-456" not in answer.content + json.dumps(answer.raw)


def test_429_with_retry_after_then_success(http, clock):
    async def busy_once(call):
        if call.n == 1:
            return JSONResponse({"error": {"message": "slow down"}}, status_code=429,
                                headers={"Retry-After": "7"})  # fmt: skip
        return JSONResponse(completion("done"))

    base, scenario = http.add(busy_once)
    guarded = Guarded(OpenAIChatTarget(base, "m"), Policy(backoff=0.1), clock=clock)
    answer = run(guarded.send(HELLO))
    assert answer.content == "done" and len(scenario.calls) == 2
    assert clock.sleeps == [7.0]  # the server's wait, longer than the backoff
    assert guarded.spent().requests == 2


def test_retry_after_is_capped(http, clock):
    async def busy_once(call):
        if call.n == 1:
            return Response(status_code=503, headers={"Retry-After": "86400"})
        return JSONResponse(completion("done"))

    base, _ = http.add(busy_once)
    policy = Policy(backoff=0.1, max_retry_after=30)
    run(Guarded(OpenAIChatTarget(base, "m"), policy, clock=clock).send(HELLO))
    assert clock.sleeps == [30]


def test_500_is_retried_then_unavailable(http, clock):
    base, scenario = http.add(always(lambda call: Response("boom", status_code=500)))
    guarded = Guarded(OpenAIChatTarget(base, "m"), Policy(retries=2, backoff=1.0), clock=clock)
    with pytest.raises(TargetUnavailable) as caught:
        run(guarded.send(HELLO))
    assert len(scenario.calls) == 3 and caught.value.status == 500
    assert "after 3 attempts" in str(caught.value)
    # Exponential with jitter in [0.5, 1.5): the second wait is about twice the first.
    assert len(clock.sleeps) == 2
    assert 0.5 <= clock.sleeps[0] < 1.5 and 1.0 <= clock.sleeps[1] < 3.0


def test_connection_refused_is_unavailable(clock):
    target = OpenAIChatTarget(f"http://127.0.0.1:{free_port()}/v1", "m")
    with pytest.raises(TargetUnavailable, match="cannot connect"):
        run(Guarded(target, Policy(retries=1), clock=clock).send(HELLO))
    assert len(clock.sleeps) == 1


def test_oversize_answer_is_refused(http):
    big = b'{"x": "' + b"a" * (MAX_ANSWER_BYTES + 10) + b'"}'
    base, _ = http.add(always(lambda call: Response(big, media_type="application/json")))
    with pytest.raises(TargetAnswerInvalid, match="larger than"):
        run(ask(base))


def test_oversize_stream_without_length_is_refused(http):
    piece = ("data: " + json.dumps(chunk({"content": "a" * 60_000})) + "\n\n").encode()

    async def endless():
        while True:
            yield piece
            await asyncio.sleep(0)

    base, _ = http.add(
        always(lambda call: StreamingResponse(endless(), media_type="text/event-stream"))
    )
    with pytest.raises(TargetAnswerInvalid, match="larger than"):
        run(ask(base, stream=True))


def test_redirect_is_refused(http):
    elsewhere, followed = http.add(always(lambda call: JSONResponse(completion("moved"))))
    base, _ = http.add(always(lambda call: RedirectResponse(
        f"{elsewhere}/chat/completions?token=abc", status_code=307)))  # fmt: skip
    with pytest.raises(TargetRefused, match="redirect") as caught:
        run(ask(base))
    assert followed.calls == [] and "abc" not in str(caught.value)


def test_not_json_and_wrong_shape(http):
    base, _ = http.add(always(lambda call: Response("<html>", media_type="text/html")))
    with pytest.raises(TargetAnswerInvalid, match="not JSON"):
        run(ask(base))
    base, _ = http.add(always(lambda call: JSONResponse({"answer": "hi"})))
    with pytest.raises(TargetAnswerInvalid, match="choices"):
        run(ask(base))


def test_configuration_errors(monkeypatch):
    monkeypatch.delenv("TEST_NO_SUCH_KEY", raising=False)
    with pytest.raises(ConfigError, match="TEST_NO_SUCH_KEY"):
        OpenAIChatTarget("http://127.0.0.1:1/v1", "m", api_key_env="TEST_NO_SUCH_KEY")
    with pytest.raises(ConfigError, match="http"):
        OpenAIChatTarget("file:///etc/passwd", "m")


def test_describe_has_no_secrets_and_masks_query(monkeypatch):
    monkeypatch.setenv("TEST_LLM_KEY", "sk-d-secret")
    monkeypatch.setenv("TEST_ORG", "org-secret-value")
    target = OpenAIChatTarget("https://user:pw@api.example/v1?api-key=qs-secret", "gpt",
                              api_key_env="TEST_LLM_KEY", headers_env={"OpenAI-Organization":
                                                                       "TEST_ORG"})  # fmt: skip
    shown = json.dumps(target.describe()) + target.name
    for secret in ("sk-d-secret", "org-secret-value", "qs-secret", "pw"):
        assert secret not in shown
    assert target.describe()["api_key_env"] == "TEST_LLM_KEY"
    run(target.aclose())


def test_against_the_simulator():
    server = pytest.importorskip("aisec.llm.simulator.server")
    from aisec.llm.simulator import SimulatedApp, SimulatorConfig, example_tools

    app = server.create_app(SimulatedApp(SimulatorConfig.vulnerable()), api_key="sim-key-1")
    request = ChatRequest(({"role": "user", "content": "What can you do?"},),
                          tuple(example_tools()))  # fmt: skip
    with serve_app(app) as base, pytest.MonkeyPatch.context() as env:
        env.setenv("TEST_SIM_KEY", "sim-key-1")
        for stream in (False, True):
            answer = run(ask(f"{base}/v1", request, stream=stream, api_key_env="TEST_SIM_KEY"))
            assert answer.content or answer.tool_calls
            assert answer.prompt_tokens is not None and answer.completion_tokens is not None
        with pytest.raises(TargetRefused):
            run(ask(f"{base}/v1", request))  # without the key


def test_extra_body_can_rename_or_drop_fields(http):
    base, scenario = http.add(always(lambda call: JSONResponse(completion("ok"))))
    extra = {"stream_options": None, "temperature": 0.2}
    run(
        ask(
            base, say_max(), stream=True, extra_body=extra, max_tokens_field="max_completion_tokens"
        )
    )
    body = scenario.calls[0].json()
    assert body["max_completion_tokens"] == 9 and "max_tokens" not in body
    assert "stream_options" not in body and body["temperature"] == 0.2
    with pytest.raises(ConfigError, match="model"):
        OpenAIChatTarget(base, "m", extra_body={"model": "other"})


def say_max():
    return ChatRequest(HELLO.messages, max_tokens=9)


def test_a_large_error_body_is_still_an_error(http):
    huge = {"error": {"message": "bad request " + "x" * 200_000}}
    base, _ = http.add(always(lambda call: JSONResponse(huge, status_code=400)))
    with pytest.raises(TargetRefused, match="bad request") as caught:
        run(ask(base))
    assert len(str(caught.value)) < 1000


def test_transcript_counts_attempts_of_failures(http, clock):
    base, _ = http.add(always(lambda call: Response(status_code=503)))
    log = TranscriptLog()
    guarded = Guarded(OpenAIChatTarget(base, "m"), Policy(retries=2, transcript=log), clock=clock)
    with pytest.raises(TargetUnavailable):
        run(guarded.send(HELLO))
    guarded = Guarded(OpenAIChatTarget(base, "m"), Policy(max_requests=0, transcript=log))
    with pytest.raises(BudgetExhausted):
        run(guarded.send(HELLO))
    assert [(e["attempts"], e["error"]["type"]) for e in log.entries] == [
        (3, "TargetUnavailable"),
        (0, "BudgetExhausted"),
    ]
