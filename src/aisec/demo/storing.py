"""The demo's second half: what a scan leaves in the store, and the AI-BOM it yields.

The demo files are discovered as the assets of one AI system, the scan run is recorded
beside the discovery, and the system's CycloneDX AI-BOM is written from the store, so
that one command shows the inventory, findings over time and the BOM on the embedded
SQLite default (or the configured database).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from aisec.core.registry import Registry
from aisec.core.run import Run
from aisec.core.settings import Settings

DEMO_SYSTEM = "tumour-screening-demo"


@dataclass(frozen=True)
class Stored:
    store: str
    run_id: str
    models: int
    datasets: int
    components: int
    vulnerabilities: int
    bom: Path


def store_demo(
    directory: Path, run: Run, settings: Settings, registry: Registry, bom: Path
) -> Stored:
    """Discover ``directory`` into the store as the demo system, record ``run``, and
    write the system's AI-BOM to ``bom``. Raises AisecError when the store is unusable."""
    from aisec.discovery import discover
    from aisec.discovery.recording import record
    from aisec.services.bom import system_bom
    from aisec.store import open_store

    report = discover(directory, settings, registry=registry)
    with open_store(settings=settings) as store:
        found = record(report, store, system=DEMO_SYSTEM)
        stored = store.runs.record(run, exit_code=run.exit_code(settings.fail_on))
        document = system_bom(store, DEMO_SYSTEM)
        location = store.url
    bom.write_text(document, encoding="utf-8")
    parsed = json.loads(document)
    return Stored(
        store=location,
        run_id=stored.id,
        models=found.models,
        datasets=found.datasets,
        components=len(parsed.get("components", [])),
        vulnerabilities=len(parsed.get("vulnerabilities", [])),
        bom=bom,
    )
