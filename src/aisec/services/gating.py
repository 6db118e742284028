"""A gate as users run it: the system's state read from the store, then the policy judged.

:func:`system_state` is the store-backed snapshot of docs/adr/0020-policy-gates.md; the
rules that turn stored records into snapshot records are in
:mod:`aisec.governance.gates.snapshot`. Runs count for a system only through their link
(``--system`` on ``aisec scan`` and ``aisec test``, or ``store.runs.link_system``): a run
of the same files that nobody linked is not evidence about this system.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from aisec.core.errors import ConfigError
from aisec.governance.gates import snapshot as snap
from aisec.governance.gates.state import FindingRecord, ScanRecord, SignatureRecord, SystemState

if TYPE_CHECKING:
    from aisec.governance.gates.policy import Policy
    from aisec.governance.gates.result import GateResult
    from aisec.store.store import Store
    from aisec.store.tracking import StoredRun


class UnknownSystem(ConfigError):
    """No AI system of that name in the inventory: exit 2, never a verdict."""


def system_state(store: Store, system: str, today: date) -> SystemState:
    """The snapshot of ``system`` on ``today``, from the store.

    ``tiers`` from the latest final classification; ``last_scan`` and the open findings
    from the latest linked scan run (triage state open on ``today``, not suppressed in that
    run; a finding in a baseline still counts: a release gate does not inherit CI's
    tolerance); the latest measurements per test from the linked test runs; every
    assessment, evidence, approval decision and risk; signatures from the latest scan;
    incidents not closed. UnknownSystem if the inventory has no such system.
    """
    from aisec.store.records import SystemAsset

    if store.inventory.find(SystemAsset, system) is None:
        raise UnknownSystem(
            f"no AI system named {system!r} in the inventory",
            hint="see aisec inventory list system; add it with aisec inventory add system",
        )
    classification = store.assessments.latest(system, snap.CLASSIFICATION)
    scans = store.runs.for_system(system, "scan")
    scan = scans[0] if scans else None
    last_scan: ScanRecord | None = None
    findings: tuple[FindingRecord, ...] = ()
    signatures: tuple[SignatureRecord, ...] = ()
    if scan is not None:
        last_scan = ScanRecord(scan.id, snap.utc_day(scan.started_at))
        findings, signatures = _scan_evidence(store, scan, today)
    tests = store.runs.for_system(system, "test")
    measured = snap.latest_measurements((run, store.runs.measurements(run.id)) for run in tests)
    return SystemState(
        system=system,
        today=today,
        tiers=snap.tiers(classification),
        last_scan=last_scan,
        findings=findings,
        measurements=measured,
        assessments=tuple(snap.assessment(a) for a in store.assessments.list(system)),
        evidence=tuple(snap.evidence(e) for e in store.evidence.list(system)),
        approvals=tuple(snap.approval(a) for a in store.approvals.list(system)),
        signatures=signatures,
        incidents=tuple(snap.incident(i) for i in store.incidents.list(system, open_only=True)),
        risks=tuple(snap.risk(r) for r in store.risks.list(system)),
    )


def _scan_evidence(
    store: Store, scan: StoredRun, today: date
) -> tuple[tuple[FindingRecord, ...], tuple[SignatureRecord, ...]]:
    from aisec.store.tracking import FindingFilter, TriageState

    seen = store.findings.list(FindingFilter(run_id=scan.id), today=today)
    suppressed = _suppressed(store, scan.id)
    findings = tuple(
        snap.finding(f)
        for f in seen
        if f.state is TriageState.OPEN and f.fingerprint not in suppressed
    )
    return findings, snap.signatures(scan, seen)


def _suppressed(store: Store, run_id: str) -> set[str]:
    """The fingerprints a suppression covered in that run. The repositories do not give a
    finding's disposition per run, so it is read from the link table directly."""
    from sqlalchemy import select

    from aisec.store.models import FindingRecord, RunFinding

    query = (
        select(FindingRecord.fingerprint)
        .join(RunFinding, RunFinding.finding_id == FindingRecord.id)
        .where(RunFinding.run_id == run_id, RunFinding.disposition == "suppressed")
    )
    with store.engine.connect() as connection:
        return set(connection.scalars(query))


def run_gate(store: Store, policy: Policy, system: str, today: date) -> GateResult:
    from aisec.governance.gates.engine import evaluate

    return evaluate(policy, system_state(store, system, today))
