"""CallableTarget: plain and async functions, their answers, and named functions."""

from __future__ import annotations

import asyncio
import json
import threading

import pytest

from aisec.core.errors import ConfigError, TargetAnswerInvalid, TargetUnavailable
from aisec.llm.targets import CallableTarget, ChatRequest

REQUEST = ChatRequest(({"role": "user", "content": "ping"},),
                      ({"type": "function", "function": {"name": "lookup"}},))  # fmt: skip


def run(coro):
    return asyncio.run(coro)


def test_sync_function_runs_in_a_worker_thread():
    seen = {}

    def bot(messages, tools):
        seen["thread"] = threading.current_thread()
        seen["args"] = (messages, tools)
        messages.append({"role": "user", "content": "changed"})  # must not reach the caller
        return "pong"

    answer = run(CallableTarget(bot).send(REQUEST))
    assert (answer.content, answer.finish_reason, answer.tool_calls) == ("pong", "stop", ())
    assert seen["thread"] is not threading.main_thread()
    assert seen["args"][0][0] == {"role": "user", "content": "ping"}
    assert seen["args"][1] == [{"type": "function", "function": {"name": "lookup"}}]
    assert len(REQUEST.messages) == 1


def test_async_function_with_tool_calls_and_usage():
    async def agent(messages, tools):
        await asyncio.sleep(0)
        return {"content": None, "usage": {"prompt_tokens": 4, "completion_tokens": 2},
                "tool_calls": [
                    {"id": "c1", "type": "function",
                     "function": {"name": "lookup", "arguments": '{"q": 1}'}},
                    {"name": "send_mail", "arguments": {"to": "x@y.z"}},  # the flat form
                ]}  # fmt: skip

    answer = run(CallableTarget(agent, name="agent").send(REQUEST))
    assert answer.content == "" and answer.finish_reason == "tool_calls"
    assert (answer.prompt_tokens, answer.completion_tokens) == (4, 2)
    assert [(c.id, c.name, json.loads(c.arguments)) for c in answer.tool_calls] == [
        ("c1", "lookup", {"q": 1}), ("call_1", "send_mail", {"to": "x@y.z"}),
    ]  # fmt: skip


def test_sync_function_returning_an_awaitable():
    async def later():
        return {
            "content": [{"type": "text", "text": "part one, "}, {"type": "text", "text": "two"}]
        }

    answer = run(CallableTarget(lambda messages, tools: later()).send(REQUEST))
    assert answer.content == "part one, two"


def test_without_tool_support_no_tools_are_passed():
    target = CallableTarget(lambda messages, tools: str(len(tools)), supports_tools=False)
    assert run(target.send(REQUEST)).content == "0" and not target.supports_tools


def test_failures_are_target_errors():
    def broken(messages, tools):
        raise RuntimeError("model crashed")

    with pytest.raises(TargetUnavailable, match="model crashed") as caught:
        run(CallableTarget(broken).send(REQUEST))
    assert caught.value.retryable is False

    def busy(messages, tools):
        raise TargetUnavailable("busy, try again")

    with pytest.raises(TargetUnavailable) as caught:
        run(CallableTarget(busy).send(REQUEST))
    assert caught.value.retryable is True

    with pytest.raises(TargetAnswerInvalid, match="answered int"):
        run(CallableTarget(lambda m, t: 42).send(REQUEST))
    with pytest.raises(TargetAnswerInvalid, match="tool_calls"):
        run(CallableTarget(lambda m, t: {"tool_calls": "x"}).send(REQUEST))


def test_named_by_file_and_function(tmp_path):
    source = tmp_path / "my_bot.py"
    source.write_text("def reply(messages, tools):\n    return 'from file: ' + "
                      "messages[-1]['content']\n")  # fmt: skip
    target = CallableTarget(f"{source}:reply")
    assert run(target.send(REQUEST)).content == "from file: ping"
    described = target.describe()
    assert described["callable"] == f"{source}:reply" and len(described["sha256"]) == 64
    with pytest.raises(ConfigError):
        CallableTarget(f"{source}:missing")
    with pytest.raises(ConfigError):
        CallableTarget("no_colon_here")
