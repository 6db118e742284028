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


# Keys whose values are not text a model reads or writes (names, enums, media): every
# other string in a request or an answer is scanned, and rewritten when redacting, so
# that what the detectors judge is exactly what goes upstream or back to the client.
_NOT_TEXT = frozenset({
    "model", "role", "type", "id", "object", "finish_reason", "index", "stream", "detail",
    "format", "image_url", "input_audio", "file", "logit_bias", "response_format",
    "created", "system_fingerprint", "usage", "encoding_format",
})  # fmt: skip
MAX_DEPTH = 64


def prompt_text(body: object) -> str:
    """Every text the request sends to the model (messages, parts of any kind, tool calls
    and their arguments, tools' descriptions, a completions prompt), blank-line separated."""
    if not isinstance(body, Mapping):
        raise ProtocolError("a chat request must be a JSON object")
    if "messages" in body:
        messages = body["messages"]
        if not isinstance(messages, list) or not messages or len(messages) > MAX_MESSAGES:
            raise ProtocolError(f"'messages' must be a list of 1 to {MAX_MESSAGES} messages")
        if not all(isinstance(m, Mapping) for m in messages):
            raise ProtocolError("every message must be an object with a role and content")
    elif not isinstance(body.get("prompt"), str | list):
        raise ProtocolError("a chat request needs 'messages' (or a completions 'prompt')")
    texts: list[str] = []
    _strings(body, texts, 0)
    return "\n\n".join(texts)


def _strings(value: object, out: list[str], depth: int) -> None:
    if depth > MAX_DEPTH:
        raise ProtocolError("the request is nested too deeply")
    if isinstance(value, str):
        out.append(value)
    elif isinstance(value, Mapping):
        for key, item in value.items():
            if key not in _NOT_TEXT:
                _strings(item, out, depth + 1)
    elif isinstance(value, list):
        for item in value:
            _strings(item, out, depth + 1)


def _rewrite(value: Any, change: Callable[[str], str]) -> Any:
    if isinstance(value, str):
        return change(value)
    if isinstance(value, Mapping):
        return {k: v if k in _NOT_TEXT else _rewrite(v, change) for k, v in value.items()}
    if isinstance(value, list):
        return [_rewrite(item, change) for item in value]
    return value


def rewrite_prompt(body: Mapping[str, Any], change: Callable[[str], str]) -> dict[str, Any]:
    """A copy of the request with ``change`` applied to every text :func:`prompt_text`
    reads."""
    rewritten: dict[str, Any] = _rewrite(body, change)
    return rewritten


def answer_text(body: object) -> str | None:
    """Every text of a non-streamed answer's choices (content, tool calls, reasoning,
    log-probability tokens); None when it has no choices."""
    if not isinstance(body, Mapping) or not isinstance(body.get("choices"), list):
        return None
    texts: list[str] = []
    try:
        _strings(body["choices"], texts, 0)
    except ProtocolError:
        return None
    return "\n".join(texts)


def rewrite_answer(body: Mapping[str, Any], change: Callable[[str], str]) -> dict[str, Any]:
    """The answer with ``change`` applied to its choices' texts; log-probabilities are
    dropped, as a value split over tokens cannot be rewritten token by token."""
    out = dict(body)
    choices = []
    for choice in body.get("choices", []):
        kept = (
            {k: v for k, v in choice.items() if k != "logprobs"}
            if isinstance(choice, Mapping)
            else choice
        )
        choices.append(_rewrite(kept, change))
    out["choices"] = choices
    return out


@dataclass
class StreamReader:
    """Collects the answer text of a server-sent-event stream as its bytes pass through,
    without holding them back: events are parsed once a full line has arrived."""

    text: list[str] = field(default_factory=list)
    _pending: bytes = b""
    _kept: int = 0
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
        pieces: list[str] = []
        try:
            _strings(event.get("choices", []) if isinstance(event, Mapping) else [], pieces, 0)
        except ProtocolError:
            return
        for piece in pieces:
            if self._kept < self.limit:
                self.text.append(piece)
                self._kept += len(piece)

    def answer(self) -> str:
        if self._pending:
            self._line(self._pending.rstrip(b"\r"))
            self._pending = b""
        return "".join(self.text)
