"""Control coverage of one AI system, from the store: what its linked runs judged, the
evidence and assessments recorded for it, and (for the EU AI Act) which obligations its
classification puts on it; :mod:`aisec.governance.coverage` applies the rules.

Which checks a run stands as evidence for:

* per scanned target, its latest linked scan (the gate's rule:
  :func:`aisec.services.scan_evidence.latest_scans`): the checks that scan ran, failed for
  a check with open findings for those targets. A scan records the checks that judged at
  least one subject (``StoredRun.checks_applied``); a scan stored before aisec kept that
  record stands for every enabled model-file check (and the signature checks when it
  verified signatures), as it always did: it cannot show which of them ran. The record is
  per scan, not per target: a scan that is still the latest of one of its targets credits
  every check it ran;
* linked test runs and detector validations (``aisec validate``): the assurance checks
  of each test type that produced measurements, taken from the newest run that ran the
  type, failed for a check with open findings
  (its failed thresholds) in that run;
* linked data checks (``aisec data check``): the quality checks the newest check of each
  dataset (or train/test pair) computed, failed for a check with open findings.

Runs count only through their link to the system, as for the gates.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from aisec.governance.coverage import CheckRun, Coverage, coverage

if TYPE_CHECKING:
    from aisec.governance.coverage_model import AssessmentLike, EvidenceLike
    from aisec.governance.gates.state import FindingRecord
    from aisec.store.store import Store
    from aisec.store.tracking import StoredRun

# The frameworks the posture report and the command show unless told otherwise.
FRAMEWORKS = ("eu-ai-act", "nist-ai-rmf", "iso-42001", "owasp-ml-2023", "mitre-atlas")
SCAN_CHECKS = "modelfile."
SIGNATURE_CHECKS = "inventory.signature."


@dataclass(frozen=True)
class SystemInputs:
    """What coverage is judged from, read once for every framework."""

    system: str
    checks_run: Mapping[str, Sequence[CheckRun]]
    evidence: Sequence[EvidenceLike]
    assessments: Sequence[AssessmentLike]
    obligations: frozenset[str] | None  # EU AI Act refs; None: never classified


def _failed_checks(findings: Iterable[FindingRecord]) -> dict[str, str]:
    """The checks with counted findings, with their first title."""
    out: dict[str, str] = {}
    for f in findings:
        out.setdefault(f.check_id, f.title)
    return out


def _test_failures(store: Store, run: StoredRun, today: date) -> dict[str, str]:
    """The checks with open, unsuppressed findings in the test run ``run``, read as the
    gate reads a scan's findings."""
    from aisec.governance.gates.snapshot import finding
    from aisec.services.scan_evidence import counted_findings

    _, counted = counted_findings(store, run, today)
    return _failed_checks(finding(f) for f in counted)


def _judged(
    check_ids: Iterable[str], run: StoredRun, failed: Mapping[str, str], subject: str = ""
) -> dict[str, CheckRun]:
    from aisec.governance.gates.snapshot import utc_day

    day = utc_day(run.started_at)
    return {c: CheckRun(run.id, day, c not in failed, failed.get(c, ""), subject)
            for c in check_ids}  # fmt: skip


def scan_checks(run: StoredRun) -> list[str]:
    """The checks ``run`` (a scan) stands as evidence for: those it recorded as run, or,
    for a scan that kept no record, every enabled model-file check."""
    from aisec.core.registry import default_registry

    if run.checks_applied is not None:
        return list(run.checks_applied)
    # Signature checks only judged anything when the scan verified signatures.
    verified = run.config.get("require_signature") is True
    prefixes = (SCAN_CHECKS, SIGNATURE_CHECKS) if verified else (SCAN_CHECKS,)
    return [c.id for c in default_registry().enabled() if c.id.startswith(prefixes)]


def _test_types(store: Store, run: StoredRun) -> set[str]:
    """The test types of ``run`` that measured something: a test that errored before its
    first measurement showed nothing, so it evidences nothing."""
    tests = run.config.get("tests")
    types = {str(t.get("name")): str(t.get("type")) for t in tests or [] if isinstance(t, Mapping)}
    measured = {str(m.params.get("test", "")) for m in store.runs.measurements(run.id)}
    return {types[name] for name in measured if name in types}


def measured_runs(store: Store, system: str) -> list[StoredRun]:
    """The system's runs that measured a model, a detector or an application: test plans
    (``aisec test``), detector validations (``aisec validate``) and red-team campaigns
    (``aisec redteam run``), newest first."""
    runs = [run for kind in ("test", "validate", "redteam")
            for run in store.runs.for_system(system, kind)]  # fmt: skip
    return sorted(runs, key=lambda run: run.started_at, reverse=True)


def checks_run(store: Store, system: str, today: date) -> dict[str, list[CheckRun]]:
    """Per check id, the runs linked to ``system`` that judged it (see the module's
    docstring for which runs those are)."""
    from aisec.assurance.plans.findings import KIND
    from aisec.core.registry import default_registry
    from aisec.services.scan_evidence import latest_scans

    out: dict[str, list[CheckRun]] = {}
    for latest in latest_scans(store, system, today):
        # The targets it is the latest of are its subject: the latest scans of other
        # targets are current evidence too, however much newer.
        subject = "\n".join(latest.targets)
        judged = _judged(scan_checks(latest.scan), latest.scan,
                         _failed_checks(latest.findings), subject)  # fmt: skip
        for check_id, judgement in judged.items():
            out.setdefault(check_id, []).append(judgement)
    assurance = default_registry().for_kind(KIND)
    seen: set[str] = set()
    for run in measured_runs(store, system):  # newest first
        fresh = _test_types(store, run) - seen
        if not fresh:
            continue
        seen |= fresh
        ids = [c.id for c in assurance if fresh & set(getattr(c, "test_types", ()))]
        for check_id, judgement in _judged(ids, run, _test_failures(store, run, today)).items():
            out.setdefault(check_id, []).append(judgement)
    checked: set[tuple[str, ...]] = set()
    for run in store.runs.for_system(system, "data-check"):  # newest first
        # Each dataset's (or train/test pair's) latest check is the current evidence.
        targets = tuple(run.targets)
        if targets in checked or run.checks_applied is None:
            continue
        checked.add(targets)
        failed = _test_failures(store, run, today)
        for check_id, judgement in _judged(run.checks_applied, run, failed,
                                           "\n".join(targets)).items():  # fmt: skip
            out.setdefault(check_id, []).append(judgement)
    return out


def _obligations(store: Store, system: str) -> frozenset[str] | None:
    from aisec.services.governance_risks import classification_of

    _, classification = classification_of(store, system)
    if classification is None:
        return None
    return frozenset(ref for duties in classification.obligations.values() for ref in
                     (d.ref for d in duties))  # fmt: skip


def gather(store: Store, system: str, today: date) -> SystemInputs:
    from aisec.services.governance_risks import system_named

    name = system_named(store, system).name
    return SystemInputs(
        system=name,
        checks_run=checks_run(store, name, today),
        evidence=store.evidence.list(name),
        assessments=store.assessments.list(name),
        obligations=_obligations(store, name),
    )


def judge(inputs: SystemInputs, framework: str, today: date, within_days: int = 30) -> Coverage:
    """Coverage of ``framework`` from inputs gathered already (the EU AI Act limited to
    the classified obligations when the system has been classified)."""
    applicable: Collection[str] | None = None
    if framework == "eu-ai-act":
        applicable = inputs.obligations
    return coverage(framework, checks_run=inputs.checks_run, evidence_records=inputs.evidence,
                    assessments=inputs.assessments, today=today, applicable=applicable,
                    within_days=within_days)  # fmt: skip


def system_coverage(
    store: Store, system: str, framework: str, today: date, within_days: int = 30
) -> Coverage:
    """The coverage of ``framework``'s requirements by what the store holds about
    ``system``; RecordNotFound for a system not in the inventory, ConfigError for an
    unknown framework."""
    return judge(gather(store, system, today), framework, today, within_days)


def posture_rows(store: Store, system: str, today: date) -> list[dict[str, Any]]:
    """Covered and total per framework of FRAMEWORKS, as the posture summary takes them."""
    inputs = gather(store, system, today)
    return [{"framework": c.framework, "covered": c.covered, "total": c.total}
            for c in (judge(inputs, f, today) for f in FRAMEWORKS)]  # fmt: skip
