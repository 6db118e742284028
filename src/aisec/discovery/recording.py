"""Recording a discovery in the store: models and datasets as inventory assets, the rest as
components, and the run with its findings. Upserts by natural key, so running discovery
again adds places and refreshes details instead of duplicating anything. Given a system,
everything found is linked to it (the system is created by name if it is new)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from aisec.discovery.items import DiscoveryReport, Item
from aisec.store.component_records import ComponentRecord
from aisec.store.records import Asset, DatasetAsset, ModelAsset, SystemAsset

if TYPE_CHECKING:
    from aisec.store.store import Store


@dataclass(frozen=True)
class Recorded:
    run_id: str
    models: int
    datasets: int
    components: int
    system: str | None = None


# Column widths of the natural keys (PostgreSQL enforces them; SQLite does not).
_NAME, _COMPONENT_NAME, _VERSION, _SHORT = 200, 500, 200, 40


def _fit(text: str, limit: int) -> str:
    """``text`` within ``limit`` characters, keeping its end: of a deep path or a long
    requirement URL the end is what tells two apart."""
    return text if len(text) <= limit else "…" + text[-(limit - 1) :]


def _digests(item: Item) -> dict[str, str]:
    digest = item.details.get("sha256")
    return {"sha256": digest} if isinstance(digest, str) else {}


def record(
    report: DiscoveryReport,
    store: Store,
    *,
    exit_code: int | None = None,
    system: str | None = None,
) -> Recorded:
    """Store what ``report`` found and its run. With ``system`` (a name), link every model,
    dataset and component found to that system, creating it if it is new."""
    counts = {"model": 0, "dataset": 0, "component": 0}
    owner = store.inventory.upsert(SystemAsset(name=system)) if system is not None else None
    assets: list[Asset] = []
    for item in report.items:
        places = tuple(item.places)
        if item.kind == "model":
            model = store.inventory.upsert(
                ModelAsset(
                    name=_fit(item.name, _NAME),
                    format=str(item.details.get("format", "")),
                    framework=str(item.details.get("framework", "")),
                    digests=_digests(item),
                    discovered_at=places,
                )
            )
            assets.append(model)
            counts["model"] += 1
        elif item.kind == "dataset":
            source = str(item.details.get("format", ""))
            dataset = DatasetAsset(
                name=_fit(item.name, _NAME),
                source=source,
                digests=_digests(item),
                discovered_at=places,
            )
            assets.append(store.inventory.upsert(dataset))
            counts["dataset"] += 1
        else:
            component = store.components.upsert(
                ComponentRecord(
                    category=_fit(item.kind, _SHORT),
                    ecosystem=_fit(item.ecosystem, _SHORT),
                    name=_fit(item.name, _COMPONENT_NAME),
                    version=_fit(item.version, _VERSION),
                    details=item.details,
                    discovered_at=places,
                )
            )
            if owner is not None:
                store.components.link(owner, component)
            counts["component"] += 1
    if owner is not None:
        for asset in assets:
            store.inventory.link(owner, asset)
    stored = store.runs.record(report.run, exit_code=exit_code)
    return Recorded(
        stored.id, counts["model"], counts["dataset"], counts["component"], system=system
    )
