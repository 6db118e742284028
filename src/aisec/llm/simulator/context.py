"""What every rule is given (the request, read once, and the application it is sent to)
and what a rule gives back."""

from __future__ import annotations

from dataclasses import dataclass

from aisec.llm.simulator.canaries import Canaries
from aisec.llm.simulator.config import SimulatorConfig
from aisec.llm.simulator.conversation import Conversation
from aisec.llm.simulator.guard import Guard
from aisec.llm.simulator.reply import REFUSAL_PREFIX
from aisec.llm.simulator.retrieval import Store
from aisec.llm.simulator.tools import Action, ToolSpec


@dataclass(frozen=True)
class Context:
    config: SimulatorConfig
    canaries: Canaries
    system_prompt: str
    store: Store
    tools: tuple[ToolSpec, ...]
    conversation: Conversation
    guard: Guard | None  # the hardened variant's defences; None in a vulnerable one

    def on(self, weakness: str) -> bool:
        return weakness in self.config.weaknesses

    @property
    def hardened(self) -> bool:
        return self.config.hardened


@dataclass(frozen=True)
class Outcome:
    """An answer before the output stage (escaping, canary filter, cap)."""

    content: str | None = None
    calls: tuple[Action, ...] = ()
    reasons: tuple[str, ...] = ()

    def because(self, *reasons: str) -> Outcome:
        return Outcome(self.content, self.calls, (*reasons, *self.reasons))


REFUSALS = {
    "generic": "help with that.",
    "prompt": "share my instructions or internal codes.",
    "data": "share customer records, personal data or credentials.",
    "injection": "change how I work. I'm here to help with Northwind Parcel deliveries.",
    "encoded": "follow instructions hidden in encoded or split text.",
    "leak": "show that: my answer contained confidential data.",
}


def refusal(kind: str, *reasons: str) -> Outcome:
    return Outcome(f"{REFUSAL_PREFIX} {REFUSALS[kind]}", reasons=reasons)
