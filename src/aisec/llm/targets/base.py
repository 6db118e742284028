"""What passes between the red-team runner and a target: a conversation out, an answer
back, and the protocol every target follows.

Messages and tools are OpenAI's dicts because every LLM API and harness already speaks
them; a target that is not OpenAI-shaped translates at its own edge. Targets send once
and raise :class:`~aisec.core.errors.TargetError` subclasses; retries, rate limits,
budgets and the cache belong to :class:`~aisec.llm.targets.policy.Guarded`, so that
each target stays a thin adapter.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from aisec.core.errors import TargetAnswerInvalid

# A decoded answer kept for transcripts; beyond this it is replaced by a preview, since
# a hostile target may answer megabytes and transcripts are kept and shared.
RAW_CAP = 64 * 1024
# Far deeper than any real answer (a chat completion nests 6 levels); bounds every
# recursive walk of an answer (redaction, the cache, transcripts, reports).
MAX_JSON_DEPTH = 128
_SURROGATE = re.compile("[\ud800-\udfff]")


def canonical_json(value: Any) -> str:
    """One spelling per value, so equal requests hash equal across runs and machines."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


@dataclass(frozen=True)
class ChatRequest:
    """A conversation to send. Lists are accepted and stored as tuples."""

    messages: tuple[Mapping[str, Any], ...]
    tools: tuple[Mapping[str, Any], ...] = ()
    max_tokens: int | None = None

    def __post_init__(self) -> None:
        # A prompt is cleaned here, at the edge: a lone surrogate (a hostile answer quoted
        # in the next turn) could be neither sent, hashed, cached nor recorded.
        for name in ("messages", "tools"):
            items = tuple(getattr(self, name))
            if any(_dirty(item) for item in items):
                items = tuple(clean(item) for item in items)
            object.__setattr__(self, name, items)

    def as_json(self) -> dict[str, Any]:
        return {
            "messages": [dict(m) for m in self.messages],
            "tools": [dict(t) for t in self.tools],
            "max_tokens": self.max_tokens,
        }

    def key(self) -> str:
        """A stable SHA-256 of the request, the response cache's key."""
        return hashlib.sha256(canonical_json(self.as_json()).encode()).hexdigest()

    def estimated_prompt_tokens(self) -> int:
        # Four characters a token is the usual rule of thumb for English; the budget
        # reconciles it with the usage the target reports.
        body = self.as_json()
        return math.ceil(len(canonical_json([body["messages"], body["tools"]])) / 4)


@dataclass(frozen=True)
class ToolCallOut:
    id: str
    name: str
    arguments: str  # the raw JSON text the model wrote, possibly invalid JSON


@dataclass(frozen=True)
class ChatAnswer:
    content: str
    tool_calls: tuple[ToolCallOut, ...] = ()
    finish_reason: str | None = None
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    status: int | None = None
    cached: bool = False
    seconds: float = 0.0
    raw: Mapping[str, Any] | None = field(default=None, compare=False)

    def estimated_completion_tokens(self) -> int:
        text = self.content + "".join(c.name + c.arguments for c in self.tool_calls)
        return math.ceil(len(text) / 4)

    def to_json(self) -> dict[str, Any]:
        return {
            "content": self.content,
            "tool_calls": [
                {"id": c.id, "name": c.name, "arguments": c.arguments} for c in self.tool_calls
            ],
            "finish_reason": self.finish_reason,
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "status": self.status,
            "seconds": self.seconds,
            "raw": self.raw,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any], *, cached: bool = False) -> ChatAnswer:
        calls = tuple(
            ToolCallOut(str(c["id"]), str(c["name"]), str(c["arguments"]))
            for c in data.get("tool_calls") or ()
        )
        return cls(
            content=str(data.get("content") or ""),
            tool_calls=calls,
            finish_reason=data.get("finish_reason"),
            prompt_tokens=data.get("prompt_tokens"),
            completion_tokens=data.get("completion_tokens"),
            status=data.get("status"),
            cached=cached,
            seconds=0.0 if cached else float(data.get("seconds") or 0.0),
            raw=data.get("raw"),
        )


@runtime_checkable
class Target(Protocol):
    name: str  # for reports: never a secret, never a query string
    supports_tools: bool

    def describe(self) -> dict[str, Any]: ...

    async def send(self, request: ChatRequest) -> ChatAnswer: ...

    async def aclose(self) -> None: ...


def capped_raw(value: Any) -> Mapping[str, Any] | None:
    """``value`` as transcripts keep it: a mapping, at most :data:`RAW_CAP` characters."""
    if value is None:
        return None
    if too_deep(value):
        return {"truncated": True, "preview": f"(nested deeper than {MAX_JSON_DEPTH} levels)"}
    text = canonical_json(value)
    if len(text) <= RAW_CAP and isinstance(value, Mapping):
        return value
    return {"truncated": len(text) > RAW_CAP, "preview": text[:RAW_CAP]}


def text_of(content: Any) -> str:
    """The text of a message's content: a string, or OpenAI's list of content parts."""
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, Iterable) and not isinstance(content, Mapping):
        parts = [p.get("text") for p in content if isinstance(p, Mapping)]
        return "".join(p for p in parts if isinstance(p, str))
    return str(content)


def tool_call_out(call: Mapping[str, Any], index: int) -> ToolCallOut:
    """An OpenAI tool call (``{"id", "function": {"name", "arguments"}}``, or the flat
    ``{"name", "arguments"}`` a Python target may answer) as a :class:`ToolCallOut`."""
    function = call.get("function")
    if not isinstance(function, Mapping):
        function = call
    arguments = function.get("arguments", "")
    if not isinstance(arguments, str):  # some servers send the object, not its JSON text
        arguments = canonical_json(arguments)
    name = function.get("name")
    return ToolCallOut(str(call.get("id") or f"call_{index}"), str(name or ""), arguments)


def token_count(value: Any) -> int | None:
    """A usage count as reported, or None when the value is not a count."""
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def clean_text(text: str) -> str:
    """``text`` that encodes as UTF-8: a lone surrogate (which a JSON ``"\\ud800"`` decodes
    to) becomes U+FFFD, and a pair split across two strings is joined."""
    if _SURROGATE.search(text) is None:
        return text
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def clean(value: Any) -> Any:
    """JSON data with every string (keys too) passed through :func:`clean_text`. The
    caller bounds the depth (see :func:`too_deep`)."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, Mapping):
        return {clean_text(k) if isinstance(k, str) else k: clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean(v) for v in value]
    return value


def _dirty(value: Any) -> bool:
    if isinstance(value, str):
        return _SURROGATE.search(value) is not None
    if isinstance(value, Mapping):
        return any(_dirty(k) or _dirty(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_dirty(v) for v in value)
    return False


def too_deep(value: Any, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether ``value`` nests lists and mappings deeper than ``limit``; walked without
    recursion, and a cycle counts as too deep."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, Mapping):
            children: Iterable[Any] = item.values()
        elif isinstance(item, list | tuple):
            children = item
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


def decode_json(data: str | bytes, what: str) -> Any:
    """JSON a target sent, cleaned (:func:`clean_text`). Raises ``ValueError`` when it is
    not JSON and :class:`TargetAnswerInvalid` when it nests deeper than
    :data:`MAX_JSON_DEPTH`, which the JSON decoder would meet as a ``RecursionError``."""
    try:
        value = json.loads(data)
    except RecursionError:
        value = None
        deep = True
    else:
        deep = too_deep(value)
    if deep:
        raise TargetAnswerInvalid(f"{what} nests deeper than {MAX_JSON_DEPTH} levels")
    return clean(value) if _dirty(value) else value
