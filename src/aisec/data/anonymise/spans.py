"""Spans of text to replace, and the two ways scrub reads a value so that no detector
call grows with the value or misses a number for its neighbours.

*Windows*: a long value is given to a finder in windows of WINDOW characters that overlap
by OVERLAP, so the cost and behaviour of one call stay bounded whatever the cell's size.

*Split view*: the same characters, with every whitespace turned into a line break except
a single space between groups of one to four digits ("4111 1111", "020 7946"). A detector
that joins neighbouring numbers into one candidate ("a1b2 4111 1111 1111 1111",
"10.0.0.1 1234-5678") then sees each on its own. Offsets are unchanged, so the spans of
both readings can be merged.

*Chains*: five or more short digit groups in a row ("+44 20 7946 0958 4111 1111 1111
1111") may be two numbers that a detector, anchored at the first group, reads as one
invalid one. Where such a chain is not already covered, each run of two to eight
consecutive groups in it is given to the finder on its own.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from itertools import islice
from typing import Protocol

WINDOW = 65_536  # characters given to a finder at once
OVERLAP = 4_096  # longer than nearly any entity (a PEM key) with its context words
NO_HINTS: frozenset[str] = frozenset()
_BREAK_WHITESPACE = str.maketrans(dict.fromkeys(" \t\r\f\v\xa0\u2007\u202f", "\n"))
_DIGIT_GROUP_BEFORE_SPACE = re.compile(r"(?<!\S)\d{1,4}(?= \d{1,4}(?!\S))")
_CHAIN = re.compile(r"(?<!\S)\+?\d{1,4}(?: \+?\d{1,4}){4,}(?!\S)")
_GROUP = re.compile(r"\+?\d{1,4}")
_MAX_GROUPS = 8  # no card or phone number is written in more short groups than this
MAX_CHAIN_PIECES = 4_096  # per value: a text of nothing but digit groups stays bounded


@dataclass(frozen=True, slots=True)
class Span:
    entity: str  # a PII entity ("EMAIL_ADDRESS") or "SECRET:<kind>"
    start: int
    end: int
    rank: int = 0  # higher wins where spans overlap
    score: float = 1.0  # the finder's confidence; Scrub drops spans below its min_score


class SpanFinder(Protocol):
    def spans(self, text: str, hints: frozenset[str] = NO_HINTS) -> list[Span]:
        """Spans in ``text``; ``hints`` names entities the column's name announces."""
        ...


def split_view(text: str) -> str:
    """``text`` with whitespace as line breaks, except one space between short digit
    groups; the same length, so offsets carry over (see the module docstring)."""
    view = text.translate(_BREAK_WHITESPACE)
    if view == text:
        return text
    chars = list(view)
    for m in _DIGIT_GROUP_BEFORE_SPACE.finditer(text):
        chars[m.end()] = " "
    return "".join(chars)


def windowed_spans(finder: SpanFinder, text: str, hints: frozenset[str]) -> list[Span]:
    """The finder's spans over ``text`` read in windows of WINDOW characters that overlap
    by OVERLAP. A span cut short at a window's edge is kept: the neighbouring window sees
    it whole, and merging the two covers it (a longer span leads the merge, so the whole
    one names it)."""
    if len(text) <= WINDOW:
        return finder.spans(text, hints)
    out: list[Span] = []
    step = WINDOW - OVERLAP
    for start in range(0, len(text) - OVERLAP, step):
        end = min(start + WINDOW, len(text))
        for span in finder.spans(text[start:end], hints):
            out.append(replace(span, start=span.start + start, end=span.end + start))
    return out


def merged(spans: Sequence[Span]) -> list[Span]:
    """Non-overlapping spans covering every input span, in text order."""
    out: list[Span] = []
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        if span.end <= span.start:
            continue
        if out and span.start < out[-1].end:
            last = out[-1]
            lead = last if last.rank >= span.rank else span
            out[-1] = Span(lead.entity, last.start, max(last.end, span.end), lead.rank)
        else:
            out.append(span)
    return out


def uncovered_chains(text: str, spans: Sequence[Span]) -> Iterator[tuple[int, int]]:
    """(start, end) of each run of two to eight digit groups inside a chain that ``spans``
    (merged, in text order) do not wholly cover; at most MAX_CHAIN_PIECES of them."""
    return islice(_chain_pieces(text, spans), MAX_CHAIN_PIECES)


def _chain_pieces(text: str, spans: Sequence[Span]) -> Iterator[tuple[int, int]]:
    starts = [s.start for s in spans]
    for chain in _CHAIN.finditer(text):
        i = bisect_right(starts, chain.start()) - 1
        if i >= 0 and spans[i].end >= chain.end():
            continue
        groups = [g.span() for g in _GROUP.finditer(text, chain.start(), chain.end())]
        for first in range(len(groups)):
            for last in range(first + 1, min(first + _MAX_GROUPS, len(groups))):
                yield groups[first][0], groups[last][1]
