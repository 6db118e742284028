"""Street lines in EN, DE, FR, ES, IT and NL, found from cheap anchors.

A street line is anchored where the text index makes it cheap: at a capitalised street type
("Street", "Calle", "Via"), at a capitalised word ending in a German or Dutch street suffix
and followed by a number, at a number followed by a French street type, at a five-digit
postcode line below a French street without a number, and at the literals of Spanish
abbreviations and US military addresses. The precise patterns then run at those offsets only.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from aisec.data.pii import address_words as w
from aisec.data.pii.recognisers.base import free_before
from aisec.data.pii.text_index import TextIndex


def alternation(words: list[str]) -> str:
    return "|".join(sorted(map(re.escape, words), key=len, reverse=True))


W, C = w.WORD, w.CONNECTOR
NAME = rf"{W}(?:[ \-](?:{C}\s)?{W}){{0,3}}"
_UNIT = rf"(?:,?[ \t]{w.SECONDARY_UNIT}[ \t]?\w{{1,6}})?"
_NUMBER = r"\d{1,5}(?:[ \t]?[a-zA-Z](?!\w))?(?:[ \t]?[-/][ \t]?\d{1,4}[a-z]?)?"
_UNIT_FIRST = r"(?:Flat|Studio|Apartment|Unit)[ \t]\w{1,5},?[ \t]*\n?[ \t]*"

# The part of an English street line before its street type, searched backwards.
_EN_HEAD = re.compile(rf"(?:{_UNIT_FIRST}|\d{{1,5}}[A-Za-z]?[ \t])(?:{W}[ \t]){{1,3}}\Z")
_EN = re.compile(
    rf"(?:{_UNIT_FIRST})?(?:\d{{1,5}}[A-Za-z]?[ \t])?(?:{W}[ \t]){{1,3}}"
    rf"(?:{alternation(w.EN_STREET_TYPES)})\.?(?!\w){_UNIT}"
)
_FR_TYPE = rf"(?i:{alternation(w.FR_STREET_TYPES)})[ \t](?:{C}[ \t]|[dl]['’])?{NAME}"
_FR = re.compile(rf"\d{{1,4}}(?:[ \t]?(?:bis|ter))?,?[ \t]{_FR_TYPE}")
_FR_NO_NUMBER = re.compile(_FR_TYPE)
_ES_IT = re.compile(
    rf"(?:{alternation(w.ES_IT_STREET_TYPES)})[ \t](?:{C}[ \t]|[dl]['’])?{NAME},?[ \t]"
    rf"{_NUMBER}(?!\w){_UNIT}"
)
_DE_NL = re.compile(
    rf"(?:{W}[ \-]){{0,3}}[A-ZÄÖÜ]?[a-zß-öø-ÿ\-]*(?i:{alternation(w.DE_NL_STREET_SUFFIXES)})"
    rf"[ \t]{_NUMBER}(?!\w){_UNIT}"
)
_MILITARY = re.compile(
    rf"(?:Unit \d{{4}} Box \d{{4}}|PSC \d{{4}}, Box \d{{4}}|(?:USNS|USNV|USS|USCGC) {W})"
    r"\s*\n?\s*[ADF]PO A[AEP] \d{5}"
)
_FR_TYPES = frozenset(t.lower() for t in w.FR_STREET_TYPES)
_EN_TYPES = frozenset(w.EN_STREET_TYPES)
_ES_IT_TYPES = frozenset(w.ES_IT_STREET_TYPES)
_DE_NL_SUFFIXES = tuple(w.DE_NL_STREET_SUFFIXES)

NUMBER_FIRST = "number, street, type"


def street_lines(index: TextIndex) -> Iterator[tuple[str, int, int]]:
    """(form, start, end) of each street line candidate; they may overlap."""
    yield from _from_capitalised(index)
    yield from _from_numbers(index)
    text = index.text
    for pos in index.positions("C/") + index.positions("C. "):
        es = _ES_IT.match(text, pos)
        if es is not None and free_before(text, pos):
            yield "type, name, number", pos, es.end()
    for pos in index.positions("PO A"):
        for mil in _MILITARY.finditer(text, max(0, pos - 40), min(len(text), pos + 12)):
            yield "military address", mil.start(), mil.end()


def _from_capitalised(index: TextIndex) -> Iterator[tuple[str, int, int]]:
    text, shape = index.text, index.shape
    for start, end in index.capitalised:
        word = text[start:end]
        if word in _EN_TYPES:
            span = _en_street_ending_at(text, start, end)
            if span is not None:
                yield NUMBER_FIRST, span[0], span[1]
        if word in _ES_IT_TYPES or (
            end < len(text) and text[end] in "./" and word + text[end] in _ES_IT_TYPES
        ):
            es = _ES_IT.match(text, start)
            if es is not None and free_before(text, start):
                yield "type, name, number", start, es.end()
        # German and Dutch street names end in a suffix and are followed by the number.
        if shape[end : end + 2] == b" d" or shape[end : end + 3] == b". d":
            low = word.lower()
            if low.endswith(_DE_NL_SUFFIXES) or (low + text[end]).endswith(_DE_NL_SUFFIXES):
                for de in _DE_NL.finditer(text, max(0, start - 48), min(len(text), end + 24)):
                    if de.start() <= start < de.end():
                        yield "street name, number", de.start(), de.end()
                        break


def _from_numbers(index: TextIndex) -> Iterator[tuple[str, int, int]]:
    text = index.text
    for pos in index.find_all(b"d, a") + index.find_all(b"d a"):
        first = pos
        while first > 0 and text[first - 1].isdigit():
            first -= 1
        word = text[pos + 2 : pos + 16].lstrip().split(" ", 1)[0].lower()
        if word in _FR_TYPES and free_before(text, first):
            fr = _FR.match(text, first)
            if fr is not None:
                yield "number, voie, name", first, fr.end()
    for start, end, digits in index.runs:
        # "rue Peron\n64664 Buisson": a street without a number, told by the postcode below.
        if digits != 5 or end - start != 5 or start < 2 or text[start - 1] != "\n":
            continue
        floor = max(0, start - 64)
        line = max(text.rfind("\n", floor, start - 1) + 1, floor)
        fr = _FR_NO_NUMBER.search(text, line, start - 1)
        if fr is not None and not text[fr.end() : start].strip() and free_before(text, fr.start()):
            yield "voie, name", fr.start(), fr.end()


def _en_street_ending_at(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The number-first street line whose street type is the word at ``start``."""
    head = _EN_HEAD.search(text, max(0, start - 64), start)
    if head is None or not free_before(text, head.start()):
        return None
    m = _EN.match(text, head.start())
    return (m.start(), m.end()) if m is not None and m.end() >= end else None
