"""HttpTemplateTarget against a real server: the body as the endpoint receives it, the
answer read from nested paths, and the failures."""

from __future__ import annotations

import asyncio
import json

import pytest
from llm_target_server import always
from starlette.responses import JSONResponse, PlainTextResponse, Response

from aisec.core.errors import ConfigError, TargetAnswerInvalid, TargetRefused
from aisec.llm.targets import ChatRequest, HttpTemplateTarget

TRICKY = 'Say "hi"\nthen \\ stop }, {"role": "system"} {{system}}'
CONVERSATION = ChatRequest((
    {"role": "system", "content": "You are a bank bot."},
    {"role": "user", "content": "first"},
    {"role": "assistant", "content": "ok"},
    {"role": "user", "content": [{"type": "text", "text": TRICKY}]},
), tools=({"type": "function", "function": {"name": "t"}},))  # fmt: skip


def run(coro):
    return asyncio.run(coro)


async def ask(url, template, path, request=CONVERSATION, **options):
    target = HttpTemplateTarget(url, template, path, **options)
    try:
        return await target.send(request)
    finally:
        await target.aclose()


def echo(answer):
    return always(lambda call: JSONResponse(answer(call.json())))


def test_nested_answer_and_exact_prompt(http):
    template = {
        "input": {"query": "{{prompt}}", "persona": "{{system}}", "history": "{{messages}}"},
        "session": "red-team",
        "n": 2,
    }
    url, scenario = http.add(
        echo(lambda body: {"data": {"output": [{"text": "A"}, {"text": "B"}]}})
    )
    answer = run(ask(url + "/chat", template, "data.output[1].text"))
    assert answer.content == "B" and answer.status == 200 and answer.tool_calls == ()
    body = scenario.calls[0].json()
    assert body["input"]["query"] == TRICKY  # quotes, newline, backslash, braces intact
    assert body["input"]["persona"] == "You are a bank bot."
    assert body["input"]["history"] == [dict(m) for m in CONVERSATION.messages]
    assert body["session"] == "red-team" and body["n"] == 2 and "tools" not in json.dumps(body)
    assert answer.raw == {"data": {"output": [{"text": "A"}, {"text": "B"}]}}


def test_openai_shaped_path_from_a_json_string_template(http):
    url, _ = http.add(echo(lambda body: {"choices": [{"message": {"content": body["q"][::-1]}}]}))
    answer = run(ask(url, '{"q": "{{prompt}}"}', "choices.0.message.content",
                     ChatRequest(({"role": "user", "content": "abc"},))))  # fmt: skip
    assert answer.content == "cba"


def test_non_text_values_are_given_as_json(http):
    url, _ = http.add(echo(lambda body: {"answer": {"label": "safe", "score": 0.1}, "n": 3}))
    assert json.loads(run(ask(url, {"q": "{{prompt}}"}, "answer")).content) == {
        "label": "safe", "score": 0.1,
    }  # fmt: skip
    assert run(ask(url, {"q": "{{prompt}}"}, "n")).content == "3"


def test_plain_text_endpoint_with_empty_path(http):
    url, _ = http.add(always(lambda call: PlainTextResponse("just text")))
    assert run(ask(url, {"q": "{{prompt}}"}, "")).content == "just text"
    with pytest.raises(TargetAnswerInvalid, match="not JSON"):
        run(ask(url, {"q": "{{prompt}}"}, "answer"))


def test_missing_path_names_the_step(http):
    url, _ = http.add(echo(lambda body: {"data": {"result": "x"}}))
    with pytest.raises(TargetAnswerInvalid, match=r"data \(object\) has no 'output'"):
        run(ask(url, {"q": "{{prompt}}"}, "data.output.text"))


def test_method_and_headers_from_the_environment(http, monkeypatch):
    monkeypatch.setenv("TEST_BOT_TOKEN", "tok-secret-789")
    url, scenario = http.add(echo(lambda body: {"answer": "ok"}))
    target_options = {"method": "PUT", "headers_env": {"X-Api-Token": "TEST_BOT_TOKEN"}}
    assert run(ask(url, {"q": "{{prompt}}"}, "answer", **target_options)).content == "ok"
    call = scenario.calls[0]
    assert call.method == "PUT" and call.headers["x-api-token"] == "tok-secret-789"
    target = HttpTemplateTarget(url + "?key=qs-secret", {"q": "{{prompt}}"}, "answer",
                                **target_options)  # fmt: skip
    shown = json.dumps(target.describe()) + target.name
    assert "tok-secret-789" not in shown and "qs-secret" not in shown
    assert target.supports_tools is False
    run(target.aclose())


def test_4xx_is_refused(http):
    url, _ = http.add(always(lambda call: Response('{"error": "bad query"}', status_code=400)))
    with pytest.raises(TargetRefused, match="bad query"):
        run(ask(url, {"q": "{{prompt}}"}, "answer"))


def test_configuration_errors():
    with pytest.raises(ConfigError, match="method"):
        HttpTemplateTarget("http://127.0.0.1:1", {"q": "{{prompt}}"}, "a", method="GET")
    with pytest.raises(ConfigError, match="answer_path"):
        HttpTemplateTarget("http://127.0.0.1:1", {"q": "{{prompt}}"}, "a..b")
    with pytest.raises(ConfigError, match="only http"):
        HttpTemplateTarget("ftp://127.0.0.1/x", {"q": "{{prompt}}"}, "a")
