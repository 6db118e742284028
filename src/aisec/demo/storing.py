"""What the demo leaves in the inventory: each system with its owner, purpose and EU AI
Act role, the models and datasets discovery finds in its directory linked to it, the
runs (scans, data checks, tests) linked to it as its evidence, and its AI-BOM.

Discovery and the inventory upsert by natural key, so a second run of the demo over the
same store refreshes these records instead of adding copies.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from aisec.demo.systems import DEMO_SYSTEM, DemoSystem

if TYPE_CHECKING:
    from aisec.core.registry import Registry
    from aisec.core.run import Run
    from aisec.core.settings import Settings
    from aisec.store.store import Store
    from aisec.store.tracking import StoredRun

__all__ = ["DEMO_SYSTEM", "Inventoried", "inventory_system", "record_linked", "system_bom"]
ACTOR = "aisec demo"


@dataclass(frozen=True)
class Inventoried:
    system: str
    models: int
    datasets: int
    discovery_run: str


def inventory_system(
    store: Store, system: DemoSystem, directory: Path, settings: Settings, registry: Registry
) -> Inventoried:
    """Register ``system`` and discover ``directory`` as its assets."""
    from aisec.discovery import discover, record
    from aisec.store.records import SystemAsset

    store.inventory.upsert(
        SystemAsset(
            name=system.name, intended_purpose=system.intended_purpose, owner=system.owner,
            business_unit=system.business_unit, lifecycle_stage=system.lifecycle_stage,
            deployment_context=system.deployment_context, eu_ai_act_role=system.role,
            geography=system.geography,
        )
    )  # fmt: skip
    report = discover(directory, settings, registry=registry)
    found = record(report, store, system=system.name)
    return Inventoried(system.name, found.models, found.datasets, found.run_id)


def record_linked(
    store: Store, run: Run, settings: Settings, system: str, *, exit_code: int | None = None
) -> StoredRun:
    """Keep ``run`` with the exit code its command gives (by default the scan's verdict),
    as evidence about ``system``: coverage, risks and gates count only linked runs."""
    code = run.exit_code(settings.fail_on) if exit_code is None else exit_code
    stored = store.runs.record(run, exit_code=code)
    store.runs.link_system(stored.id, system, actor=ACTOR)
    return stored


def system_bom(store: Store, system: str) -> str:
    """The system's CycloneDX 1.6 AI-BOM, with its models' open findings as
    vulnerabilities."""
    from aisec.services.bom import system_bom as bom

    return bom(store, system)
