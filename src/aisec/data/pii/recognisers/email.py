"""E-mail addresses, found from each '@' outwards so that no input makes a regex backtrack
over long runs of letters."""

from __future__ import annotations

import re
from collections.abc import Iterator

from aisec.data.pii.context import ContextWords, context_reason
from aisec.data.pii.model import PiiMatch, clamp
from aisec.data.pii.recognisers.base import NO_HINTS
from aisec.data.pii.text_index import TextIndex
from aisec.data.pii.tlds import KNOWN_TLDS

ENTITY = "EMAIL_ADDRESS"
CONTEXT = ContextWords(
    ["email", "e-mail", "mail", "contact", "courriel", "correo", "posta", "adresse", "address"]
)
_LOCAL_PUNCT = frozenset(".!#$%&'*+/=?^_`{|}~-")
_MAX_LOCAL = 64
# ``\w`` is what ``str.isalnum`` accepts plus "_", which is local-part punctuation anyway.
# The look-behind keeps the search from restarting inside a run, which would be quadratic.
_LOCAL_RUN = re.compile(r"(?<![\w.!#$%&'*+/=?^`{|}~-])[\w.!#$%&'*+/=?^`{|}~-]+\Z")
# Labels cannot contain dots, so each repetition is deterministic: linear in the input.
_DOMAIN = re.compile(
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.){1,10}([A-Za-z]{2,24})"
    r"(?![A-Za-z0-9-]|\.[A-Za-z0-9])"
)


class EmailRecogniser:
    entities: tuple[str, ...] = (ENTITY,)

    def find(self, index: TextIndex, hints: frozenset[str] = NO_HINTS) -> Iterator[PiiMatch]:
        text = index.text
        for at in index.positions("@"):
            found = _at(text, at, hints)
            if found is not None:
                yield found


def _local_start(text: str, at: int) -> int | None:
    floor = max(0, at - _MAX_LOCAL - 1)
    # The leftmost start from which only local-part characters lead up to the "@"; searched
    # in a slice so that a run longer than the window starts at the window's edge.
    run = _LOCAL_RUN.search(text[floor:at])
    i = floor + run.start() if run is not None else at
    if at - i > _MAX_LOCAL:
        return None  # local part longer than RFC 5321 allows
    while i < at and text[i] in _LOCAL_PUNCT and text[i] != "_":
        i += 1  # punctuation before the address belongs to the sentence
    if i == at or text[at - 1] == "." or ".." in text[i:at]:
        return None
    if i and text[i - 1] in ":/":
        return None  # credentials in a URL ("https://user:token@host"), not an address
    return i


def _at(text: str, at: int, hints: frozenset[str]) -> PiiMatch | None:
    start = _local_start(text, at)
    if start is None:
        return None
    m = _DOMAIN.match(text, at + 1)
    if m is None or m.end() - at - 1 > 253:
        return None
    tld = m.group(1).lower()
    hinted = ENTITY in hints
    word = None if hinted else CONTEXT.near(text, start, m.end())
    if tld in KNOWN_TLDS:
        score, reason = 0.9, f"address syntax; known top-level domain '.{tld}'"
    else:
        score, reason = 0.35, f"address syntax; unknown top-level domain '.{tld}'"
    if hinted or word:
        score += 0.3
        reason += f"; {context_reason(word, hinted)}"
    return PiiMatch(ENTITY, start, m.end(), clamp(score), reason)
