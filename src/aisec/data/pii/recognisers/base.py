"""What every recogniser provides: the entities it finds and one pass over a text."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

from aisec.data.pii.model import PiiMatch
from aisec.data.pii.text_index import TextIndex

NO_HINTS: frozenset[str] = frozenset()
# Characters that, right before or after a number, make it part of a longer token.
GLUE_BEFORE = frozenset("-./:,#@_+")
GLUE_AFTER = frozenset("-_@")


class Recogniser(Protocol):
    """One pass over the indexed text; ``hints`` names entities whose context is already
    known (a column called ``phone`` is context for every value in it)."""

    entities: tuple[str, ...]

    def find(self, index: TextIndex, hints: frozenset[str] = NO_HINTS) -> Iterator[PiiMatch]: ...


def free_before(text: str, start: int) -> bool:
    """True when the token starting at ``start`` is not glued to what precedes it."""
    if start == 0:
        return True
    ch = text[start - 1]
    return not ch.isalnum() and ch not in GLUE_BEFORE


def free_after(text: str, end: int) -> bool:
    """True when the token ending at ``end`` is not glued to what follows it."""
    if end >= len(text):
        return True
    ch = text[end]
    if ch.isalnum() or ch in GLUE_AFTER:
        return False
    # "1.5" or "10:30" continue the number.
    return not (ch in ".,:/" and end + 1 < len(text) and text[end + 1].isdigit())
