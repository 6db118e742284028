"""The PII engine: runs the recognisers over a text and resolves overlapping matches.

Overlap rule: candidates below ``min_score`` are dropped first; the rest are taken in order of
score (highest first), then length (longest first), then position, and a candidate is kept only
if it overlaps none already kept. So a validated IBAN (0.95) wins over the Luhn-valid digit
run inside it, a card number over a phone-shaped part of it, and of two equally sure matches
the longer one, which covers the value the shorter one only partly covers.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Collection, Iterable, Sequence
from itertools import pairwise
from typing import TYPE_CHECKING

from aisec.core.errors import ConfigError
from aisec.data.pii.model import ENTITIES, PiiMatch
from aisec.data.pii.recognisers.address import AddressRecogniser
from aisec.data.pii.recognisers.base import NO_HINTS, Recogniser
from aisec.data.pii.recognisers.birth_date import BirthDateRecogniser
from aisec.data.pii.recognisers.email import EmailRecogniser
from aisec.data.pii.recognisers.financial import CardRecogniser, IbanRecogniser
from aisec.data.pii.recognisers.identity import IdentityRecogniser
from aisec.data.pii.recognisers.network import IpRecogniser, MacRecogniser
from aisec.data.pii.recognisers.person import PersonRecogniser
from aisec.data.pii.recognisers.phone import PhoneRecogniser
from aisec.data.pii.text_index import TextIndex

if TYPE_CHECKING:
    from aisec.data.pii.columns import ColumnProfiler

DEFAULT_REGIONS = ("US", "GB", "DE", "FR", "ES", "IT", "NL")


class PiiDetector:
    """Finds personal data in text with validators and context; see the module docstring
    for how overlapping matches are resolved."""

    entities: frozenset[str]
    min_score: float
    regions: tuple[str, ...]

    def __init__(
        self,
        *,
        entities: Collection[str] | None = None,
        min_score: float = 0.5,
        regions: Sequence[str] = DEFAULT_REGIONS,
    ) -> None:
        wanted = frozenset(ENTITIES if entities is None else entities)
        unknown = sorted(wanted - set(ENTITIES))
        if unknown:
            raise ConfigError(
                f"unknown PII entities: {', '.join(unknown)}",
                hint=f"choose from {', '.join(ENTITIES)}",
            )
        if not 0.0 <= min_score <= 1.0:
            raise ConfigError(f"min_score must be between 0 and 1, not {min_score}")
        self.entities = wanted
        self.min_score = min_score
        self.regions = tuple(regions)
        candidates: list[Recogniser] = [
            EmailRecogniser(),
            IbanRecogniser(),
            CardRecogniser(),
            IpRecogniser(),
            MacRecogniser(),
            IdentityRecogniser(wanted),
            BirthDateRecogniser(),
            PersonRecogniser(),
            AddressRecogniser(),
        ]
        if regions:
            candidates.append(PhoneRecogniser(self.regions))
        self._recognisers = tuple(r for r in candidates if wanted & set(r.entities))

    def find(self, text: str) -> list[PiiMatch]:
        """Every piece of personal data in ``text``, sorted by start, without overlaps."""
        return self.find_with_hints(text, NO_HINTS)

    def find_with_hints(self, text: str, hints: frozenset[str]) -> list[PiiMatch]:
        """Like :meth:`find`, with ``hints`` naming entities the surroundings already point
        to (a column called ``phone`` is context for each of its values)."""
        if not text:
            return []
        index = TextIndex(text)
        found: list[PiiMatch] = []
        for recogniser in self._recognisers:
            for m in recogniser.find(index, hints):
                if m.score >= self.min_score and m.entity in self.entities:
                    found.append(m)
        return resolve_overlaps(found)

    def column_profiler(self) -> ColumnProfiler:
        from aisec.data.pii.columns import ColumnProfiler

        return ColumnProfiler(self)


def _start(m: PiiMatch) -> int:
    return m.start


def resolve_overlaps(matches: Iterable[PiiMatch]) -> list[PiiMatch]:
    """Keep the best of overlapping matches (score, then length, then position)."""
    by_start = sorted(matches, key=_start)
    # Usually nothing overlaps (one match per value of a column); then all are kept.
    if all(a.end <= b.start and a.start < a.end for a, b in pairwise(by_start)):
        return by_start
    ranked = sorted(by_start, key=lambda m: (-m.score, m.start - m.end, m.start))
    # Kept spans are disjoint, so sorted starts and ends bisect in step.
    starts: list[int] = []
    kept: list[PiiMatch] = []
    for m in ranked:
        i = bisect_right(starts, m.start)
        if i > 0 and kept[i - 1].end > m.start:
            continue
        if i < len(kept) and kept[i].start < m.end:
            continue
        starts.insert(i, m.start)
        kept.insert(i, m)
    return kept
