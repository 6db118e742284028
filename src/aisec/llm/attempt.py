"""What one red-team attack sends and what decides whether it worked.

A probe turns its templates into attempts; the runner sends each attempt's turns to the
target, answers the target's tool calls from the attempt's mock tools, and hands the
exchange to the attempt's detectors. Everything here is plain frozen data, so that an
attempt can be journalled, resumed and re-run against a new version of the application.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class MockTool:
    """A harmless tool offered to the target. ``output`` is what the runner answers when
    the target calls it: the probe controls it, so it can carry an indirect injection."""

    name: str
    description: str
    parameters: Mapping[str, Any] = field(
        default_factory=lambda: {"type": "object", "properties": {}}
    )
    side_effect: bool = False  # calling it would act in the world (send, delete, pay)
    output: str = "ok"
    carries_attack: bool = False  # its output is the attack (an evasive rewrite applies)

    def definition(self) -> dict[str, Any]:
        return {"type": "function", "function": {
            "name": self.name, "description": self.description,
            "parameters": dict(self.parameters)}}  # fmt: skip


@dataclass(frozen=True)
class Attempt:
    probe: str  # the probe's check id
    family: str  # its family (direct_injection, ...)
    technique: str  # the template or variant, for "most effective attacks"
    turns: tuple[str, ...]  # user messages, each sent after the previous answer
    detectors: tuple[str, ...]  # detector ids; any that fires means the attack worked
    tools: tuple[MockTool, ...] = ()
    canaries: tuple[str, ...] = ()
    markers: tuple[str, ...] = ()
    payloads: tuple[str, ...] = ()
    forbidden_tools: tuple[str, ...] = ()
    objective: str = ""
    rewrite: str | None = None  # the evasive rewrite family wrapped around the attack
    max_output_tokens: int | None = None
    system: str | None = None  # sent only where the tester owns the system prompt
    stop_on_success: bool = True  # multi-turn: stop at the first turn that succeeds

    @property
    def id(self) -> str:
        """Stable across runs and machines: the journal and the regression mode key on it."""
        text = json.dumps(asdict(self), sort_keys=True, default=str, ensure_ascii=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, **asdict(self)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Attempt:
        fields = dict(data)
        fields.pop("id", None)
        tools = tuple(MockTool(**t) for t in fields.pop("tools", ()))
        tuples = ("turns", "detectors", "canaries", "markers", "payloads", "forbidden_tools")
        for name in tuples:
            fields[name] = tuple(fields.get(name, ()))
        return cls(tools=tools, **fields)
