"""Person names from context: capitalised words after a title, a "Name:" label, an
introduction ("my name is"), a greeting or a sign-off, in six languages.

Only capitalised words (found on the text's shape) are candidates; for each, the few
characters before it are compared with the trigger words by set lookups.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from aisec.data.pii import person_words as pw
from aisec.data.pii.model import VALUE_SEPARATOR, PiiMatch
from aisec.data.pii.recognisers.base import NO_HINTS
from aisec.data.pii.text_index import TextIndex

ENTITY = "PERSON"

_UPPER = "A-ZÀ-ÖØ-ÞŁŚŹŻĆŃŠŽČŘ"
_LOWER = "a-zß-öø-ÿ\u0100-\u017f"
_TOKEN = rf"(?:O['’]|Mc|Mac|D['’])?[{_UPPER}][{_LOWER}]+(?:[-'’][{_UPPER}]?[{_LOWER}]+)*"
_PARTICLE = r"(?:van|von|de|der|den|da|di|del|della|du|le|la|ten|ter|zu|dos|das|y|bin|al)"
_NAME = re.compile(rf"{_TOKEN}(?:[ \t]+(?:{_PARTICLE}[ \t]+){{0,2}}{_TOKEN}){{0,3}}")
_TITLE_RE = "|".join(sorted(map(re.escape, pw.TITLES), key=len, reverse=True))
_WHOLE_VALUE = re.compile(rf"(?:(?:{_TITLE_RE})\.?[ \t]+)?({_NAME.pattern})")

_TITLES = frozenset(t.rstrip(".") for t in pw.TITLES)
# Titles written with a full stop; "Herr." or "Madame." end a sentence instead.
_ABBREVIATED_TITLES = frozenset(pw.ABBREVIATED_TITLES)
_LABELS = frozenset(pw.LABELS)
_GREETINGS = frozenset(pw.GREETINGS)
_SIGN_OFF_ENDINGS = tuple(pw.SIGN_OFFS)
_INTRODUCTIONS = tuple(pw.INTRODUCTIONS)
_GREETING_PHRASES = tuple(g for g in pw.GREETINGS if " " in g)
# Last words of the multi-word triggers: only after one of them is the phrase compared.
_PHRASE_ENDINGS = frozenset(p.rsplit(" ", 1)[-1] for p in _INTRODUCTIONS + _GREETING_PHRASES)
_LOOK_BACK = 40


def name_span(text: str, pos: int) -> tuple[int, int] | None:
    """The run of name tokens starting at ``pos``, minus trailing words that are not names."""
    m = _NAME.match(text, pos)
    if m is None:
        return None
    tokens = m.group(0).split()
    while tokens and tokens[-1] in pw.NOT_NAMES:
        tokens.pop()
    if not tokens or tokens[0] in pw.NOT_NAMES:
        return None
    end = pos + m.group(0).rindex(tokens[-1]) + len(tokens[-1])
    if len(tokens) > 1 and re.match(r"[ \t]\d", text[end : end + 2]):
        # "Lagarde Version 2": a capitalised word before a number names a thing.
        end = pos + m.group(0).rindex(tokens[-2]) + len(tokens[-2])
    return pos, end


def looks_like_name(value: str) -> bool:
    """1-4 capitalised tokens (accents, hyphens, apostrophes), optionally after a title."""
    m = _WHOLE_VALUE.fullmatch(value.strip())
    return m is not None and m.group(1).split()[0] not in pw.NOT_NAMES


def trigger(text: str, pos: int) -> tuple[float, str] | None:
    """Score and reason when the text right before ``pos`` introduces a name.

    Called for every capitalised word, so it looks at single characters first and only
    slices out the word before when that character allows a trigger.
    """
    k = pos - 1
    while k >= 0 and text[k] in " \t":
        k -= 1
    if k < 0:
        return None
    ch = text[k]
    if ch == "\n":
        return _sign_off(text, k)
    if k == pos - 1:
        return None  # glued to what precedes it ("(Anna", "'Anna")
    if ch.isalpha():
        return _after_word(text, k)
    if ch == ".":
        # Mostly the end of the previous sentence; titles have a capital just before.
        before = text[max(0, k - 4) : k]
        if before == before.lower():
            return None
        word = _word_before(text, k)
        if word in _ABBREVIATED_TITLES:
            return 0.75, f"capitalised words after the title '{word}.'"
        return None
    if ch == ":":
        label = text[max(0, k - 24) : k].lower().rsplit("\n", 1)[-1].rpartition(". ")[2].strip()
        if label not in _LABELS:
            label = label.rsplit(" ", 1)[-1]
        return (0.8, f"capitalised words after the label '{label}:'") if label in _LABELS else None
    if ch == ",":
        word = _word_before(text, k).lower()
        return (
            (0.6, f"capitalised words after the greeting '{word}'") if word in _GREETINGS else None
        )
    return None


def _after_word(text: str, k: int) -> tuple[float, str] | None:
    """A title, a greeting or an introduction ending at ``k``."""
    word = _word_before(text, k + 1)
    if word in _TITLES:
        return 0.75, f"capitalised words after the title '{word}'"
    if word.lower() in _GREETINGS:
        return 0.6, f"capitalised words after the greeting '{word.lower()}'"
    if word.lower() not in _PHRASE_ENDINGS:
        return None
    tail = text[max(0, k - _LOOK_BACK) : k + 1].lower()
    if tail.endswith(_INTRODUCTIONS):
        phrase = next(p for p in _INTRODUCTIONS if tail.endswith(p))
        return 0.75, f"capitalised words after '{phrase}'"
    if tail.endswith(_GREETING_PHRASES):
        return 0.6, "capitalised words after a greeting"
    return None


def _word_before(text: str, end: int) -> str:
    floor = max(0, end - 24)
    start = max(text.rfind(" ", floor, end), text.rfind("\n", floor, end), floor - 1)
    return text[start + 1 : end]


def _sign_off(text: str, newline: int) -> tuple[float, str] | None:
    floor = max(0, newline - 64)
    line_start = max(text.rfind("\n", floor, newline) + 1, floor)
    line = text[line_start:newline].strip().rstrip(",!.").lower()
    if not line.endswith(_SIGN_OFF_ENDINGS):
        return None
    phrase = max((p for p in _SIGN_OFF_ENDINGS if line.endswith(p)), key=len)
    if len(line) > len(phrase) and line[-len(phrase) - 1].isalnum():
        return None  # "...bestregards" is not the sign-off
    return 0.65, f"capitalised words below the sign-off '{phrase}'"


def _noun_after_german_title(text: str, start: int, end: int) -> bool:
    """True for "Frau Umwelt": German capitalises nouns, so a title needs a name-like word."""
    word = text[start:end]
    if end < len(text) and text[end] in "-'’":
        return False  # the capitalised part of a longer token ("Kind-Weber")
    low = word.lower()
    noun = (
        word in pw.GERMAN_NOUNS
        or low.endswith(pw.GERMAN_NOUN_ENDINGS)
        or (len(word) >= 8 and low.endswith("ung"))
    )
    if not noun:
        return False
    k = start
    while k > 0 and text[k - 1] in " \t":
        k -= 1
    return _word_before(text, k) in pw.GERMAN_TITLES


class PersonRecogniser:
    entities: tuple[str, ...] = (ENTITY,)

    def find(self, index: TextIndex, hints: frozenset[str] = NO_HINTS) -> Iterator[PiiMatch]:
        text = index.text
        taken = -1
        if ENTITY in hints:
            # The text is a name column's values: each one that has a name's shape is one.
            named: list[tuple[int, int]] = []
            offset = 0
            for value in text.split(VALUE_SEPARATOR):
                stripped = value.strip()
                if stripped and looks_like_name(stripped):
                    start = offset + value.find(stripped)
                    named.append((start, start + len(stripped)))
                offset += len(value) + len(VALUE_SEPARATOR)
            for start, end in named:
                yield PiiMatch(ENTITY, start, end, 0.8, "name shape; column name")
            if named and len(named) == text.count(VALUE_SEPARATOR) + 1:
                return  # every value is a name: nothing left to search
        else:
            named = []
        spans = iter(named)
        span_end = -1
        upcoming = next(spans, None)
        for start, end in index.capitalised:
            while upcoming is not None and upcoming[0] <= start:
                span_end, upcoming = upcoming[1], next(spans, None)
            if start < max(taken, span_end) or text[start:end] in _TITLES:
                # inside a name already found, or a title: the word after it is tried next
                continue
            found = trigger(text, start)
            if found is None or _noun_after_german_title(text, start, end):
                continue
            span = name_span(text, start)
            if span is None:
                continue
            taken = span[1]
            yield PiiMatch(ENTITY, span[0], span[1], found[0], found[1])
