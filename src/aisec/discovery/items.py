"""What discovery finds: items with the places they were found, and the report of a walk.

Plain data, no I/O. Models and datasets become inventory assets; every other kind becomes a
stored component (docs/adr/0012).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from aisec.core.run import Run
from aisec.store.records import Place

# The kinds, in the order summaries list them.
KINDS = ("model", "dataset", "notebook", "dependency", "sdk", "loader", "mcp-server")


@dataclass
class Item:
    """One discovered thing; ``(kind, ecosystem, name, version)`` is its identity."""

    kind: str
    name: str
    version: str = ""
    ecosystem: str = ""
    details: dict[str, Any] = field(default_factory=dict)
    places: list[Place] = field(default_factory=list)

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.kind, self.ecosystem, self.name, self.version)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "name": self.name,
            "version": self.version,
            "ecosystem": self.ecosystem,
            "details": self.details,
            "places": [p.to_dict() for p in self.places],
        }


class Items:
    """Items merged by identity: a second sighting adds a place, not an item."""

    def __init__(self) -> None:
        self._by_key: dict[tuple[str, str, str, str], Item] = {}
        self._places: dict[tuple[str, str, str, str], set[Place]] = {}  # for a fast "seen"

    def add(self, item: Item) -> Item:
        kept = self._by_key.setdefault(item.key, item)
        seen = self._places.setdefault(item.key, set())
        if kept is item:
            seen.update(item.places)
        else:
            for place in item.places:
                if place not in seen:
                    seen.add(place)
                    kept.places.append(place)
            for name, value in item.details.items():
                if isinstance(value, list) and isinstance(kept.details.get(name), list):
                    kept.details[name] += [v for v in value if v not in kept.details[name]]
                else:
                    kept.details.setdefault(name, value)
        return kept

    def extend(self, items: Iterable[Item]) -> None:
        for item in items:
            self.add(item)

    def __iter__(self) -> Any:
        return iter(sorted(self._by_key.values(), key=lambda i: (KINDS.index(i.kind), i.key)))

    def __len__(self) -> int:
        return len(self._by_key)


@dataclass
class DiscoveryReport:
    """A discovery run (findings, artefacts, errors) and the items it found."""

    run: Run
    items: list[Item]
    root: str

    def counts(self) -> dict[str, int]:
        out = dict.fromkeys(KINDS, 0)
        for item in self.items:
            out[item.kind] += 1
        return out

    def of_kind(self, kind: str) -> list[Item]:
        return [i for i in self.items if i.kind == kind]

    def to_dict(self) -> dict[str, Any]:
        return {
            "root": self.root,
            "counts": self.counts(),
            "items": [i.to_dict() for i in self.items],
            "run": self.run.to_dict(),
        }
