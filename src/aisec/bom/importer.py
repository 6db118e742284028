"""Putting a :class:`BomContent` into the inventory: upserts by natural key (ADR 0010), so
importing a document twice changes nothing, and the relations it states are restored."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from aisec.bom.content import BomContent, bom_ref
from aisec.store.records import Asset

if TYPE_CHECKING:
    from aisec.store.component_records import ComponentRepository
    from aisec.store.repositories import InventoryRepository


@dataclass
class Imported:
    """How many records of each kind the document held (added or merged)."""

    system: str
    counts: dict[str, int] = field(default_factory=dict)
    links: int = 0


def import_content(
    content: BomContent,
    inventory: InventoryRepository,
    components: ComponentRepository | None = None,
) -> Imported:
    """Upsert every asset of ``content`` and link them as it says. Libraries need the
    component repository; without one they are left out."""
    stored: dict[str, Asset] = {}
    result = Imported(system=content.root.name)
    for vendor in content.vendors:
        stored[f"vendor:{vendor.name}"] = inventory.upsert(vendor)
    groups: list[list[Asset]] = [
        list(content.datasets),
        list(content.models),
        list(content.endpoints),
    ]
    for group in groups:
        for asset in group:
            stored[bom_ref(asset)] = inventory.upsert(asset)
            result.counts[asset.kind] = result.counts.get(asset.kind, 0) + 1
    if components is not None:
        for library in content.libraries:
            components.upsert(library)
            result.counts["dependency"] = result.counts.get("dependency", 0) + 1
    system = inventory.upsert(content.root)
    result.counts["system"] = 1
    for model_ref, vendor_name in content.supplied_by.items():
        result.links += _link(inventory, stored, model_ref, f"vendor:{vendor_name}")
    for model_ref, dataset_refs in content.trained_on.items():
        for dataset_ref in dataset_refs:
            result.links += _link(inventory, stored, model_ref, dataset_ref)
    for ref in content.uses:
        if ref in stored:
            inventory.link(system, stored[ref])
            result.links += 1
    return result


def _link(inventory: InventoryRepository, stored: dict[str, Asset], first: str, second: str) -> int:
    if first in stored and second in stored:
        inventory.link(stored[first], stored[second])
        return 1
    return 0
