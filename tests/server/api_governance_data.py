"""Builders shared by the governance API tests: a system in the inventory, a complete
high-risk questionnaire (credit scoring, Annex III 5(b)), a scan linked to the system
with an open critical finding, and reading the audit log."""

from __future__ import annotations

from pathlib import Path

from aisec.core.finding import Finding, Location
from aisec.core.run import Run
from aisec.core.severity import Severity
from aisec.store import SystemAsset
from classify_answers import complete

API = "/api/v1"
SYSTEM = "credit-scoring"
POLICY = Path(__file__).resolve().parents[2] / "examples" / "high-risk-release-policy.yaml"


def add_system(store, name: str = SYSTEM) -> SystemAsset:
    return store.inventory.add(
        SystemAsset(name=name, owner="risk team", intended_purpose="creditworthiness")
    )


def high_risk_answers() -> dict[str, object]:
    return complete(subject="ai-system", annex_iii_use_cases=["AnnexIII.5(b)"])


def linked_scan(store, system: str = SYSTEM) -> str:
    """A recorded scan with an open critical pickle finding, linked to ``system``."""
    found = Finding.create(
        check_id="modelfile.pickle.dangerous-call",
        severity=Severity.CRITICAL,
        title="pickle calls os.system",
        message="the pickle imports os.system",
        location=Location("models/credit.pkl"),
        key="os.system",
    )
    run = Run("scan", ["models"], "0.1.0", {"fail_on": "high"}, findings=[found])
    run.finish()
    stored = store.runs.record(run)
    assert store.runs.link_system(stored.id, system)
    return stored.id


def audit_actions(store, actor: str) -> list[str]:
    return [e.action for e in store.audit.entries() if e.actor == actor]
