"""What the simulated application answers: text or tool calls, with OpenAI's finish
reasons, token counts and (for debugging and tests only) the rules that decided it."""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, field
from typing import Any

CHARS_PER_TOKEN = 4  # the usual rule of thumb for English text and BPE tokenisers
# Every refusal starts so: the most common refusal wording of chat models, which any
# refusal detector knows.
REFUSAL_PREFIX = "I'm sorry, but I can't"


def tokens(chars: int) -> int:
    """A deterministic token estimate: a token per 4 characters, rounded up."""
    return math.ceil(chars / CHARS_PER_TOKEN)


@dataclass(frozen=True)
class ToolCall:
    id: str
    name: str
    arguments: dict[str, Any]

    def arguments_json(self) -> str:
        return json.dumps(self.arguments, ensure_ascii=False, sort_keys=True)


def call_id(context: str, name: str, index: int) -> str:
    """An id that depends only on what led to the call, so the same conversation gets the
    same id (OpenAI's are random; clients only echo them back)."""
    digest = hashlib.sha256(f"{context}\x00{name}\x00{index}".encode()).hexdigest()
    return f"call_{digest[:24]}"


@dataclass(frozen=True)
class Reply:
    content: str | None
    tool_calls: tuple[ToolCall, ...]
    finish_reason: str
    prompt_tokens: int
    completion_tokens: int
    reasons: tuple[str, ...] = field(default=())

    @property
    def refused(self) -> bool:
        """Whether the answer is one of the application's refusals."""
        return self.content is not None and self.content.startswith(REFUSAL_PREFIX)
