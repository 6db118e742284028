"""The risk register as users run it: gather what the store knows about an AI system (its
latest classification, the open findings and the measurements of the runs linked to it),
propose risks from it, merge them into the stored register and keep the result.

One path for ``aisec govern risks propose``, the reports and later the dashboard."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from aisec.core.errors import RecordNotFound
from aisec.services.governance import KIND

if TYPE_CHECKING:
    from aisec.core.finding import Finding
    from aisec.core.run import Measurement
    from aisec.governance.classify import Classification
    from aisec.governance.risks import Risk
    from aisec.store.records import SystemAsset
    from aisec.store.store import Store
    from aisec.store.tracking import StoredAssessment, StoredFinding


def system_named(store: Store, name: str) -> SystemAsset:
    """The inventory's AI system called ``name`` (or with that id); RecordNotFound else."""
    from aisec.store.records import SystemAsset

    found = store.inventory.find(SystemAsset, name) or store.inventory.get(SystemAsset, name)
    if found is None:
        hint = "add it with: aisec inventory add system --name NAME"
        raise RecordNotFound(f"no AI system {name!r} in the inventory", hint=hint)
    return found


@contextmanager
def locked_system(store: Store, system: str) -> Iterator[None]:
    """One write transaction holding ``system``'s row lock (name or id) for a
    read-modify-write: see :meth:`aisec.store.store.Store.system_transaction`."""
    with store.system_transaction(system):
        yield


def classification_of(
    store: Store, system: str
) -> tuple[StoredAssessment | None, Classification | None]:
    """The latest final classification assessment, and the classification it stands for.

    The stored result is JSON without a reader back to the engine's type, so the answers
    are classified again as of the same day and with the same roles and dates; a
    questionnaire the engine no longer accepts gives no classification, not an error."""
    from aisec.core.errors import AisecError
    from aisec.governance.classify import classify

    stored = store.assessments.latest(system, KIND)
    if stored is None:
        return None, None
    roles = stored.result.get("roles") or ["provider"]
    amended = bool(stored.result.get("use_amended_dates", True))
    try:
        result = classify(stored.answers, roles=list(roles), as_of=stored.as_of,
                          use_amended_dates=amended)  # fmt: skip
    except AisecError:
        return stored, None
    return stored, result


def open_findings(store: Store, system: str) -> list[StoredFinding]:
    """The open findings any run linked to ``system`` saw, each once, worst first."""
    from aisec.store.tracking import FindingFilter, TriageState

    seen: dict[str, StoredFinding] = {}
    for run in store.runs.for_system(system):
        for found in store.findings.list(FindingFilter(state=TriageState.OPEN, run_id=run.id)):
            seen.setdefault(found.fingerprint, found)
    return sorted(seen.values(), key=lambda f: (-int(f.severity), f.check_id, f.location))


def linked_measurements(store: Store, system: str) -> list[Measurement]:
    """The measurements of the runs linked to ``system``: of each name, the newest only,
    since an older run's reading of the same metric is superseded, not a second one."""
    seen: dict[str, Measurement] = {}
    for run in store.runs.for_system(system):  # newest first
        for m in store.runs.measurements(run.id):
            seen.setdefault(m.name, m)
    return list(seen.values())


def as_finding(stored: StoredFinding) -> Finding:
    """The engine's finding for a stored one; the store keeps no confidence, and what it
    kept was seen often enough to be recorded, so full confidence stands in."""
    from aisec.core.finding import Finding, Location

    return Finding(
        check_id=stored.check_id, severity=stored.severity, title=stored.title,
        message=stored.message, location=Location(path=stored.path),
        evidence=dict(stored.evidence), remediation=stored.remediation, refs=stored.refs,
        fingerprint=stored.fingerprint,
    )  # fmt: skip


@dataclass(frozen=True)
class Proposed:
    new: list[Risk] = field(default_factory=list)
    changed: list[Risk] = field(default_factory=list)
    unchanged: list[Risk] = field(default_factory=list)


def propose_risks(store: Store, system: str, *, actor: str) -> Proposed:
    """Propose risks for ``system`` from what the store holds, merge them with its
    register (people's decisions and edits kept) and store the new and changed ones."""
    from aisec.governance.risks import (
        merge,
        propose_from_classification,
        propose_from_findings,
        propose_from_measurements,
    )

    name = system_named(store, system).name
    _, classification = classification_of(store, name)
    findings = [as_finding(f) for f in open_findings(store, name)]
    proposed = propose_from_findings(name, findings, classification=classification)
    proposed += propose_from_measurements(
        name, linked_measurements(store, name), classification=classification
    )
    if classification is not None:
        # Duties already evidenced need no risk of being unmet; today in UTC, as the gate.
        today = datetime.now(UTC).date()
        evidenced = {r for e in store.evidence.list(name) if not e.expired(today) for r in e.refs}
        proposed += propose_from_classification(name, classification, evidenced=evidenced)
    out = Proposed()
    # One transaction: a register half merged would mix two proposals. The register is
    # read inside it, under the system's lock: read before, a `risks set` landing in
    # between would be overwritten by merge()'s stale copy of that risk.
    with locked_system(store, name):
        existing = {risk.id: risk for risk in store.risks.list(name)}
        for risk in merge(existing.values(), proposed):
            old = existing.get(risk.id)
            if old == risk:
                out.unchanged.append(risk)
                continue
            store.risks.upsert(risk, actor=actor)
            (out.new if old is None else out.changed).append(risk)
    return out
