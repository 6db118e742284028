"""From the store's plain records to a gate's snapshot records.

Pure functions over what the repositories return (no database here), so that each rule of
the snapshot — which tiers, which findings, which measurements, which signature status —
is tested without a store. :func:`aisec.services.gating.system_state` reads the store and
calls these. Every rule is fail closed: what cannot be shown is left out, and the
conditions that need it fail.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from aisec.governance.gates.state import (
    ApprovalRecord,
    AssessmentRecord,
    EvidenceRecord,
    FindingRecord,
    IncidentRecord,
    MeasurementRecord,
    RiskRecord,
    SignatureRecord,
    aware,
)

if TYPE_CHECKING:
    from aisec.core.run import Measurement
    from aisec.governance.risks.model import Risk
    from aisec.store.governance_records import StoredApproval, StoredEvidence, StoredIncident
    from aisec.store.tracking import StoredAssessment, StoredFinding, StoredRun

CLASSIFICATION = "eu-ai-act-classification"
SIGNATURE_CHECKS = "inventory.signature."
_INVALID = ("inventory.signature.invalid", "inventory.signature.content-changed")
_EXCUSED = ("accepted-risk", "false-positive")  # TriageState values
COMPLETE_REPORT_PENDING = "complete report pending"


def utc_day(moment: datetime) -> date:
    return moment.astimezone(UTC).date() if moment.tzinfo else moment.date()


def latest_per_target(scans: Sequence[StoredRun]) -> list[tuple[StoredRun, tuple[str, ...]]]:
    """Each scan that is the latest of some target, with those targets; ``scans`` newest
    first. Findings are judged per target: a later scan of something else (an empty
    directory) says nothing about a model scanned before, whose latest scan still
    stands. Targets are compared as fingerprints see paths (``./m.onnx`` is ``m.onnx``);
    the latest scan without targets stands for ``""`` (its findings are kept)."""
    from aisec.core.finding import fingerprint_path

    taken: set[str] = set()
    out: list[tuple[StoredRun, tuple[str, ...]]] = []
    for scan in scans:
        targets = [str(t) for t in scan.targets] or [""]  # "": the scan without targets
        mine = tuple(dict.fromkeys(t for t in targets if fingerprint_path(t) not in taken))
        taken.update(fingerprint_path(t) for t in targets)
        if mine:
            out.append((scan, mine))
    return out


def decided_by(scan: StoredRun, targets: Sequence[str], path: str) -> bool:
    """Whether a finding at ``path`` of ``scan`` is for one of ``targets`` (the targets
    this scan is the latest of). A path under none of the scan's targets is kept: it
    cannot be shown that a later scan covered it (fail closed)."""
    all_targets = [str(t) for t in scan.targets]
    owner = _owner(path, all_targets)
    return owner in targets or owner not in all_targets


def tiers(classification: StoredAssessment | None) -> tuple[str, ...] | None:
    """The system's tiers and its GPAI tier; None when never classified (or the result
    has no tiers to read, which must not pass as "in no tier")."""
    if classification is None:
        return None
    result = classification.result
    system_tiers = result.get("system_tiers")
    if not isinstance(system_tiers, (list, tuple)):
        return None
    gpai = result.get("gpai_tier")
    return tuple(str(t) for t in system_tiers) + ((str(gpai),) if gpai else ())


def counts(stored: StoredFinding) -> bool:
    """Whether a finding the latest scan still sees counts against the system.

    Only an unexpired ``accepted-risk`` or a ``false-positive`` excuses it — both carry a
    justification (an expired acceptance is already ``open`` again in ``state``). ``fixed``
    does not: a finding the latest scan still sees is not fixed, and marking it so takes
    no justification, so it must not open the gate.
    """
    if stored.state.value not in _EXCUSED:
        return True
    return stored.triage is None or not stored.triage.justification.strip()


def finding(stored: StoredFinding) -> FindingRecord:
    first = stored.first_seen_at
    return FindingRecord(
        check_id=stored.check_id,
        severity=stored.severity.label,
        fingerprint=stored.fingerprint,
        title=stored.title,
        refs=tuple(stored.refs),
        first_seen=utc_day(first) if first is not None else None,
    )


def latest_measurements(
    runs: Iterable[tuple[StoredRun, Sequence[Measurement]]],
) -> tuple[MeasurementRecord, ...]:
    """The latest measurements per test: ``runs`` newest first, and a test's measurements
    come from the newest run that has that test, so that an older run of another plan
    still counts but an older run of the same test does not."""
    out: list[MeasurementRecord] = []
    taken: set[str] = set()
    for run, measurements in runs:
        day = utc_day(run.started_at)
        here: set[str] = set()
        for m in measurements:
            test = str(m.params.get("test", ""))
            if test in taken:
                continue
            here.add(test)
            out.append(_measurement(m, test, run.id, day))
        taken |= here
    return tuple(out)


def _measurement(m: Measurement, test: str, run_id: str, day: date) -> MeasurementRecord:
    return MeasurementRecord(
        test=test,
        name=m.name,
        value=m.value,
        ci_low=m.ci_low,
        ci_high=m.ci_high,
        n=m.n,
        params=dict(m.params),
        run_id=run_id,
        run_date=day,
    )


def signatures(scan: StoredRun, seen: Iterable[StoredFinding]) -> tuple[SignatureRecord, ...]:
    """Per scanned model: ``verified`` when the scan verified signatures and found nothing
    wrong, ``invalid`` or ``missing`` from its inventory.signature.* findings (whatever
    their triage: a waived signature is still not a verified one), and ``unknown`` when
    the scan did not verify signatures at all."""
    targets = [str(t) for t in scan.targets] or ["(scan)"]
    if not _verified_signatures(scan.config):
        return tuple(
            SignatureRecord(t, "unknown", f"scan {scan.id} did not verify signatures")
            for t in targets
        )
    problems: dict[str, list[StoredFinding]] = {}
    for f in seen:
        if f.check_id.startswith(SIGNATURE_CHECKS):
            problems.setdefault(_owner(f.path, targets), []).append(f)
    out = []
    for model in dict.fromkeys([*targets, *problems]):
        found = problems.get(model, [])
        if not found:
            out.append(SignatureRecord(model, "verified", f"verified by scan {scan.id}"))
            continue
        status = "invalid" if any(f.check_id in _INVALID for f in found) else "missing"
        detail = "; ".join(dict.fromkeys(f.message or f.title for f in found))
        out.append(SignatureRecord(model, status, detail))
    return tuple(out)


def _verified_signatures(config: Mapping[str, Any]) -> bool:
    return config.get("require_signature") is True


def _owner(path: str, targets: Sequence[str]) -> str:
    """The scan target a finding's path lies in (the path itself if none)."""
    from aisec.core.finding import fingerprint_path

    for target in targets:
        root = fingerprint_path(target)
        if path == root or path.startswith(root.rstrip("/") + "/"):
            return target
    return path


def assessment(stored: StoredAssessment) -> AssessmentRecord:
    return AssessmentRecord(
        stored.id, stored.kind, stored.status, stored.as_of, aware(stored.created_at)
    )


def evidence(stored: StoredEvidence) -> EvidenceRecord:
    return EvidenceRecord(
        stored.title, tuple(stored.refs), stored.valid_until, stored.id, stored.valid_from
    )


def approval(stored: StoredApproval) -> ApprovalRecord:
    return ApprovalRecord(
        scope=stored.scope,
        decision=stored.decision,
        approver=stored.approver,
        expires_on=stored.expires_on,
        decided_on=utc_day(stored.decided_at),
        id=stored.id,
    )


def incident(stored: StoredIncident) -> IncidentRecord:
    """The incident's next unmet deadline, to the instant: the Art. 73 report's while none
    is sent. Once the initial report is sent, Art. 73(5) fixes no date for the complete
    one, but it is still owed: no deadline, and "complete report pending"."""
    due = aware(stored.deadline) if stored.status == "open" else None
    pending = COMPLETE_REPORT_PENDING if stored.status == "initial-report-sent" else ""
    return IncidentRecord(stored.id, due, stored.status, pending)


def risk(stored: Risk) -> RiskRecord:
    return RiskRecord(stored.id, stored.level, stored.status, stored.treatment, stored.title)
