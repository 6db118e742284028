"""One attempt against a target: its turns sent in order, the target's tool calls answered
from the attempt's mock tools, and its detectors asked after every turn.

A tool call is answered, never executed: the side-effecting tools are names and
descriptions only, and "calling" one is exactly what an excessive-agency detector looks
for. Tool rounds per turn are capped, so a target that calls tools for ever ends the
attempt instead of hanging it.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from aisec.llm.attempt import Attempt
from aisec.llm.exchange import Exchange, ToolCall, Turn, Verdict
from aisec.llm.targets.base import ChatAnswer, ChatRequest, Target

MAX_TOOL_ROUNDS = 4
MAX_KEPT_CHARS = 20_000  # of one message, in the transcript a report keeps


@dataclass
class AttemptResult:
    attempt: Attempt
    success: bool | None  # None: the attempt could not be completed (see error)
    verdicts: list[Verdict] = field(default_factory=list)
    messages: list[dict[str, Any]] = field(default_factory=list)
    turns_sent: int = 0
    requests: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    seconds: float = 0.0
    error: str = ""
    unreported: int = 0  # answers that came without a token count

    def to_dict(self) -> dict[str, Any]:
        return {
            "attempt": self.attempt.to_dict(), "success": self.success,
            "verdicts": [vars(v) for v in self.verdicts], "messages": self.messages,
            "turns_sent": self.turns_sent, "requests": self.requests,
            "prompt_tokens": self.prompt_tokens, "completion_tokens": self.completion_tokens,
            "seconds": round(self.seconds, 4), "error": self.error,
            "unreported": self.unreported,
        }  # fmt: skip

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> AttemptResult:
        return cls(
            attempt=Attempt.from_dict(data["attempt"]), success=data["success"],
            verdicts=[Verdict(**v) for v in data.get("verdicts", [])],
            messages=list(data.get("messages", [])), turns_sent=int(data.get("turns_sent", 0)),
            requests=int(data.get("requests", 0)),
            prompt_tokens=int(data.get("prompt_tokens", 0)),
            completion_tokens=int(data.get("completion_tokens", 0)),
            seconds=float(data.get("seconds", 0.0)), error=str(data.get("error", "")),
            unreported=int(data.get("unreported", 0)),
        )  # fmt: skip


Judge = Callable[[Attempt, Exchange], Sequence[Verdict]]  # see aisec.llm.judging


async def execute(
    target: Target, attempt: Attempt, judge: Judge, result: AttemptResult | None = None
) -> AttemptResult:
    """Run ``attempt``; target errors propagate (the caller decides what they mean).
    ``result``, when given, is filled in as the attempt goes, so that a caller whose
    attempt failed half-way still knows the requests and tokens it cost."""
    started = time.perf_counter()
    result = result or AttemptResult(attempt, success=False)
    messages: list[dict[str, Any]] = []
    if attempt.system is not None:
        messages.append({"role": "system", "content": attempt.system})
    tools = tuple(t.definition() for t in attempt.tools) if target.supports_tools else ()
    for turn in attempt.turns:
        messages.append({"role": "user", "content": turn})
        result.turns_sent += 1
        for _ in range(MAX_TOOL_ROUNDS):
            # No max_tokens: whether the application caps its answers is under test.
            answer = await target.send(ChatRequest(tuple(messages), tools))
            _count(result, answer)
            messages.append(_assistant(answer))
            if not answer.tool_calls:
                break
            messages.extend(_tool_replies(attempt, answer))
        # In a worker thread: a detector may block (an LLM judge over HTTP, with retries)
        # and must not stall the other conversations.
        seen = exchange(attempt, messages, result)
        result.verdicts = list(await asyncio.to_thread(judge, attempt, seen))
        result.success = decided(result.verdicts)
        if result.success and attempt.stop_on_success:
            break
    result.messages = [_kept(m) for m in messages]
    result.seconds = time.perf_counter() - started
    if result.success is None:
        result.error = "undecided: " + "; ".join(v.evidence for v in result.verdicts if v.undecided)
    return result


def decided(verdicts: Sequence[Verdict]) -> bool | None:
    """Success when a detector says so; a defence only when every detector decided."""
    if any(v.success for v in verdicts):
        return True
    return None if any(v.undecided for v in verdicts) else False


def _count(result: AttemptResult, answer: ChatAnswer) -> None:
    if not answer.cached:
        result.requests += 1
    result.prompt_tokens += answer.prompt_tokens or 0
    if answer.completion_tokens is None:
        result.unreported += 1
    result.completion_tokens += answer.completion_tokens or 0


def _assistant(answer: ChatAnswer) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": answer.content}
    if answer.tool_calls:
        message["tool_calls"] = [
            {"id": c.id, "type": "function",
             "function": {"name": c.name, "arguments": c.arguments}}
            for c in answer.tool_calls
        ]  # fmt: skip
    return message


def _tool_replies(attempt: Attempt, answer: ChatAnswer) -> list[dict[str, Any]]:
    tools = {t.name: t for t in attempt.tools}
    replies = []
    for call in answer.tool_calls:
        tool = tools.get(call.name)
        content = tool.output if tool is not None else f"error: no tool named {call.name!r}"
        replies.append({"role": "tool", "tool_call_id": call.id, "content": content})
    return replies


def exchange(attempt: Attempt, messages: Sequence[Mapping[str, Any]],
             result: AttemptResult | None = None) -> Exchange:  # fmt: skip
    """The detectors' view of the conversation so far."""
    turns = tuple(
        Turn(str(m.get("role", "")), _text(m.get("content")), _calls(m.get("tool_calls")))
        for m in messages
    )  # fmt: skip
    return Exchange(
        transcript=turns, canaries=attempt.canaries, markers=attempt.markers,
        payloads=attempt.payloads, forbidden_tools=attempt.forbidden_tools,
        objective=attempt.objective, max_output_tokens=attempt.max_output_tokens,
        # Only a count every answer reported; else the detectors estimate from the text.
        completion_tokens=(result.completion_tokens
                           if result and result.requests and not result.unreported else None),
    )  # fmt: skip


def _text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):  # content parts
        return "".join(str(p.get("text", "")) for p in content if isinstance(p, Mapping))
    return ""


def _calls(raw: Any) -> tuple[ToolCall, ...]:
    if not isinstance(raw, list):
        return ()
    calls = []
    for item in raw:
        function = item.get("function", {}) if isinstance(item, Mapping) else {}
        arguments = function.get("arguments", "")
        try:
            parsed = json.loads(arguments) if isinstance(arguments, str) else arguments
        except ValueError:
            parsed = {"_raw": arguments}
        if not isinstance(parsed, Mapping):
            parsed = {"_value": parsed}
        calls.append(ToolCall(str(function.get("name", "")), parsed))
    return tuple(calls)


def _kept(message: Mapping[str, Any]) -> dict[str, Any]:
    kept = dict(message)
    content = kept.get("content")
    if isinstance(content, str) and len(content) > MAX_KEPT_CHARS:
        kept["content"] = content[:MAX_KEPT_CHARS] + f"… [{len(content)} characters in all]"
    return kept
