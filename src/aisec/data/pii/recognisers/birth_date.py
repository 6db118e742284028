"""Dates of birth: a real calendar date shortly after a birth word in one of six languages,
or any date in a column whose name says it holds birth dates."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

from aisec.data.pii.context import ContextWords
from aisec.data.pii.model import PiiMatch
from aisec.data.pii.recognisers.base import NO_HINTS, free_after, free_before
from aisec.data.pii.text_index import TextIndex

ENTITY = "DATE_OF_BIRTH"
BIRTH_WORDS = ContextWords([
    "born", "born on", "birth", "date of birth", "dob", "d.o.b.", "d.o.b", "birthday",
    "birthdate", "geboren", "geboren am", "geb.", "geburtsdatum", "geburtstag", "né", "née",
    "né le", "née le", "naissance", "date de naissance", "nacido", "nacida", "nació",
    "fecha de nacimiento", "nacimiento", "nato", "nata", "nato il", "nata il",
    "data di nascita", "nascita", "geboren op", "geboortedatum", "geb", "nací", "naci",
    "nacimiento:", "nascido", "nata il", "sono nato", "sono nata",
])  # fmt: skip
# Every birth word contains one of these; a text without any has no date of birth.
_BIRTH_STEMS = ("born", "birth", "dob", "d.o.b", "geb", "né", "naiss", "nac", "nato", "nata",
                "nasc")  # fmt: skip
# German puts the participle last: "Ich bin am 12.03.1985 geboren".
BIRTH_WORDS_AFTER = ContextWords(["geboren", "born"], before=0, after=12)

_MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    (
        "january jan januar janvier enero gennaio januari jänner janv ene gen",
        "february feb februar février fevrier febrero febbraio februari févr fevr",
        "march mar märz maerz mars marzo maart mär",
        "april apr avril abril aprile abr avr",
        "may mai mayo maggio mei mag",
        "june jun juni juin junio giugno giu",
        "july jul juli juillet julio luglio juil lug",
        "august aug august août aout agosto augustus ago",
        "september sep sept septembre septiembre settembre set",
        "october oct oktober octobre octubre ottobre okt ott",
        "november nov novembre noviembre",
        "december dec dezember décembre decembre diciembre dicembre dez dic déc",
    ),
    start=1,
):
    for _name in _names.split():
        _MONTHS[_name] = _number
_MONTH_ALT = "|".join(sorted(map(re.escape, _MONTHS), key=len, reverse=True))

_NUMERIC_DATE = re.compile(
    r"(?P<iy>\d{4})[-/.](?P<im>\d{1,2})[-/.](?P<id>\d{1,2})"
    r"|(?P<a>\d{1,2})[-/.](?P<b>\d{1,2})[-/.](?P<y>\d{4}|\d{2})"
)
# Written dates end with the year: "12 March 1985", "March 12, 1985", "12 de marzo de 1985".
_WRITTEN_DATE = re.compile(
    r"(?:(?P<td>\d{1,2})(?:st|nd|rd|th|er|º|\.)?\s(?:de\s)?(?P<tm>" + _MONTH_ALT + r")\.?,?\s"
    r"(?:de\s)?|(?P<mm>" + _MONTH_ALT + r")\.?\s(?P<md>\d{1,2})(?:st|nd|rd|th)?,?\s)\Z",
    re.I,
)
_WINDOW = 40
_WRITTEN_REACH = 28


def _date_of(groups: dict[str, str | None], year: str | None = None) -> dt.date | None:
    """The calendar date of a match, trying day-first then month-first for numeric forms."""
    g = groups
    options: list[tuple[int, int, int]] = []
    if g.get("iy"):
        options.append((int(g["iy"] or 0), int(g["im"] or 0), int(g["id"] or 0)))
    elif g.get("a"):
        y = g["y"] or ""
        full = int(y) + (0 if len(y) == 4 else (1900 if int(y) > 30 else 2000))
        options += [(full, int(g["b"] or 0), int(g["a"] or 0)),
                    (full, int(g["a"] or 0), int(g["b"] or 0))]  # fmt: skip
    elif g.get("tm") and year:
        options.append((int(year), _MONTHS[(g["tm"] or "").lower()], int(g["td"] or 0)))
    elif g.get("mm") and year:
        options.append((int(year), _MONTHS[(g["mm"] or "").lower()], int(g["md"] or 0)))
    for y4, month, day in options:
        if 1880 <= y4 <= 2100:
            try:
                return dt.date(y4, month, day)
            except ValueError:
                continue
    return None


def dates(index: TextIndex) -> Iterator[tuple[int, int]]:
    """(start, end) of every real calendar date in the text, numeric or written."""
    text = index.text
    for start, end, digits in index.runs:
        if not 4 <= digits <= 14:
            continue
        if digits == 4 and end - start == 4:
            if not _month_or_day_before(text, start):
                continue
            written = _WRITTEN_DATE.search(text, max(0, start - _WRITTEN_REACH), start)
            if written and _date_of(written.groupdict(), text[start:end]) and free_after(text, end):
                yield written.start(), end
            continue
        for m in _NUMERIC_DATE.finditer(text, start, end):
            if not free_before(text, m.start()) or not free_after(text, m.end()):
                continue
            if _date_of(m.groupdict()) is not None:
                yield m.start(), m.end()


def _after(window: str, word: str) -> str:
    at = window.lower().rfind(word)
    return window[at + len(word) :] if at >= 0 else ""


def _month_or_day_before(text: str, year: int) -> bool:
    """Cheap test before the written-date pattern: a month name or a day number precedes."""
    if year < 2 or text[year - 1] != " ":
        return False
    words = text[max(0, year - 20) : year - 1].rstrip(",. ").lower().split()[-2:]
    if words and words[-1] == "de":  # "12 de marzo de 1985"
        words = words[:-1]
    word = words[-1].rstrip(".,") if words else ""
    return word in _MONTHS or word[:1].isdigit()


class BirthDateRecogniser:
    entities: tuple[str, ...] = (ENTITY,)

    def find(self, index: TextIndex, hints: frozenset[str] = NO_HINTS) -> Iterator[PiiMatch]:
        text = index.text
        hinted = ENTITY in hints
        if not hinted and not any(stem in index.lower for stem in _BIRTH_STEMS):
            return  # most texts mention no birth at all: skip the dates
        for start, end in dates(index):
            if hinted:
                yield PiiMatch(ENTITY, start, end, 0.8, "valid date; column name")
                continue
            window = text[max(0, start - _WINDOW) : start]
            word = BIRTH_WORDS.in_window(window, last=True)
            # The birth word belongs to the first date after it, not to a later one.
            between = _after(window, word) if word is not None else ""
            if word is None or any(ch.isdigit() for ch in between) or ". " in between:
                word = BIRTH_WORDS_AFTER.in_window(text[end : end + 12], last=False)
            if word is not None:
                reason = f"valid date; context word '{word}'"
                yield PiiMatch(ENTITY, start, end, 0.85, reason)
