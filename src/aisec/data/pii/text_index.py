"""One cheap pass over a text that every recogniser shares.

Python's regex engine costs about 50 ns per character for a pattern that starts with a
character class, but skips quickly to a pattern that starts with a literal. So the text is
first mapped to a *shape*, one byte per character: digits become ``d``, upper-case letters
``A``, lower-case letters ``a`` (Latin-1 letters included; other letters become ``?``), and
everything else stays itself. Recognisers look for literal shapes ("AAdd" starts an IBAN,
"d" starts a number, "Aa" a capitalised word) and only then run their precise patterns,
anchored, on the real text at those offsets. Offsets are the same in both strings.
"""

from __future__ import annotations

import re
from functools import cached_property


def _shape_table() -> bytes:
    table = bytearray(range(256))
    for code in range(256):
        ch = chr(code)
        if "0" <= ch <= "9":
            table[code] = ord("d")
        elif ch.isalpha() and code not in (0xAA, 0xB5, 0xBA):
            table[code] = ord("A") if ch.isupper() else ord("a")
    table[ord("?")] = ord("?")
    return bytes(table)


_SHAPE = _shape_table()
# At least four digits joined by one or two separators: "030 1234567", "1.2.3.4", "(0161) 49".
# Shorter runs matter to no recogniser, and skipping them keeps the match count low.
_RUN = re.compile(rb"d(?:[ \-./()]{0,2}d){3,}")
# A capitalised word; the look-behind comes after the literal so the scan stays fast.
_CAPITALISED = re.compile(rb"A(?<![Aad?]A)[a?]+")


_span = re.Match.span  # unbound, so ``map`` calls it without a Python frame


class TextIndex:
    """The shape of a text and the digit runs and capitalised words found in it."""

    __slots__ = ("__dict__", "shape", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self.shape = text.encode("latin-1", "replace").translate(_SHAPE)

    @cached_property
    def runs(self) -> list[tuple[int, int, int]]:
        """(start, end, number of digits) of each run of at least four digits and separators."""
        count = self.shape.count
        return [(s, e, count(b"d", s, e)) for s, e in map(_span, _RUN.finditer(self.shape))]

    @cached_property
    def capitalised(self) -> list[tuple[int, int]]:
        """(start, end) of each word made of an upper-case letter and lower-case ones."""
        return list(map(_span, _CAPITALISED.finditer(self.shape)))

    @cached_property
    def lower(self) -> str:
        return self.text.lower()

    def find_all(self, literal: bytes) -> list[int]:
        """Offsets of a literal shape, such as b"AAdd"."""
        out: list[int] = []
        i = self.shape.find(literal)
        while i != -1:
            out.append(i)
            i = self.shape.find(literal, i + 1)
        return out

    def positions(self, char: str) -> list[int]:
        """Offsets of one character of the text itself."""
        out: list[int] = []
        i = self.text.find(char)
        while i != -1:
            out.append(i)
            i = self.text.find(char, i + 1)
        return out
