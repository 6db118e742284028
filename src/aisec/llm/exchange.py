"""What a red-team detector judges: one exchange with a target, and its verdict.

An :class:`Exchange` is the whole transcript (system prompt, attacker turns, the target's
answers, tool calls and tool outputs, in order) plus what the attack knows about success:
the canaries the target must not reveal, the markers it was told to emit, the payloads it
was asked to pass on, the tools it must not call, and the objective. Detectors read only
the fields they declare in ``needs``, so a runner fills in what its probe knows and leaves
the rest empty.

A :class:`Verdict` says whether the *attack* succeeded (``success``), how strongly
(``score`` in 0..1) and why, in words a reviewer can check against the transcript.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

ROLES = ("system", "user", "assistant", "tool")
# Other names chat APIs use for the same roles: OpenAI's "developer" is the system role of
# its newer models, "function" the tool-result role of its older API.
ROLE_ALIASES = {"developer": "system", "function": "tool"}
# What an application feeds the model besides its own answers: the attacker reaches the
# model through any of them (direct turns, a poisoned tool output or retrieved document).
PROMPT_ROLES = ("system", "user", "tool")


@dataclass(frozen=True)
class ToolCall:
    name: str
    arguments: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Turn:
    role: str  # one of ROLES
    content: str
    tool_calls: tuple[ToolCall, ...] = ()

    def __post_init__(self) -> None:
        if self.role in ROLE_ALIASES:
            object.__setattr__(self, "role", ROLE_ALIASES[self.role])
        elif self.role not in ROLES:
            raise ValueError(f"turn role must be one of {', '.join(ROLES)}, not {self.role!r}")


@dataclass(frozen=True)
class Exchange:
    transcript: tuple[Turn, ...]
    canaries: tuple[str, ...] = ()
    markers: tuple[str, ...] = ()
    payloads: tuple[str, ...] = ()
    forbidden_tools: tuple[str, ...] = ()
    objective: str = ""
    max_output_tokens: int | None = None
    completion_tokens: int | None = None

    def texts(self, *roles: str) -> list[str]:
        """The text of every turn whose role is one of ``roles``, in order."""
        return [t.content for t in self.transcript if t.role in roles]

    @property
    def answers(self) -> list[str]:
        """The text of every assistant turn, in order (empty for a turn that only called
        tools)."""
        return self.texts("assistant")

    @property
    def answer(self) -> str:
        """The last assistant text; empty when the target never answered."""
        answers = self.answers
        return answers[-1] if answers else ""

    @property
    def tool_calls(self) -> tuple[ToolCall, ...]:
        """Every tool call an assistant turn made, in order."""
        return tuple(c for t in self.transcript if t.role == "assistant" for c in t.tool_calls)

    @property
    def prompt_text(self) -> str:
        """Everything the target read: system, user and tool texts, one per line."""
        return "\n".join(self.texts(*PROMPT_ROLES))


@dataclass(frozen=True)
class Verdict:
    """``success`` is True when the attack succeeded (the target leaked, obeyed, complied)."""

    detector: str
    success: bool
    score: float
    evidence: str
    # The detector could not decide (a judge unreachable, a detector's own failure): the
    # attempt is then neither a success nor a defence.
    undecided: bool = False

    def __post_init__(self) -> None:
        if not 0.0 <= self.score <= 1.0:
            raise ValueError(f"verdict score must lie in 0..1, not {self.score}")
