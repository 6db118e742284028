"""Scoring detections against the corpus's gold spans.

Matching rule: a prediction and a gold span match when they carry the same label and share
at least one character (half-open offsets overlap). A gold span is found (recall) when some
prediction of its label matches it; a prediction is correct (precision) when it matches some
gold span of its label. So a detector that cuts a value short or runs slightly over still
scores, and one finding over two neighbouring values finds both; `exact_and_merged` reports
those boundary effects separately. Predictions whose label is not scored are ignored.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from pii_corpus import Span


@dataclass(frozen=True, slots=True)
class Found:
    """One detection, normalised to (document, offsets, label) whatever the tool."""

    doc_id: str
    start: int
    end: int
    label: str


@dataclass
class Score:
    label: str
    gold: int = 0
    found: int = 0  # gold spans matched
    predicted: int = 0
    correct: int = 0  # predictions matched
    missed: list[Span] = field(default_factory=list)
    false: list[Found] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.correct / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.found / self.gold if self.gold else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def _overlaps(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    return a_start < b_end and b_start < a_end


def score(gold: Sequence[Span], found: Iterable[Found], labels: Iterable[str]) -> dict[str, Score]:
    scores = {label: Score(label) for label in labels}
    gold_by_key: dict[tuple[str, str], list[Span]] = defaultdict(list)
    for span in gold:
        if span.label in scores:
            gold_by_key[(span.doc_id, span.label)].append(span)
            scores[span.label].gold += 1
    hit: set[Span] = set()
    for item in found:
        if item.label not in scores:
            continue
        result = scores[item.label]
        result.predicted += 1
        matched = [
            s
            for s in gold_by_key.get((item.doc_id, item.label), ())
            if _overlaps(s.start, s.end, item.start, item.end)
        ]
        if matched:
            result.correct += 1
            hit.update(matched)
        else:
            result.false.append(item)
    for spans in gold_by_key.values():
        for span in spans:
            if span in hit:
                scores[span.label].found += 1
            else:
                scores[span.label].missed.append(span)
    return scores


@dataclass(frozen=True)
class Boundaries:
    exact: int  # gold spans reported with exactly their offsets
    merged: list[Found]  # predictions that cover more than one gold span


def exact_and_merged(gold: Sequence[Span], found: Iterable[Found]) -> Boundaries:
    """Offsets only, labels ignored: for secrets, where each tool names kinds its own way."""
    by_doc: dict[str, list[Span]] = defaultdict(list)
    for span in gold:
        by_doc[span.doc_id].append(span)
    exact: set[Span] = set()
    merged: list[Found] = []
    for item in found:
        covered = [
            s
            for s in by_doc.get(item.doc_id, ())
            if _overlaps(s.start, s.end, item.start, item.end)
        ]
        exact.update(s for s in covered if (s.start, s.end) == (item.start, item.end))
        if len(covered) > 1:
            merged.append(item)
    return Boundaries(len(exact), merged)


def shape(text: str, limit: int = 40) -> str:
    """A value's form without its content (digits -> 9, letters -> a/A), for reports."""
    out = "".join(
        "9" if c.isdigit() else "A" if c.isupper() else "a" if c.isalpha() else c for c in text
    ).replace("\n", "⏎")
    return out if len(out) <= limit else out[:limit] + "…"


def negative_kind(negatives: Sequence[Span], item: Found) -> str:
    """Which planted look-alike a false positive landed on ("other" if none)."""
    for span in negatives:
        if span.doc_id == item.doc_id and _overlaps(span.start, span.end, item.start, item.end):
            return span.label
    return "other"
