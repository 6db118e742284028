"""Finding where anchors occur, fast, in text that mostly has none.

One regular expression made of every anchor is slow in Python's engine (it tries each
alternative at almost every position), while a pattern that starts with one literal character
is scanned for that character at C speed. So each anchor is split at its rarest character,
its *pivot*: anchors are grouped by pivot, and each group is one pattern that starts with the
pivot and checks the rest of every anchor around it (a look-behind for what precedes the
pivot, a look-ahead for what follows, so nothing is consumed and no anchor hides another).
On prose that means a handful of scans for characters such as ``~``, ``=``, ``_`` or ``J``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

# The pivot of an anchor is the first of these characters it contains: rare ones first, and
# few of them, since every distinct pivot costs one scan of the text.
_PREFERRED = "~=_-/JAQ"
# Otherwise its rarest character, rarest first in typical data (prose, tables, configuration).
_RARITY = "ZXKVYWUGFBPHMCLDNROSIET9876543210zqxjkvbpygfwmucldrhsnioate.:"


def _rank(char: str) -> int:
    preferred = _PREFERRED.find(char)
    if preferred >= 0:
        return preferred
    position = _RARITY.find(char)
    return len(_PREFERRED) + (len(_RARITY) if position < 0 else position)


def _has_preferred(anchor: str) -> bool:
    return any(char in _PREFERRED for char in anchor)


def _pivot(anchor: str, groups: dict[str, list[tuple[str, int]]]) -> int:
    ranked = sorted(range(len(anchor)), key=lambda index: _rank(anchor[index]))
    # A preferred character, or one that already is a pivot, costs no extra scan.
    for index in ranked:
        if anchor[index] in _PREFERRED or anchor[index] in groups:
            return index
    return ranked[0]


class PivotScanner:
    """Every occurrence of the anchors in a text, as ``(anchor, start)`` pairs."""

    def __init__(self, anchors: Iterable[str]) -> None:
        groups: dict[str, list[tuple[str, int]]] = {}
        for anchor in sorted(dict.fromkeys(anchors), key=_has_preferred, reverse=True):
            if not anchor:
                raise ValueError("an anchor cannot be empty")
            pivot = _pivot(anchor, groups)
            groups.setdefault(anchor[pivot], []).append((anchor, pivot))
        self._groups = [
            (_group_pattern(char, members), _by_prefix(members)) for char, members in groups.items()
        ]

    def sites(self, text: str) -> Iterator[tuple[str, int]]:
        for pattern, by_prefix in self._groups:
            for match in pattern.finditer(text):
                at = match.start()
                # The pattern checked what precedes the pivot (or, for anchors that start with
                # it, what follows); the anchors with that prefix are confirmed here.
                for width, table in by_prefix:
                    if width > at:
                        continue
                    for anchor in table.get(text[at - width : at], ()):
                        if text.startswith(anchor, at - width):
                            yield anchor, at - width


def _by_prefix(members: list[tuple[str, int]]) -> list[tuple[int, dict[str, list[str]]]]:
    """Anchors by the width and text of their part before the pivot."""
    tables: dict[int, dict[str, list[str]]] = {}
    for anchor, pivot in members:
        tables.setdefault(pivot, {}).setdefault(anchor[:pivot], []).append(anchor)
    return sorted(tables.items())


def _group_pattern(char: str, members: list[tuple[str, int]]) -> re.Pattern[str]:
    """``char`` where one of ``members`` may occur around it.

    Look-behinds of the same width are merged into one, whose literal alternatives the
    engine rejects on their first character: one assertion per width instead of one per
    anchor, which is most of the cost on text where the pivot is frequent.
    """
    by_width: dict[int, list[str]] = {}
    aheads: list[str] = []
    for anchor, pivot in members:
        if pivot:
            by_width.setdefault(pivot, []).append(re.escape(anchor[:pivot]))
        elif len(anchor) > 1:
            aheads.append(f"(?={re.escape(anchor[1:])})")
        else:
            aheads.append("")
    escaped = re.escape(char)
    branches = [
        f"(?<=(?:{'|'.join(dict.fromkeys(prefixes))}){escaped})"
        for _, prefixes in sorted(by_width.items())
    ]
    return re.compile(escaped + "(?:" + "|".join(branches + aheads) + ")")
