"""Free text: find personal data and secrets inside a value and treat each span by its
entity (an e-mail address pseudonymised, a phone number masked, a key replaced).

Detectors are passed in as :class:`SpanFinder` objects, so the replacement logic works
with any detector; :func:`default_finders` builds the ones aisec ships. Overlapping spans
are merged and treated as one, by the rule of the most important finder (secrets before
personal data): a part of a secret left in the text would still be a leak.

Scrubbing favours recall over precision, unlike a scan: a false alarm costs a few words of
training text, a miss leaks a person. So the detector runs with a lower ``min_score``, the
column's name is given as context (a column called ``phone`` makes every number in it a
candidate phone number), and each value is read in the two views and the bounded windows
that :mod:`aisec.data.anonymise.spans` describes.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from aisec.core.errors import ConfigError
from aisec.data.anonymise.actions import Action, Context, Pseudonym, Replace, prefix_for
from aisec.data.anonymise.spans import (
    NO_HINTS,
    OVERLAP,
    WINDOW,
    Span,
    SpanFinder,
    merged,
    split_view,
    uncovered_chains,
    windowed_spans,
)

__all__ = ["OVERLAP", "WINDOW", "Span", "SpanFinder", "merged", "split_view", "windowed_spans"]

ENTITY = "{entity}"  # in a replacement text or pseudonym prefix: the entity found
SCRUB_MIN_SCORE = 0.3  # a scan reports from 0.5; see the module docstring for why lower


class PiiSpans:
    """Spans from an object with ``find_with_hints(text, hints)`` (or ``find(text)``)
    returning matches with entity, start, end and score."""

    def __init__(self, detector: Any) -> None:
        self._detector = detector

    def spans(self, text: str, hints: frozenset[str] = NO_HINTS) -> list[Span]:
        find_with_hints = getattr(self._detector, "find_with_hints", None)
        found = (
            self._detector.find(text) if find_with_hints is None else find_with_hints(text, hints)
        )
        return [Span(m.entity, m.start, m.end, 1, float(getattr(m, "score", 1.0))) for m in found]


class SecretSpans:
    """Spans from a function ``find(text) -> [match with kind, start, end]``."""

    def __init__(self, find: Callable[[str], Sequence[Any]]) -> None:
        self._find = find

    def spans(self, text: str, hints: frozenset[str] = NO_HINTS) -> list[Span]:
        return [Span(f"SECRET:{m.kind}", m.start, m.end, 2) for m in self._find(text)]


def column_hints(column: str) -> frozenset[str]:
    """The entity a column's name announces ("phone" -> PHONE_NUMBER), as scrub hints."""
    try:
        names = importlib.import_module("aisec.data.pii.column_names")
    except ImportError:
        return NO_HINTS
    entity = names.column_entity(column)
    return NO_HINTS if entity is None else frozenset({str(entity)})


def default_finders(
    entities: Collection[str] | None, *, secrets: bool, min_score: float = SCRUB_MIN_SCORE
) -> list[SpanFinder]:
    """aisec's own PII detector (limited to ``entities`` when given, reporting matches from
    ``min_score``) and secret finder."""
    finders: list[SpanFinder] = []
    try:
        pii = importlib.import_module("aisec.data.pii")
        finders.append(PiiSpans(pii.PiiDetector(entities=entities, min_score=min_score)))
        if secrets:
            finders.append(SecretSpans(importlib.import_module("aisec.data.secrets").find_secrets))
    except (ImportError, AttributeError) as exc:
        raise ConfigError(
            f"the rules scrub free text but a detector cannot be loaded ({exc})",
            hint="install aisec with the data extra: pip install 'aisec[data]'",
        ) from None
    return finders


@dataclass(frozen=True, slots=True)
class Scrub:
    """Replace detected spans in free text; the rest of the text stays."""

    entity_actions: Mapping[str, Action] = field(default_factory=dict)
    entities: tuple[str, ...] | None = None  # None: every entity the finders report
    secrets: bool = True
    min_score: float = SCRUB_MIN_SCORE
    name: str = "scrub"
    needs_key: bool = False

    def action_for(self, entity: str) -> Action:
        action: Action = Replace(f"<{ENTITY}>")
        for name in (entity, entity.split(":", 1)[0], "default"):
            if name in self.entity_actions:
                action = self.entity_actions[name]
                break
        if isinstance(action, Replace) and action.text is not None and ENTITY in action.text:
            return replace(action, text=action.text.replace(ENTITY, entity))
        if isinstance(action, Pseudonym) and action.prefix == ENTITY:
            return replace(action, prefix=prefix_for(entity))
        return action

    def found(self, value: str, ctx: Context) -> list[Span]:
        """The merged spans this scrub replaces in ``value``."""
        views = [value]
        split = split_view(value)
        if split != value:
            views.append(split)
        spans = [
            s for finder in ctx.finders for view in views
            for s in windowed_spans(finder, view, ctx.hints)
        ]  # fmt: skip
        spans = self._wanted(spans)
        pieces = list(uncovered_chains(value, merged(spans)))
        for finder in ctx.finders:
            for start, end in pieces:
                found = finder.spans(value[start:end], ctx.hints)
                spans += self._wanted([replace(s, start=s.start + start, end=s.end + start)
                                       for s in found])  # fmt: skip
        return merged(spans)

    def _wanted(self, spans: list[Span]) -> list[Span]:
        spans = [s for s in spans if s.score >= self.min_score]
        if self.entities is not None:
            spans = [s for s in spans if s.entity.split(":", 1)[0] in self.entities]
        if not self.secrets:
            spans = [s for s in spans if not s.entity.startswith("SECRET:")]
        return spans

    def apply(self, value: str, ctx: Context) -> str | None:
        pieces: list[str] = []
        cursor = 0
        for span in self.found(value, ctx):
            pieces.append(value[cursor : span.start])
            replaced = self.action_for(span.entity).apply(value[span.start : span.end], ctx)
            pieces.append(replaced or "")
            cursor = span.end
        pieces.append(value[cursor:])
        return "".join(pieces)
