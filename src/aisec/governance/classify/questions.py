"""The questionnaire: each question, what it is about in the Regulation, and when it is asked.

Progressive disclosure works on two things a question declares: ``depends_on``, the
earlier questions whose answers it waits for, and ``condition``, a test of those answers
(through :mod:`facts`) deciding whether it is asked at all. ``walk`` settles every
question in order: answered, pending, skipped or still waiting.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Literal

from aisec.governance.classify import facts as f

Kind = Literal["yes-no", "one-of", "many-of", "number"]
State = Literal["answered", "pending", "skipped", "waiting"]
Condition = Callable[[f.Answers], bool]


def always(_: f.Answers) -> bool:
    return True


@dataclass(frozen=True, slots=True)
class Choice:
    value: str
    label: str


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    text: str
    kind: Kind
    help: str
    refs: tuple[str, ...]
    asked_when: str
    condition: Condition = field(default=always, repr=False, compare=False)
    depends_on: tuple[str, ...] = ()
    choices: tuple[Choice, ...] = ()
    minimum: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "text": self.text,
            "kind": self.kind,
            "help": self.help,
            "refs": list(self.refs),
            "asked_when": self.asked_when,
            "depends_on": list(self.depends_on),
            "choices": [{"value": c.value, "label": c.label} for c in self.choices],
            "minimum": self.minimum,
        }


def items(*ids: str) -> tuple[Choice, ...]:
    return tuple(Choice(i, f.title(i)) for i in ids)


def refs(*ids: str) -> tuple[str, ...]:
    return tuple(f.ref(i) for i in ids)


# A short name keeps the question tables readable (fields in declaration order).
q = Question


@cache
def questionnaire() -> tuple[Question, ...]:
    # The tables import this module for the model, so they are imported here, late.
    from aisec.governance.classify import q_classification, q_duties, q_prohibition

    return (*q_prohibition.questions(), *q_classification.questions(), *q_duties.questions())


@cache
def by_id() -> Mapping[str, Question]:
    return {question.id: question for question in questionnaire()}


def walk(answers: f.Answers) -> tuple[dict[str, State], dict[str, object]]:
    """Each question's state, and the effective answers (those of questions asked)."""
    states: dict[str, State] = {}
    effective: dict[str, object] = {}
    for question in questionnaire():
        qid = question.id
        if any(states[d] in ("pending", "waiting") for d in question.depends_on):
            states[qid] = "waiting"
        elif not question.condition(effective):
            states[qid] = "skipped"
        elif qid in answers:
            states[qid] = "answered"
            effective[qid] = answers[qid]
        else:
            states[qid] = "pending"
    return states, effective
