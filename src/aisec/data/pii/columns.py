"""Per-column verdicts: a column whose name and values agree is reported once.

The values of a chunk are searched as one text, joined by a separator no pattern crosses
(one call per column and chunk instead of one per value, which would cost more in call
overhead than in matching), with the column's announced entity as context (a column called
``phone`` lifts a bare digit run the way the word "phone" in a sentence does); each match is
then given back to its value. :meth:`ColumnProfiler.add` returns the matches with their
value's index, so the caller lists occurrences without searching again.
A value counts as *being* an entity when one entity's matches cover most of it. A column gets
one verdict per entity:

* a column verdict (``free_text=False``) when at least half of its values are that entity and
  the name says so, or at least 80% are without a telling name;
* otherwise a free-text verdict (``free_text=True``) for each entity found inside its values,
  so the caller reports those values one by one.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import accumulate
from typing import TYPE_CHECKING, cast

from aisec.data.pii.column_names import column_entity
from aisec.data.pii.model import VALUE_SEPARATOR as SEPARATOR
from aisec.data.pii.model import ColumnVerdict, PiiMatch, clamp
from aisec.data.pii.recognisers.base import NO_HINTS
from aisec.data.redact import redact_pii

if TYPE_CHECKING:
    from aisec.data.pii.detector import PiiDetector

_WHOLE_COVER = 0.8  # share of a value's non-space characters one entity must cover
_NAMED_RATE = 0.5  # hit rate that confirms what the column name says
_UNNAMED_RATE = 0.8  # hit rate that makes a verdict without a telling name
_MAX_SAMPLES = 3
_PLACE = re.compile(r"[A-ZÀ-ÖØ-Þ][\w'’.\-]*(?:[ \-][\w'’.\-]+){0,4}")

DESCRIPTIONS = {
    "EMAIL_ADDRESS": "e-mail addresses", "PHONE_NUMBER": "phone numbers",
    "CREDIT_CARD": "card numbers", "IBAN_CODE": "IBANs", "IP_ADDRESS": "IP addresses",
    "MAC_ADDRESS": "MAC addresses", "US_SSN": "US social security numbers",
    "UK_NINO": "UK national insurance numbers", "NATIONAL_ID": "national identifiers",
    "DATE_OF_BIRTH": "dates of birth", "PERSON": "personal names",
    "POSTAL_ADDRESS": "postal addresses or their parts",
}  # fmt: skip


@dataclass
class _Stats:
    semantic: str | None
    non_null: int = 0
    chars: int = 0
    whole: Counter[str] = field(default_factory=Counter)
    inside: Counter[str] = field(default_factory=Counter)
    score_sum: dict[str, float] = field(default_factory=dict)
    samples: dict[str, list[str]] = field(default_factory=dict)

    def sample(self, entity: str, value: str) -> None:
        kept = self.samples.setdefault(entity, [])
        if len(kept) < _MAX_SAMPLES:
            kept.append(redact_pii(entity, value))

    def merge(self, other: _Stats) -> None:
        self.non_null += other.non_null
        self.chars += other.chars
        self.whole.update(other.whole)
        self.inside.update(other.inside)
        for entity, total in other.score_sum.items():
            self.score_sum[entity] = self.score_sum.get(entity, 0.0) + total
        for entity, values in other.samples.items():
            kept = self.samples.setdefault(entity, [])
            kept.extend(values[: _MAX_SAMPLES - len(kept)])


class ColumnProfiler:
    """Aggregates values chunk by chunk; :meth:`verdicts` says what each column holds."""

    def __init__(self, detector: PiiDetector) -> None:
        self._detector = detector
        self._columns: dict[str, _Stats] = {}

    def add(self, column: str, values: Sequence[str | None]) -> list[tuple[int, PiiMatch]]:
        """Profile ``values``; returns each match as (index into ``values``, match with
        offsets into that value)."""
        stats = self._columns.get(column)
        if stats is None:
            stats = self._columns[column] = _Stats(column_entity(column))
        hints = frozenset({stats.semantic}) if stats.semantic else NO_HINTS
        # ``strip()`` removes exactly the characters ``isspace()`` tests, without a copy.
        positions = [i for i, v in enumerate(values) if v and not v.isspace()]
        if not positions:
            return []
        texts = cast(list[str], [values[i] for i in positions])
        stats.non_null += len(texts)
        stats.chars += sum(map(len, texts))
        joined = SEPARATOR.join(texts)
        starts = list(accumulate(map(len(SEPARATOR).__add__, map(len, texts)), initial=0))
        per_value: dict[int, list[PiiMatch]] = {}
        for match in self._detector.find_with_hints(joined, hints):
            k = bisect_right(starts, match.start) - 1
            base = starts[k]
            if match.end > base + len(texts[k]):
                continue  # runs into the separator: not a value's own content
            shifted = PiiMatch(
                match.entity, match.start - base, match.end - base, match.score, match.reason
            )
            per_value.setdefault(k, []).append(shifted)
        found: list[tuple[int, PiiMatch]] = []
        # Place names match no pattern: where the column name says "address", every value
        # is looked at, not only those with a match.
        every = stats.semantic == "POSTAL_ADDRESS"
        for k in range(len(texts)) if every else sorted(per_value):
            matches = per_value.get(k, [])
            self._classify(stats, texts[k], matches)
            found.extend((positions[k], m) for m in matches)
        return found

    def _classify(self, stats: _Stats, value: str, matches: list[PiiMatch]) -> None:
        best: dict[str, PiiMatch]
        if len(matches) == 1:
            # Most values hold one match; one that spans the value covers it whole.
            m = matches[0]
            best = {m.entity: m}
            if m.start == 0 and m.end == len(value):
                whole: str | None = m.entity
            else:
                whole = (
                    m.entity
                    if _visible(value[m.start : m.end]) >= _WHOLE_COVER * _visible(value)
                    else None
                )
        else:
            covered: dict[str, int] = {}
            best = {}
            for m in matches:
                covered[m.entity] = covered.get(m.entity, 0) + _visible(value[m.start : m.end])
                if m.entity not in best or m.score > best[m.entity].score:
                    best[m.entity] = m
            size = _WHOLE_COVER * _visible(value) if covered else 0.0
            whole = next((e for e, n in covered.items() if n >= size), None)
        if whole is None and stats.semantic == "POSTAL_ADDRESS" and _PLACE.fullmatch(value.strip()):
            # A town or street name alone has no pattern; the column name carries it.
            whole = "POSTAL_ADDRESS"
            best[whole] = PiiMatch(whole, 0, len(value), 0.6, "place name; column name")
        for entity, m in best.items():
            if entity == whole:
                stats.whole[entity] += 1
                stats.sample(entity, value)
            else:
                stats.inside[entity] += 1
                stats.sample(entity, value[m.start : m.end])
            stats.score_sum[entity] = stats.score_sum.get(entity, 0.0) + m.score

    def merge(self, other: ColumnProfiler) -> None:
        """Adds the counts of a profiler that saw other chunks (another partition)."""
        for column, stats in other._columns.items():
            mine = self._columns.get(column)
            if mine is None:
                self._columns[column] = mine = _Stats(stats.semantic)
            mine.merge(stats)

    def verdicts(self) -> list[ColumnVerdict]:
        out: list[ColumnVerdict] = []
        for column, stats in self._columns.items():
            out.extend(_column_verdicts(column, stats))
        return out

    def __getstate__(self) -> dict[str, object]:
        # Recognisers hold lambdas; the detector is rebuilt from its settings instead.
        d = self._detector
        return {"config": (sorted(d.entities), d.min_score, d.regions), "columns": self._columns}

    def __setstate__(self, state: dict[str, object]) -> None:
        from aisec.data.pii.detector import PiiDetector

        entities, min_score, regions = cast(
            tuple[list[str], float, tuple[str, ...]], state["config"]
        )
        self._detector = PiiDetector(entities=entities, min_score=min_score, regions=regions)
        self._columns = cast(dict[str, _Stats], state["columns"])


def _visible(text: str) -> int:
    """Characters that are not white space (split and join run in C)."""
    return len("".join(text.split()))


def _column_verdicts(column: str, stats: _Stats) -> list[ColumnVerdict]:
    if not stats.non_null:
        return []
    out: list[ColumnVerdict] = []
    average = stats.chars / stats.non_null
    for entity in sorted(set(stats.whole) | set(stats.inside)):
        whole, inside = stats.whole[entity], stats.inside[entity]
        rate = whole / stats.non_null
        mean = stats.score_sum.get(entity, 0.0) / (whole + inside)
        samples = tuple(stats.samples.get(entity, ()))
        what = DESCRIPTIONS[entity]
        named = stats.semantic == entity
        if (named and rate >= _NAMED_RATE) or rate >= _UNNAMED_RATE:
            reason = f"{rate:.0%} of values are {what}"
            if named:
                reason = f"name {column!r} and {reason}"
            score = clamp(mean * (0.6 + 0.4 * rate) + (0.15 if named else 0.0))
            out.append(
                ColumnVerdict(
                    column, entity, whole, stats.non_null, score, samples, reason, False, average
                )
            )
            continue
        count = whole + inside
        reason = f"{count} of {stats.non_null} values contain {what}"
        reason += f" (free text, {average:.0f} characters on average)" if average >= 40 else ""
        out.append(
            ColumnVerdict(
                column, entity, count, stats.non_null, clamp(mean), samples, reason, True, average
            )
        )
    return out
