"""A gate as users run it: the system's state read from the store, then the policy judged.

:func:`system_state` is the store-backed snapshot of docs/adr/0020-policy-gates.md; the
rules that turn stored records into snapshot records are in
:mod:`aisec.governance.gates.snapshot`. Runs count for a system only through their link
(``--system`` on ``aisec scan`` and ``aisec test``, or ``store.runs.link_system``): a run
of the same files that nobody linked is not evidence about this system.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from aisec.core.errors import ConfigError
from aisec.governance.gates import snapshot as snap
from aisec.governance.gates.state import (
    FindingRecord,
    ScanRecord,
    SignatureRecord,
    SystemState,
    aware,
)

if TYPE_CHECKING:
    from aisec.governance.gates.policy import Policy
    from aisec.governance.gates.result import GateResult
    from aisec.store.store import Store
    from aisec.store.tracking import StoredFinding, StoredRun


class UnknownSystem(ConfigError):
    """No AI system of that name in the inventory: exit 2, never a verdict."""


def system_state(store: Store, system: str, today: date | datetime) -> SystemState:
    """The snapshot of ``system`` at ``today``, from the store.

    ``today`` is the gate's instant (a datetime, as a normal run passes ``now``) or a day
    (``--today``), which is judged at the end of that day UTC: a deadline due at any time
    on it has passed. ``tiers`` from the latest final classification; ``scans``, the open
    findings and the signatures from the latest linked scan of each target (see
    :func:`scan_evidence`); the latest measurements per test from the linked test runs;
    every assessment, evidence, approval decision and risk; incidents not closed.
    UnknownSystem if the inventory has no such system.
    """
    from aisec.store.records import SystemAsset

    if store.inventory.find(SystemAsset, system) is None:
        raise UnknownSystem(
            f"no AI system named {system!r} in the inventory",
            hint="see aisec inventory list system; add it with aisec inventory add system",
        )
    now: datetime | None = None
    if isinstance(today, datetime):
        now = aware(today)
        day = now.date()  # the UTC day of the instant: ages are counted in UTC days
    else:
        day = today
    classification = store.assessments.latest(system, snap.CLASSIFICATION)
    scans, findings, signatures = scan_evidence(store, system, day)
    tests = store.runs.for_system(system, "test")
    measured = snap.latest_measurements((run, store.runs.measurements(run.id)) for run in tests)
    return SystemState(
        system=system,
        today=day,
        tiers=snap.tiers(classification),
        scans=scans,
        findings=findings,
        measurements=measured,
        assessments=tuple(snap.assessment(a) for a in store.assessments.list(system)),
        evidence=tuple(snap.evidence(e) for e in store.evidence.list(system)),
        approvals=tuple(snap.approval(a) for a in store.approvals.list(system)),
        signatures=signatures,
        incidents=tuple(snap.incident(i) for i in store.incidents.list(system, open_only=True)),
        risks=tuple(snap.risk(r) for r in store.risks.list(system)),
        now=now,
    )


def scan_evidence(
    store: Store, system: str, today: date
) -> tuple[tuple[ScanRecord, ...], tuple[FindingRecord, ...], tuple[SignatureRecord, ...]]:
    """The scans, open findings and signatures of ``system``, judged per target.

    For each distinct target scanned for the system, the latest linked scan that covered
    it decides: a later scan of something else (``aisec scan emptydir --system S``) must
    not hide a critical finding in a model it never looked at. A scan's findings and
    signatures count only for the targets it is the latest of.
    """
    runs = store.runs.for_system(system, "scan")  # newest first
    scans: list[ScanRecord] = []
    findings: dict[str, FindingRecord] = {}
    signatures: dict[str, SignatureRecord] = {}
    for scan, targets in snap.latest_per_target(runs):
        named = tuple(t for t in targets if t)  # "" stands for a scan without targets
        scans.append(ScanRecord(scan.id, snap.utc_day(scan.started_at), named))
        seen, counted = _seen(store, scan, today)
        for f in counted:
            if snap.decided_by(scan, targets, f.path):
                findings.setdefault(f.fingerprint, snap.finding(f))
        for s in snap.signatures(scan, seen):
            if s.model in targets or s.model not in scan.targets:
                signatures.setdefault(s.model, s)
    return tuple(scans), tuple(findings.values()), tuple(signatures.values())


def _scan_evidence(
    store: Store, scan: StoredRun, today: date
) -> tuple[tuple[FindingRecord, ...], tuple[SignatureRecord, ...]]:
    """One scan's counted findings (see :func:`snapshot.counts`) and its signatures."""
    seen, counted = _seen(store, scan, today)
    return tuple(snap.finding(f) for f in counted), snap.signatures(scan, seen)


def _seen(
    store: Store, scan: StoredRun, today: date
) -> tuple[list[StoredFinding], list[StoredFinding]]:
    """What ``scan`` saw, and of that what counts: not excused by triage, not suppressed
    in that run (a finding in a baseline still counts: a release gate does not inherit
    CI's tolerance)."""
    from aisec.store.tracking import FindingFilter

    seen = store.findings.list(FindingFilter(run_id=scan.id), today=today)
    suppressed = _suppressed(store, scan.id)
    counted = [f for f in seen if snap.counts(f) and f.fingerprint not in suppressed]
    return seen, counted


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


def run_gate(store: Store, policy: Policy, system: str, today: date | datetime) -> GateResult:
    """The gate at ``today``: an instant, or a day judged at its end UTC (--today)."""
    from aisec.governance.gates.engine import evaluate

    return evaluate(policy, system_state(store, system, today))
