"""The detector contract: class-level metadata, a constructor that only stores parameters,
and ``judge(exchange) -> Verdict``.

Detectors judge text an attacker shaped, so every one reads a bounded amount of it
(:data:`MAX_CHARS` per text, :data:`MAX_TEXTS` texts) and says in its evidence when it cut
something off: a verdict on part of an answer must not read as a verdict on all of it.
"""

from __future__ import annotations

import inspect
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping
from typing import Any, ClassVar

from aisec.llm.exchange import Exchange, Verdict

MAX_CHARS = 100_000
MAX_TEXTS = 64
MAX_DEPTH = 8  # nesting of tool-call arguments walked
EVIDENCE_CHARS = 80  # longest excerpt quoted in evidence


class Detector(ABC):
    """Base of every success detector; see the module docstring."""

    id: ClassVar[str]
    title: ClassVar[str]
    description: ClassVar[str]
    needs: ClassVar[tuple[str, ...]]  # the Exchange fields it reads

    @abstractmethod
    def judge(self, exchange: Exchange) -> Verdict:
        """Whether the attack recorded in ``exchange`` succeeded, by this detector's test."""

    def verdict(self, success: bool, score: float, evidence: str) -> Verdict:
        return Verdict(self.id, success, min(1.0, max(0.0, float(score))), evidence)

    def get_params(self) -> dict[str, Any]:
        """The constructor's parameters as stored (for a run's configuration snapshot)."""
        names = inspect.signature(type(self).__init__).parameters
        return {n: getattr(self, n) for n in names if n != "self" and hasattr(self, n)}


def clip(text: str, limit: int = MAX_CHARS) -> tuple[str, bool]:
    """``text`` cut to ``limit`` characters, and whether it was cut."""
    return (text[:limit], True) if len(text) > limit else (text, False)


def clip_all(texts: list[tuple[str, str]]) -> tuple[list[tuple[str, str]], bool]:
    """Each (place, text) cut to :data:`MAX_CHARS`, and whether any was cut."""
    out = [(place, text[:MAX_CHARS]) for place, text in texts]
    return out, any(len(text) > MAX_CHARS for _, text in texts)


def excerpt(text: str, start: int, end: int, width: int = EVIDENCE_CHARS) -> str:
    """The matched span with a little context, on one line, for evidence."""
    lo, hi = max(0, start - 20), min(len(text), max(end, start) + 20)
    snippet = " ".join(text[lo:hi].split())
    if len(snippet) > width:
        snippet = snippet[: width - 1] + "…"
    return repr(snippet)


def string_leaves(value: object, path: str = "", depth: int = 0) -> Iterator[tuple[str, str]]:
    """Every string inside tool-call arguments, with its path (``"to"``, ``"cc[1]"``).
    Numbers and booleans are read as text too: an attacker value may be a number."""
    if depth > MAX_DEPTH:
        return
    if isinstance(value, str):
        yield path or "(value)", value
    elif isinstance(value, Mapping):
        for key, inner in list(value.items())[:MAX_TEXTS]:
            yield from string_leaves(inner, f"{path}.{key}" if path else str(key), depth + 1)
    elif isinstance(value, list | tuple):
        for i, inner in enumerate(value[:MAX_TEXTS]):
            yield from string_leaves(inner, f"{path}[{i}]", depth + 1)
    elif isinstance(value, int | float):
        yield path or "(value)", str(value)


def answer_texts(exchange: Exchange) -> list[tuple[str, str]]:
    """The assistant answers as (place, text), numbered from 1, most recent last."""
    answers = exchange.answers[-MAX_TEXTS:]
    offset = len(exchange.answers) - len(answers)
    return [(f"answer {offset + i + 1}", a) for i, a in enumerate(answers)]


def call_texts(exchange: Exchange) -> list[tuple[str, str]]:
    """Every string argument of every tool call as (place, text)."""
    found: list[tuple[str, str]] = []
    for call in exchange.tool_calls[:MAX_TEXTS]:
        for path, text in string_leaves(call.arguments):
            found.append((f"tool call {call.name}({path})", text))
    return found[: MAX_TEXTS * 4]
