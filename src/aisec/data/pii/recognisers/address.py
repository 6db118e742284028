"""Postal addresses: a street line (see :mod:`.street_lines`) extended over the town and
postcode that follow it; a UK postcode with the address lines above it; and postcodes on
their own, reported only when the context says "address"."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator

from aisec.data.pii import address_words as w
from aisec.data.pii.context import ContextWords, context_reason
from aisec.data.pii.model import PiiMatch, clamp
from aisec.data.pii.recognisers.base import NO_HINTS, free_after, free_before
from aisec.data.pii.recognisers.street_lines import NAME, NUMBER_FIRST, W, street_lines
from aisec.data.pii.text_index import TextIndex

ENTITY = "POSTAL_ADDRESS"
CONTEXT = ContextWords(w.ADDRESS_CONTEXT_WORDS, before=60, after=0)

_TOWN = rf"(?:['’]s-)?{NAME}"
_STATES = "|".join(w.US_STATES)
_LOCALITY = re.compile(
    r"(?:,\s?|[ \t]*\n\s*|\s)(?:"
    rf"{NAME},\s(?:{_STATES})\s\d{{5}}(?:-\d{{4}})?"  # Springfield, IL 62704
    rf"|\d{{5}},?\s{_TOWN}(?:\s\([A-Z]{{2}}\))?"  # 10115 Berlin, 00184, Roma (RM)
    rf"|{NAME},\s\d{{5}}"  # Málaga, 29001
    rf"|\d{{4}}\s?[A-Z]{{2}}(?:[ \t]*\n\s*{_TOWN}|[ \t]{_TOWN})?"  # 1012 AB Amsterdam
    rf"|(?:{W}(?:\s{W}){{0,3}}\s*\n\s*){{0,2}}{w.UK_POSTCODE}(?!\w)"  # Town\nSW1A 1AA
    r")"
)
_UK_POSTCODE = re.compile(rf"{w.UK_POSTCODE}(?!\w)")
_ADDRESS_LINE = re.compile(rf"[ \t]*(?:{w.SECONDARY_UNIT}|Studio|Flat)?\s?\d*\s?{NAME}[ \t]*\n\Z")
_NL_LETTERS = re.compile(r" ?[A-Z]{2}(?!\w)")


class AddressRecogniser:
    entities: tuple[str, ...] = (ENTITY,)

    def find(self, index: TextIndex, hints: frozenset[str] = NO_HINTS) -> Iterator[PiiMatch]:
        text = index.text
        hinted = ENTITY in hints
        streets: list[PiiMatch] = []
        for form, start, end in street_lines(index):
            reason, score, stop = f"street line ({form})", 0.6, end
            loc = _LOCALITY.match(text, end)
            if loc is not None:
                stop, score = loc.end(), 0.8
                reason += " with town and postcode"
            elif not text[start].isdigit() and form == NUMBER_FIRST:
                continue  # a unit line alone ("Flat 3 / Green Park") needs the town below
            streets.append(_scored(text, start, stop, score, reason, hinted))
        streets.sort(key=lambda f: (f.start, -f.end))
        taken = -1
        kept: list[PiiMatch] = []
        for f in streets:
            if f.start >= taken:
                taken = f.end
                kept.append(f)
        yield from kept
        yield from _uk_postcodes(index, hinted, kept)
        yield from _numeric_postcodes(index, hinted, kept)


def _inside(start: int, streets: list[PiiMatch]) -> bool:
    """Whether ``start`` falls in one of the disjoint, sorted street matches."""
    i = bisect_right(streets, start, key=lambda s: s.start) - 1
    return i >= 0 and start < streets[i].end


def _uk_postcodes(index: TextIndex, hinted: bool, streets: list[PiiMatch]) -> Iterator[PiiMatch]:
    text = index.text
    for inward in index.find_all(b"dAA"):
        found = None
        for start in range(max(0, inward - 5), inward):
            m = _UK_POSTCODE.match(text, start)
            if m is not None and m.end() == inward + 3 and free_before(text, start):
                found = m
                break
        if found is None or _inside(found.start(), streets):
            continue
        start = found.start()
        for _ in range(3):  # up to three lines of house, street and town above
            line = _ADDRESS_LINE.search(text, max(0, start - 48), start)
            if line is None:
                break
            start = line.start()
        score, reason = 0.4, "UK postcode"
        if start < found.start():
            score, reason = 0.65, "UK postcode below address lines"
        yield _scored(text, start, found.end(), score, reason, hinted)


def _numeric_postcodes(
    index: TextIndex, hinted: bool, streets: list[PiiMatch]
) -> Iterator[PiiMatch]:
    text = index.text
    for start, end, digits in index.runs:
        if _inside(start, streets) or not free_before(text, start):
            continue
        zip_plus_four = digits == 9 and text[start + 5 : start + 6] == "-"
        if (digits == 5 and end - start == 5) or zip_plus_four:
            if free_after(text, end):
                yield _scored(text, start, end, 0.2, "postcode shape", hinted)
        elif digits == 4 and end - start == 4:
            nl = _NL_LETTERS.match(text, end)
            if nl is not None:
                yield _scored(text, start, nl.end(), 0.2, "postcode shape", hinted)


def _scored(text: str, start: int, end: int, score: float, reason: str, hinted: bool) -> PiiMatch:
    word = None if hinted else CONTEXT.near(text, start, end)
    if hinted or word:
        score += 0.35
        reason += f"; {context_reason(word, hinted)}"
    return PiiMatch(ENTITY, start, end, clamp(score), reason)
