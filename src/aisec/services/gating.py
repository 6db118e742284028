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


class UnknownSystem(ConfigError):
    """No AI system of that name in the inventory: exit 2, never a verdict."""


def system_state(store: Store, system: str, today: date | datetime) -> SystemState:
    """The snapshot of ``system`` at ``today``, from the store.

    ``today`` is the gate's instant (a datetime, as a normal run passes ``now``) or a day
    (``--today``), which is judged at the end of that day UTC: a deadline due at any time
    on it has passed. ``tiers`` from the latest final classification; ``scans``, the open
    findings and the signatures from the latest linked scan of each target (see
    :func:`scan_evidence`); the latest measurements per test from the linked test runs and
    detector validations; every assessment, evidence, approval decision and risk;
    incidents not closed.
    UnknownSystem if the inventory has no such system.
    """
    from aisec.services.governance_coverage import measured_runs
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
    tests = measured_runs(store, system)
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
    """The scans, open findings and signatures of ``system``, judged per target by
    :func:`aisec.services.scan_evidence.latest_scans` (the rule coverage uses too)."""
    from aisec.services.scan_evidence import latest_scans

    scans: list[ScanRecord] = []
    findings: dict[str, FindingRecord] = {}
    signatures: dict[str, SignatureRecord] = {}
    for latest in latest_scans(store, system, today):
        day = snap.utc_day(latest.scan.started_at)
        scans.append(ScanRecord(latest.scan.id, day, latest.named_targets))
        for f in latest.findings:
            findings.setdefault(f.fingerprint, f)
        for s in latest.signatures:
            signatures.setdefault(s.model, s)
    return tuple(scans), tuple(findings.values()), tuple(signatures.values())


def run_gate(store: Store, policy: Policy, system: str, today: date | datetime) -> GateResult:
    """The gate at ``today``: an instant, or a day judged at its end UTC (--today)."""
    from aisec.governance.gates.engine import evaluate

    return evaluate(policy, system_state(store, system, today))
