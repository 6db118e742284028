"""Context words near a candidate: the cheap evidence that lifts an ambiguous number.

Looking a word up is a set lookup over the few tokens in a bounded window on each side of
the match, so the cost per candidate does not depend on the text or on the word list.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_TOKEN = re.compile(r"[^\W\d_](?:[\w#'’\-]|\.(?=\w))*\.?")
_LETTER = re.compile(r"[^\W\d_]")  # every word and phrase starts with one


class ContextWords:
    """A case-insensitive set of words and phrases looked up around a match."""

    __slots__ = ("_after", "_before", "_phrases", "_words")

    def __init__(self, words: Iterable[str], *, before: int = 48, after: int = 24) -> None:
        lowered = {w.lower() for w in words}
        if not lowered:
            raise ValueError("a context needs at least one word")
        self._words = frozenset(w for w in lowered if " " not in w)
        self._phrases = tuple(sorted((w for w in lowered if " " in w), key=len, reverse=True))
        self._before = before
        self._after = after

    def near(self, text: str, start: int, end: int) -> str | None:
        """The context word closest before the match, else one right after it, else None.

        Windows stop at a NUL: the values of a column are searched as one text joined by a
        separator holding one, and a word in the neighbouring value is no context.
        """
        before = text[max(0, start - self._before) : start]
        found = self.in_window(before[before.rfind("\x00") + 1 :], last=True)
        if found is None and self._after:
            after = text[end : end + self._after]
            cut = after.find("\x00")
            found = self.in_window(after if cut < 0 else after[:cut], last=False)
        return found

    def in_window(self, window: str, *, last: bool) -> str | None:
        """A context word in ``window`` (the one nearest its end if ``last``)."""
        if _LETTER.search(window) is None:
            return None  # digits and punctuation only, as between the values of a number column
        low = window.lower()
        for phrase in self._phrases:
            if phrase in low and _bounded(low, phrase):
                return phrase
        tokens: list[str] = _TOKEN.findall(low)
        for token in reversed(tokens) if last else tokens:
            if token in self._words:
                return token
            bare = token.rstrip(".")
            if bare in self._words:
                return bare
        return None


def _bounded(text: str, phrase: str) -> bool:
    i = text.find(phrase)
    while i != -1:
        before = text[i - 1] if i else " "
        j = i + len(phrase)
        after = text[j] if j < len(text) else " "
        if not before.isalnum() and not after.isalnum():
            return True
        i = text.find(phrase, i + 1)
    return False


def context_reason(word: str | None, hinted: bool) -> str:
    if hinted:
        return "column name"
    return f"context word '{word}'" if word else ""
