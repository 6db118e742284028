"""Real data for the dashboard tests: a scan of a pickle with a harmless payload (as the
demo builds it), recorded and linked to a system, and a classification of the system."""

from __future__ import annotations

import pickle
from datetime import date
from pathlib import Path

HOSTILE = "<script>alert(1)<!-- .pkl"


def trapped_pickle(directory: Path, name: str = "model.pkl") -> Path:
    from aisec.demo.artefacts import booby_trap

    path = directory / name
    path.write_bytes(booby_trap(pickle.dumps({"weights": [1.0, 2.0]}, protocol=4)))
    return path


def record_scan(store, directory: Path, *, name: str = "model.pkl", system: str | None = None):
    """Scan a trapped pickle for real and record the run; returns the stored run."""
    from aisec.core.settings import Settings
    from aisec.services.scanning import scan

    run = scan([trapped_pickle(directory, name)], Settings())
    stored = store.runs.record(run)
    if system is not None:
        store.runs.link_system(stored.id, system, actor="tests")
    return stored


def add_system(store, name: str = "credit-scoring", tier: str | None = "high-risk"):
    from aisec.services.governance import FRAMEWORK, KIND
    from aisec.store.records import SystemAsset

    system = store.inventory.add(SystemAsset(name=name, owner="risk team"))
    if tier is not None:
        store.assessments.record(
            system, KIND, framework=FRAMEWORK, answers={}, result={"tiers": [tier]},
            rationale=[], assessor="tests", as_of=date.today(),
        )  # fmt: skip
    return system


def finding_of(store, run_id: str):
    from aisec.store.tracking import FindingFilter

    found, _ = store.findings.page(FindingFilter(run_id=run_id), offset=0, limit=1)
    return found[0]
