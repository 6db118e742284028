"""OpenAI-compatible chat and completions: the text a request sends, the text an answer
(whole or streamed as server-sent events) returns, and rewriting both for redaction.

Only text is read: message ``content`` given as a string or as a list of ``{"type":
"text"}`` parts, and the legacy completions ``prompt``. Images and audio pass through
unexamined (and are named so in the audit record).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from aisec.runtime.protocols.tabular import ProtocolError

MAX_MESSAGES = 10_000


def prompt_text(body: object) -> str:
    """Every text the request sends to the model, messages separated by blank lines."""
    if not isinstance(body, Mapping):
        raise ProtocolError("a chat request must be a JSON object")
    if "messages" in body:
        messages = body["messages"]
        if not isinstance(messages, list) or not messages or len(messages) > MAX_MESSAGES:
            raise ProtocolError(f"'messages' must be a list of 1 to {MAX_MESSAGES} messages")
        return "\n\n".join(_content_text(m) for m in messages)
    prompt = body.get("prompt")
    if isinstance(prompt, str):
        return prompt
    if isinstance(prompt, list) and all(isinstance(p, str) for p in prompt):
        return "\n\n".join(prompt)
    raise ProtocolError("a chat request needs 'messages' (or a completions 'prompt')")


def _content_text(message: object) -> str:
    if not isinstance(message, Mapping):
        raise ProtocolError("every message must be an object with a role and content")
    content = message.get("content")
    if content is None or isinstance(content, str):
        return content or ""
    if isinstance(content, list):
        return "\n".join(
            str(part.get("text", ""))
            for part in content
            if isinstance(part, Mapping) and part.get("type") == "text"
        )
    raise ProtocolError("a message's content must be text or a list of parts")


def rewrite_prompt(body: Mapping[str, Any], change: Callable[[str], str]) -> dict[str, Any]:
    """A copy of the request with ``change`` applied to every text it sends."""
    out = dict(body)
    if isinstance(body.get("messages"), list):
        out["messages"] = [_rewrite_message(m, change) for m in body["messages"]]
    if isinstance(body.get("prompt"), str):
        out["prompt"] = change(body["prompt"])
    elif isinstance(body.get("prompt"), list):
        out["prompt"] = [change(p) if isinstance(p, str) else p for p in body["prompt"]]
    return out


def _rewrite_message(message: Any, change: Callable[[str], str]) -> Any:
    if not isinstance(message, Mapping):
        return message
    out = dict(message)
    content = message.get("content")
    if isinstance(content, str):
        out["content"] = change(content)
    elif isinstance(content, list):
        out["content"] = [
            {**part, "text": change(part["text"])}
            if isinstance(part, Mapping) and isinstance(part.get("text"), str)
            else part
            for part in content
        ]
    return out


def answer_text(body: object) -> str | None:
    """The answer of a non-streamed chat or completions response."""
    if not isinstance(body, Mapping) or not isinstance(body.get("choices"), list):
        return None
    texts = []
    for choice in body["choices"]:
        if not isinstance(choice, Mapping):
            continue
        message = choice.get("message")
        if isinstance(message, Mapping) and isinstance(message.get("content"), str):
            texts.append(message["content"])
        elif isinstance(choice.get("text"), str):
            texts.append(choice["text"])
    return "\n".join(texts)


def rewrite_answer(body: Mapping[str, Any], change: Callable[[str], str]) -> dict[str, Any]:
    out = dict(body)
    choices = []
    for original in body.get("choices", []):
        choice = dict(original) if isinstance(original, Mapping) else original
        if isinstance(choice, dict):
            message = choice.get("message")
            if isinstance(message, Mapping) and isinstance(message.get("content"), str):
                choice["message"] = {**message, "content": change(message["content"])}
            if isinstance(choice.get("text"), str):
                choice["text"] = change(choice["text"])
        choices.append(choice)
    out["choices"] = choices
    return out


@dataclass
class StreamReader:
    """Collects the answer text of a server-sent-event stream as its bytes pass through,
    without holding them back: events are parsed once a full line has arrived."""

    text: list[str] = field(default_factory=list)
    _pending: bytes = b""
    events: int = 0
    limit: int = 4 << 20  # most answer characters kept for the output detectors

    def feed(self, chunk: bytes) -> None:
        data = self._pending + chunk
        lines = data.split(b"\n")
        self._pending = lines.pop()
        if len(self._pending) > self.limit:  # a line that never ends is not SSE
            self._pending = b""
        for line in lines:
            self._line(line.rstrip(b"\r"))

    def _line(self, line: bytes) -> None:
        if not line.startswith(b"data:"):
            return
        payload = line[5:].strip()
        if not payload or payload == b"[DONE]":
            return
        self.events += 1
        try:
            event = json.loads(payload)
        except ValueError:
            return
        for choice in event.get("choices", []) if isinstance(event, Mapping) else []:
            if not isinstance(choice, Mapping):
                continue
            delta = choice.get("delta")
            piece = delta.get("content") if isinstance(delta, Mapping) else choice.get("text")
            if isinstance(piece, str) and sum(map(len, self.text)) < self.limit:
                self.text.append(piece)

    def answer(self) -> str:
        if self._pending:
            self._line(self._pending.rstrip(b"\r"))
            self._pending = b""
        return "".join(self.text)
