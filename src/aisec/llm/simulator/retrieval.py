"""The application's retrieval store: documents ranked by how many of the question's
keywords they contain, as the simplest retrieval-augmented applications do.

Words are lower-cased and crudely stemmed ("returns" and "returned" both read "return");
words every question has ("what", "my", "parcel") count for nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from aisec.llm.simulator.config import Document

_WORD = re.compile(r"[\w@.+-]+")
_STOP_WORDS = """
a an the is are was were be been am do does did doing done have has had i me my mine we us
our you your yours it its this that these those what which who whom whose when where why how
can could would should will shall may might must to of for in on at by with from into about
as and or but not no if then than so too very just also please tell know want need help hi
hello there any some all there's what's it's i'm get give show let make parcel parcels
package packages northwind thanks thank ok okay
"""
_STOP = frozenset(_STOP_WORDS.split())


def stem(word: str) -> str:
    word = word.strip(".+-").lower()
    for suffix in ("ing", "ed", "es", "s"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def keywords(text: str) -> frozenset[str]:
    found = (stem(w) for w in _WORD.findall(text[:20_000]))
    return frozenset(w for w in found if len(w) > 1 and w not in _STOP)


@dataclass(frozen=True)
class Hit:
    document: Document
    score: int


class Store:
    def __init__(self, documents: Iterable[Document]) -> None:
        self._indexed = [
            (d, keywords(" ".join(d.keywords)) if d.keywords else keywords(f"{d.title} {d.text}"))
            for d in documents
        ]

    def search(self, question: str, *, confidential: bool) -> list[Hit]:
        """Documents sharing a keyword with ``question``, best first (ties keep the store's
        order); confidential ones only when ``confidential``."""
        wanted = keywords(question)
        hits = [
            Hit(document, len(wanted & words))
            for document, words in self._indexed
            if confidential or not document.confidential
        ]
        return sorted((h for h in hits if h.score > 0), key=lambda h: -h.score)
