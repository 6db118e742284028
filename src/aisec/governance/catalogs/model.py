"""The one shape every framework catalogue has: metadata, and items in a tree.

An item's ``ref`` is the catalogue's ``ref_prefix`` followed by the item's id, the form
checks name it in their ``refs`` (``EU-AI-Act:Art.15``, ``NIST-AI-RMF:MEASURE 2.7``,
``AML.T0015``, ``LLM01:2025``). Titles are the publisher's headings (facts); summaries are
aisec's own one-line words, never the publisher's prose.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any


@dataclass(frozen=True, slots=True)
class Item:
    id: str
    kind: str
    title: str = ""
    summary: str = ""
    parent: str | None = None
    # Catalogue-specific facts: dates, roles, thresholds, tactic lists, statuses.
    attributes: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Catalogue:
    id: str
    title: str
    version: str
    publisher: str
    licence: str
    source: str
    retrieved: date
    ref_prefix: str
    kinds: tuple[str, ...]
    items: tuple[Item, ...]
    notes: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {item.id: item for item in self.items})

    def __iter__(self) -> Iterator[Item]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def get(self, item_id: str) -> Item | None:
        found: Item | None = self._by_id.get(item_id)  # type: ignore[attr-defined]
        return found

    def ref(self, item: Item) -> str:
        return f"{self.ref_prefix}{item.id}"

    def of_kind(self, kind: str) -> list[Item]:
        return [item for item in self.items if item.kind == kind]

    def children(self, item_id: str) -> list[Item]:
        return [item for item in self.items if item.parent == item_id]

    def item_for_ref(self, ref: str) -> Item | None:
        if not ref.startswith(self.ref_prefix):
            return None
        return self.get(ref[len(self.ref_prefix) :])

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "version": self.version,
            "publisher": self.publisher,
            "licence": self.licence,
            "source": self.source,
            "retrieved": self.retrieved.isoformat(),
            "ref_prefix": self.ref_prefix,
            "items": len(self.items),
        }
