"""Reading OpenAI's streamed chat completions (server-sent events) into one answer.

Content arrives in pieces; each tool call arrives as pieces keyed by ``index`` (its id
and name first, then its arguments a few characters at a time); the usage comes in a
last chunk with no choices when ``stream_options.include_usage`` was asked for. Only the
first choice is read, as only one is requested.

The bytes are cut into lines by :class:`LineSplitter`, which looks for line ends only in
the bytes just received (so that a server dripping a long line byte by byte costs linear
time) and refuses a line longer than :data:`MAX_LINE_BYTES`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from aisec.core.errors import TargetAnswerInvalid, TargetUnavailable
from aisec.llm.targets.base import ToolCallOut, decode_json, token_count
from aisec.llm.targets.redaction import Redactor

MAX_TOOL_CALLS = 128  # far above any real turn; bounds what a hostile stream can make us hold
MAX_LINE_BYTES = 1024 * 1024  # one event line; a real chunk is a few hundred bytes


class LineSplitter:
    """Bytes as they arrive, out as whole lines (without their line ending)."""

    def __init__(self, cap: int = MAX_LINE_BYTES) -> None:
        self.cap = cap
        self.pending = bytearray()

    def feed(self, chunk: bytes) -> list[str]:
        lines, start = [], 0
        while (end := chunk.find(b"\n", start)) >= 0:
            self.pending += chunk[start:end]
            lines.append(self._line())
            start = end + 1
        self.pending += chunk[start:]
        self._check()
        return lines

    def rest(self) -> str | None:
        """What is left after the last line end, if anything."""
        return self._line() if self.pending else None

    def _line(self) -> str:
        self._check()
        line = bytes(self.pending).rstrip(b"\r").decode("utf-8", errors="replace")
        self.pending.clear()
        return line

    def _check(self) -> None:
        if len(self.pending) > self.cap:
            raise TargetAnswerInvalid(f"the stream holds a line longer than {self.cap} bytes")


@dataclass
class _Call:
    id: str = ""
    name: str = ""
    arguments: list[str] = field(default_factory=list)


class StreamAssembler:
    """Feed it the stream's lines; it keeps what the answer is so far."""

    def __init__(self, redactor: Redactor | None = None) -> None:
        self.redactor = redactor or Redactor(())
        self.content: list[str] = []
        self.calls: dict[int, _Call] = {}
        self.finish_reason: str | None = None
        self.usage: Mapping[str, Any] | None = None
        self.done = False
        self.chunks = 0
        self._data: list[str] = []

    def feed_line(self, line: str) -> None:
        """One line of the event stream, without its line ending."""
        if line == "":
            self._dispatch()
        elif line.startswith("data:"):
            value = line[5:]
            self._data.append(value[1:] if value.startswith(" ") else value)
        # Comments (":"), "event:", "id:" and "retry:" lines carry nothing we use.

    def finish(self) -> None:
        self._dispatch()  # a last event without its blank line

    def _dispatch(self) -> None:
        if not self._data:
            return
        data, self._data = "\n".join(self._data), []
        if data.strip() == "[DONE]":
            self.done = True
            return
        try:
            chunk = decode_json(data, "a stream event")
        except ValueError:
            raise TargetAnswerInvalid("the stream holds an event that is not JSON") from None
        if not isinstance(chunk, Mapping):
            raise TargetAnswerInvalid("the stream holds an event that is not a JSON object")
        self._chunk(chunk)

    def _chunk(self, chunk: Mapping[str, Any]) -> None:
        self.chunks += 1
        if chunk.get("error"):
            error = chunk["error"]
            message = error.get("message") if isinstance(error, Mapping) else error
            detail = self.redactor.cut(" ".join(str(message).split()), 300)
            raise TargetUnavailable(f"the stream ended with an error: {detail}")
        if isinstance(chunk.get("usage"), Mapping):
            self.usage = chunk["usage"]
        choices = chunk.get("choices")
        if not isinstance(choices, list):
            return
        for choice in choices:
            if isinstance(choice, Mapping) and choice.get("index", 0) == 0:
                self._choice(choice)

    def _choice(self, choice: Mapping[str, Any]) -> None:
        if isinstance(choice.get("finish_reason"), str):
            self.finish_reason = choice["finish_reason"]
        delta = choice.get("delta")
        if not isinstance(delta, Mapping):
            return
        if isinstance(delta.get("content"), str):
            self.content.append(delta["content"])
        for piece in delta.get("tool_calls") or ():
            if isinstance(piece, Mapping):
                self._tool_piece(piece)

    def _tool_piece(self, piece: Mapping[str, Any]) -> None:
        index = piece.get("index")
        if not isinstance(index, int):
            # Some servers leave the index out: a new id opens a call, else the last goes on.
            known = {c.id for c in self.calls.values()}
            new = piece.get("id") and piece.get("id") not in known
            index = len(self.calls) if new or not self.calls else max(self.calls)
        if index not in self.calls and len(self.calls) >= MAX_TOOL_CALLS:
            raise TargetAnswerInvalid(f"the stream opens more than {MAX_TOOL_CALLS} tool calls")
        call = self.calls.setdefault(index, _Call())
        if isinstance(piece.get("id"), str) and piece["id"]:
            call.id = piece["id"]
        function = piece.get("function")
        if isinstance(function, Mapping):
            name = function.get("name")
            # The name comes once from OpenAI; some servers repeat it in every piece.
            if isinstance(name, str) and name != call.name:
                call.name += name
            if isinstance(function.get("arguments"), str):
                call.arguments.append(function["arguments"])

    def tool_calls(self) -> tuple[ToolCallOut, ...]:
        return tuple(
            ToolCallOut(call.id or f"call_{index}", call.name, "".join(call.arguments))
            for index, call in sorted(self.calls.items())
        )

    def tokens(self) -> tuple[int | None, int | None]:
        usage = self.usage or {}
        return token_count(usage.get("prompt_tokens")), token_count(usage.get("completion_tokens"))
