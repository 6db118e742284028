"""The OpenAI chat-completions wire format of the simulator's server: the request it
accepts, the answer it returns whole or as server-sent-event chunks, and the error body.

Requests are checked as OpenAI checks them, so that a client that works here works
there: a malformed one is a 400 naming the parameter at fault.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from aisec.llm.simulator.reply import Reply

MAX_MESSAGES = 2_048
ROLES = frozenset({"system", "developer", "user", "assistant", "tool", "function"})
_PIECE = re.compile(r"\S{1,32}\s*|\s+")  # about a word per streamed chunk, as models send


class RequestError(Exception):
    def __init__(self, message: str, param: str | None = None, status: int = 400) -> None:
        super().__init__(message)
        self.message, self.param, self.status = message, param, status


def error_body(message: str, kind: str, param: str | None = None,
               code: str | None = None) -> dict[str, Any]:  # fmt: skip
    return {"error": {"message": message, "type": kind, "param": param, "code": code}}


@dataclass(frozen=True)
class ChatRequest:
    model: str | None
    messages: list[dict[str, Any]]
    tools: list[dict[str, Any]] | None
    max_tokens: int | None
    stream: bool
    include_usage: bool


def _positive(body: Mapping[str, Any], name: str) -> int | None:
    value = body.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise RequestError(f"'{name}' must be a positive integer", name)
    return value


def _messages(value: object) -> list[dict[str, Any]]:
    if not isinstance(value, list) or not value or len(value) > MAX_MESSAGES:
        raise RequestError(f"'messages' must be a list of 1 to {MAX_MESSAGES} messages", "messages")
    for index, message in enumerate(value):
        where = f"messages[{index}]"
        if not isinstance(message, dict) or message.get("role") not in ROLES:
            raise RequestError(f"{where} needs a role, one of {sorted(ROLES)}", where)
        if not isinstance(message.get("content"), str | list | None):
            raise RequestError(f"{where}.content must be a string or a list of parts", where)
    return value


def _tools(body: Mapping[str, Any]) -> list[dict[str, Any]] | None:
    tools = body.get("tools")
    if tools is None or body.get("tool_choice") == "none":
        return None
    ok = isinstance(tools, list) and all(
        isinstance(t, dict)
        and isinstance(t.get("function"), dict)
        and isinstance(t["function"].get("name"), str)
        for t in tools
    )
    if not ok:
        raise RequestError("'tools' must be a list of {type: function, function: {name}}", "tools")
    checked: list[dict[str, Any]] = tools
    return checked


def parse_request(raw: bytes) -> ChatRequest:
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise RequestError("the request body is not valid JSON") from None
    except RecursionError:
        raise RequestError("the request body is nested too deeply") from None
    if not isinstance(body, dict):
        raise RequestError("the request body must be a JSON object")
    stream = body.get("stream", False)
    if not isinstance(stream, bool | None):
        raise RequestError("'stream' must be a boolean", "stream")
    options = body.get("stream_options")
    model = body.get("model")
    return ChatRequest(
        model=model if isinstance(model, str) else None,
        messages=_messages(body.get("messages")),
        tools=_tools(body),
        max_tokens=_positive(body, "max_completion_tokens") or _positive(body, "max_tokens"),
        stream=bool(stream),
        include_usage=isinstance(options, dict) and options.get("include_usage") is True,
    )


def usage(reply: Reply) -> dict[str, int]:
    total = reply.prompt_tokens + reply.completion_tokens
    return {"prompt_tokens": reply.prompt_tokens, "completion_tokens": reply.completion_tokens,
            "total_tokens": total}  # fmt: skip


def _calls(reply: Reply) -> list[dict[str, Any]]:
    return [
        {
            "id": c.id,
            "type": "function",
            "function": {"name": c.name, "arguments": c.arguments_json()},
        }
        for c in reply.tool_calls
    ]


def completion(reply: Reply, head: dict[str, Any], debug: bool) -> dict[str, Any]:
    """The whole answer; ``head`` holds id, created, model and system_fingerprint."""
    message: dict[str, Any] = {"role": "assistant", "content": reply.content, "refusal": None}
    if reply.tool_calls:
        message["tool_calls"] = _calls(reply)
    body = {**head, "object": "chat.completion", "usage": usage(reply), "choices": [
        {"index": 0, "message": message, "logprobs": None, "finish_reason": reply.finish_reason}
    ]}  # fmt: skip
    if debug:
        body["aisec_debug"] = {"reasons": list(reply.reasons)}
    return body


def _deltas(reply: Reply) -> Iterator[dict[str, Any]]:
    if reply.tool_calls:
        yield {"role": "assistant", "content": None}
        for index, call in enumerate(reply.tool_calls):
            yield {"tool_calls": [{"index": index, "id": call.id, "type": "function",
                                   "function": {"name": call.name, "arguments": ""}}]}  # fmt: skip
            arguments = call.arguments_json()
            for start in range(0, len(arguments), 16):
                piece = arguments[start : start + 16]
                yield {"tool_calls": [{"index": index, "function": {"arguments": piece}}]}
        return
    yield {"role": "assistant", "content": ""}
    for piece in _PIECE.findall(reply.content or ""):
        yield {"content": piece}


def chunks(reply: Reply, head: dict[str, Any], include_usage: bool,
           debug: bool) -> Iterator[dict[str, Any]]:  # fmt: skip
    """The answer as OpenAI streams it: the role, the content (or each tool call's name,
    then its arguments in pieces), the finish reason, then the usage when asked for."""
    base = {**head, "object": "chat.completion.chunk"}
    extra = {"usage": None} if include_usage else {}
    for delta in _deltas(reply):
        choice = {"index": 0, "delta": delta, "logprobs": None, "finish_reason": None}
        yield {**base, **extra, "choices": [choice]}
    last = {"index": 0, "delta": {}, "logprobs": None, "finish_reason": reply.finish_reason}
    final: dict[str, Any] = {**base, **extra, "choices": [last]}
    if debug:
        final["aisec_debug"] = {"reasons": list(reply.reasons)}
    yield final
    if include_usage:
        yield {**base, "choices": [], "usage": usage(reply)}
