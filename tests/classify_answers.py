"""Complete EU AI Act questionnaires for tests: the answers a scenario gives, and the
"nothing special" answer to every other question the engine asks."""

from __future__ import annotations

from typing import Any

from aisec.governance.classify import next_questions


def default_answer(question: Any) -> object:
    if question.kind == "one-of":
        return question.choices[0].value
    return {"yes-no": False, "many-of": [], "number": 0}[question.kind]


def complete(**given: object) -> dict[str, object]:
    answers = dict(given)
    while pending := next_questions(answers):
        for question in pending:
            answers[question.id] = default_answer(question)
    return answers
