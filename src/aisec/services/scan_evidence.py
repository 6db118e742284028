"""What the scans linked to an AI system show about it, judged per scanned target.

One rule, for the gate (:mod:`aisec.services.gating`) and for control coverage
(:mod:`aisec.services.governance_coverage`): for each distinct target scanned for the
system, the latest linked scan that covered it decides. A later scan of something else
(``aisec scan emptydir --system S``) must not hide a critical finding in a model it never
looked at, nor take away the evidence that model's scan gave; a rescan of a model replaces
that model's evidence only. A scan's findings and signatures count only for the targets it
is the latest of (:func:`aisec.governance.gates.snapshot.latest_per_target`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from aisec.governance.gates import snapshot as snap
from aisec.governance.gates.state import FindingRecord, SignatureRecord

if TYPE_CHECKING:
    from aisec.store.store import Store
    from aisec.store.tracking import StoredFinding, StoredRun


@dataclass(frozen=True)
class ScanEvidence:
    """One linked scan that is the latest of some targets, and what it shows for them."""

    scan: StoredRun
    targets: tuple[str, ...]  # the targets it is the latest of; "" for a scan without any
    findings: tuple[FindingRecord, ...]  # counted (see :func:`counted_findings`) for those
    signatures: tuple[SignatureRecord, ...]  # per model of those targets

    @property
    def named_targets(self) -> tuple[str, ...]:
        return tuple(t for t in self.targets if t)


def latest_scans(store: Store, system: str, today: date) -> list[ScanEvidence]:
    """Per target scanned for ``system``, its latest linked scan and what that scan showed
    about it, newest scan first; findings triaged as of ``today``."""
    runs = store.runs.for_system(system, "scan")  # newest first
    out: list[ScanEvidence] = []
    for scan, targets in snap.latest_per_target(runs):
        seen, counted = counted_findings(store, scan, today)
        findings = tuple(snap.finding(f) for f in counted if snap.decided_by(scan, targets, f.path))
        signatures = tuple(
            s
            for s in snap.signatures(scan, seen)
            if s.model in targets or s.model not in scan.targets
        )
        out.append(ScanEvidence(scan, targets, findings, signatures))
    return out


def counted_findings(
    store: Store, scan: StoredRun, today: date
) -> tuple[list[StoredFinding], list[StoredFinding]]:
    """What ``scan`` saw, and of that what counts against the system: not excused by
    triage, not suppressed in that run (a finding in a baseline still counts: a release
    gate does not inherit CI's tolerance)."""
    from aisec.store.tracking import FindingFilter

    seen = store.findings.list(FindingFilter(run_id=scan.id), today=today)
    suppressed = _suppressed(store, scan.id)
    counted = [f for f in seen if snap.counts(f) and f.fingerprint not in suppressed]
    return seen, counted


def _suppressed(store: Store, run_id: str) -> set[str]:
    """The fingerprints a suppression covered in that run. The repositories do not give a
    finding's disposition per run, so it is read from the link table directly."""
    from sqlalchemy import select

    from aisec.store.models import FindingRecord as FindingRow
    from aisec.store.models import RunFinding

    query = (
        select(FindingRow.fingerprint)
        .join(RunFinding, RunFinding.finding_id == FindingRow.id)
        .where(RunFinding.run_id == run_id, RunFinding.disposition == "suppressed")
    )
    with store.engine.connect() as connection:
        return set(connection.scalars(query))
