"""Checking what callers pass in: answers against the questionnaire, roles against the
catalogue, the reference date. Every problem is a ConfigError naming what is wrong."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from datetime import date, datetime

from aisec.core.errors import ConfigError
from aisec.governance.classify import facts as f
from aisec.governance.classify.questions import Question, by_id


def _value(question: Question, value: object) -> object:
    """The answer in canonical form (many-of as a sorted tuple), or ConfigError."""
    allowed = [c.value for c in question.choices]
    bad = ConfigError(
        f"answer to {question.id!r} is invalid: {value!r}",
        hint=_expected(question, allowed),
    )
    if question.kind == "yes-no":
        if not isinstance(value, bool):
            raise bad
        return value
    if question.kind == "one-of":
        if not isinstance(value, str) or value not in allowed:
            raise bad
        return value
    if question.kind == "many-of":
        if isinstance(value, str | bytes) or not isinstance(value, list | tuple | set | frozenset):
            raise bad
        values = list(value)
        if not all(isinstance(v, str) and v in allowed for v in values):
            raise bad
        if len(set(values)) != len(values):
            raise bad
        return tuple(sorted(values, key=allowed.index))
    # number: bool is an int to Python, never a quantity here
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise bad
    if not math.isfinite(value) or (question.minimum is not None and value < question.minimum):
        raise bad
    return value


def _expected(question: Question, allowed: list[str]) -> str:
    if question.kind == "yes-no":
        return "expected true or false"
    if question.kind == "number":
        return f"expected a finite number >= {question.minimum}"
    listed = ", ".join(allowed)
    if question.kind == "one-of":
        return f"expected one of: {listed}"
    return f"expected a list of distinct values from: {listed}"


def answers(raw: object) -> dict[str, object]:
    if not isinstance(raw, Mapping):
        raise ConfigError("answers must be a mapping of question id to answer")
    questions = by_id()
    unknown = sorted(str(k) for k in raw if k not in questions)
    if unknown:
        raise ConfigError(
            f"unknown question id(s): {', '.join(unknown)}",
            hint=f"known: {', '.join(questions)}",
        )
    return {str(k): _value(questions[str(k)], v) for k, v in raw.items()}


def roles(raw: object) -> tuple[str, ...]:
    if isinstance(raw, str) or not isinstance(raw, Iterable):
        raise ConfigError("roles must be a list of role ids")
    known = [item.id for item in f.catalogue().of_kind("role")]
    given = list(raw)
    bad = [repr(r) for r in given if not isinstance(r, str) or r not in known]
    if bad:
        raise ConfigError(f"unknown role(s): {', '.join(bad)}", hint=f"known: {', '.join(known)}")
    return tuple(dict.fromkeys(given))


def as_of(raw: object) -> date:
    # A datetime is a date to Python, but comparing one with a date raises TypeError.
    if isinstance(raw, datetime):
        return raw.date()
    if not isinstance(raw, date):
        raise ConfigError(f"as_of must be a date, not {raw!r}")
    return raw
