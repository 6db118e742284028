"""The conversation a request carries, read leniently: the Python API takes any list, so
anything that is not a message, a role or text is skipped rather than refused (the server
refuses malformed requests before they get here)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

MAX_TEXT = 32_000  # characters of one message that the rules read
MAX_TURNS = 64  # most recent messages that the rules read


@dataclass(frozen=True)
class ToolResult:
    name: str
    text: str


@dataclass(frozen=True)
class Conversation:
    user_turns: tuple[str, ...]  # every user message read, oldest first
    last_role: str
    tool_results: tuple[ToolResult, ...]  # answers to the latest tool calls, when last
    previous_assistant: str  # the assistant message just before the latest user turn
    size: int  # characters of every text in the request, for the token count

    @property
    def latest(self) -> str:
        return self.user_turns[-1] if self.user_turns else ""

    @property
    def earlier(self) -> tuple[str, ...]:
        return self.user_turns[:-1] if self.last_role == "user" else self.user_turns


def text_of(content: object) -> str:
    """The text of a message's content: a string, or the text parts of a list of parts."""
    if isinstance(content, str):
        return content[:MAX_TEXT]
    if isinstance(content, Sequence) and not isinstance(content, bytes | bytearray):
        pieces = [
            part["text"]
            for part in content[:MAX_TURNS]
            if isinstance(part, Mapping) and isinstance(part.get("text"), str)
        ]
        return "\n".join(pieces)[:MAX_TEXT]
    return ""


def _call_names(message: Mapping[object, object]) -> dict[str, str]:
    calls = message.get("tool_calls")
    names: dict[str, str] = {}
    if isinstance(calls, Sequence) and not isinstance(calls, str):
        for call in calls:
            function = call.get("function") if isinstance(call, Mapping) else None
            if isinstance(function, Mapping) and isinstance(call, Mapping):
                names[str(call.get("id"))] = str(function.get("name", ""))
    return names


def read(messages: object) -> Conversation:
    items = list(messages)[-MAX_TURNS:] if isinstance(messages, Sequence) else []
    kept = [m for m in items if isinstance(m, Mapping) and isinstance(m.get("role"), str)]
    users: list[str] = []
    tool_results: list[ToolResult] = []
    names: dict[str, str] = {}
    previous_assistant = last_assistant = ""
    size = 0
    for message in kept:
        role, text = str(message["role"]), text_of(message.get("content"))
        size += len(text)
        if role == "user":
            users.append(text)
            previous_assistant, tool_results = last_assistant, []
        elif role == "assistant":
            last_assistant, tool_results = text, []
            names = _call_names(message)
            size += sum(len(n) for n in names.values())
        elif role in ("tool", "function"):
            name = names.get(str(message.get("tool_call_id")), str(message.get("name") or ""))
            tool_results.append(ToolResult(name, text))
    last_role = str(kept[-1]["role"]) if kept else ""
    if last_role not in ("tool", "function"):
        tool_results = []
    return Conversation(tuple(users), last_role, tuple(tool_results), previous_assistant, size)
