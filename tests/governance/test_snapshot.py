"""The store-backed gate snapshot: which stored records a system's state is made of, each
rule fail closed (no classification: tiers None; only linked runs; only open, unsuppressed
findings of the latest scan; the latest measurements per test; signatures only when the
scan verified them)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from aisec.core.finding import Finding, Location
from aisec.core.run import Disposition, Measurement, Run
from aisec.core.severity import Severity
from aisec.governance.gates import snapshot as snap
from aisec.services.gating import UnknownSystem, system_state
from aisec.store import open_store
from aisec.store.records import SystemAsset
from aisec.store.tracking import TriageState

TODAY = date(2026, 11, 28)


@pytest.fixture
def store(tmp_path):
    with open_store(f"sqlite:///{tmp_path / 'gate.db'}") as opened:
        opened.inventory.upsert(SystemAsset(name="credit-scoring"))
        yield opened


def finding(check: str, severity: Severity, key: str, path: str = "m.onnx") -> Finding:
    return Finding.create(
        check_id=check, severity=severity, title=check, message=f"{check} {key}",
        location=Location(path), key=key,
    )  # fmt: skip


def scan(store, findings=(), *, days_ago=0, config=None, targets=("m.onnx",), link=True) -> Run:
    run = Run("scan", list(targets), "0.1.0", {"fail_on": "high", **(config or {})})
    run.started_at = datetime(2026, 11, 28, 9, tzinfo=UTC) - timedelta(days=days_ago)
    run.findings = list(findings)
    run.finish()
    store.runs.record(run)
    if link:
        store.runs.link_system(run.id, "credit-scoring")
    return run


def test_an_unknown_system_is_an_error(store):
    with pytest.raises(UnknownSystem):
        system_state(store, "nope", TODAY)


def test_nothing_recorded_is_an_empty_unclassified_state(store):
    state = system_state(store, "credit-scoring", TODAY)
    assert state.tiers is None and state.last_scan is None
    assert state.findings == state.measurements == state.signatures == ()


def test_tiers_come_from_the_latest_final_classification(store):
    record = {
        "framework": "eu-ai-act", "answers": {}, "rationale": [], "assessor": "cco",
        "as_of": TODAY,
    }  # fmt: skip
    kind = snap.CLASSIFICATION
    store.assessments.record("credit-scoring", kind, result={"system_tiers": ["minimal"],
                             "gpai_tier": None}, **record)  # fmt: skip
    store.assessments.record("credit-scoring", kind, result={"system_tiers": ["high-risk"],
                             "gpai_tier": "gpai"}, **record)  # fmt: skip
    store.assessments.record("credit-scoring", kind, result={"system_tiers": ["prohibited"],
                             "gpai_tier": None}, status="draft", **record)  # fmt: skip
    state = system_state(store, "credit-scoring", TODAY)
    assert state.tiers == ("high-risk", "gpai")
    assert {a.status for a in state.assessments} == {"final", "draft"}


def test_a_result_without_tiers_reads_as_unclassified():
    class Stored:
        def __init__(self) -> None:
            self.result = {"tiers": ["high-risk"]}

    assert snap.tiers(Stored()) is None  # type: ignore[arg-type]
    assert snap.tiers(None) is None


def test_findings_are_the_open_unsuppressed_ones_of_the_latest_linked_scan(store):
    old = finding("modelfile.pickle.dangerous-global", Severity.CRITICAL, "old")
    scan(store, [old], days_ago=3)
    keep = finding("modelfile.onnx.custom-op-domain", Severity.HIGH, "keep")
    waived = finding("modelfile.onnx.invalid-tensor", Severity.HIGH, "waived")
    hidden = finding("modelfile.onnx.external-data-escape", Severity.CRITICAL, "hidden")
    baseline = finding("modelfile.onnx.custom-op-domain", Severity.MEDIUM, "known")
    run = Run("scan", ["m.onnx"], "0.1.0", {"fail_on": "high"})
    run.started_at = datetime(2026, 11, 28, 10, tzinfo=UTC)
    run.findings = [keep, waived, hidden, baseline]
    run.dispositions[hidden.fingerprint] = Disposition("suppressed", "vendor op", "aisec.toml")
    run.dispositions[baseline.fingerprint] = Disposition("baseline", "known", "b.json")
    run.finish()
    store.runs.record(run)
    store.runs.link_system(run.id, "credit-scoring")
    scan(store, [finding("x.y", Severity.CRITICAL, "unlinked")], link=False)  # not evidence
    store.findings.set_triage(waived.fingerprint, TriageState.FALSE_POSITIVE, actor="me",
                              justification="checked")  # fmt: skip
    state = system_state(store, "credit-scoring", TODAY)
    assert state.last_scan is not None and state.last_scan.run_id == run.id
    assert state.last_scan.run_date == TODAY
    # A baseline excuses a finding in CI, not at release: it still counts.
    assert {f.fingerprint for f in state.findings} == {keep.fingerprint, baseline.fingerprint}
    assert {f.severity for f in state.findings} == {"high", "medium"}


def test_signatures_are_unknown_unless_the_scan_verified_them(store):
    scan(store)
    (sig,) = system_state(store, "credit-scoring", TODAY).signatures
    assert sig.status == "unknown" and sig.model == "m.onnx"


def test_a_verifying_scan_gives_verified_missing_or_invalid(store):
    config = {"require_signature": True}
    scan(store, config=config, targets=("a.onnx", "b.onnx", "c.onnx"), days_ago=1)
    missing = finding("inventory.signature.missing", Severity.HIGH, "missing", "b.onnx")
    changed = finding("inventory.signature.content-changed", Severity.HIGH, "x", "c.onnx")
    scan(store, [missing, changed], config=config, targets=("a.onnx", "b.onnx", "c.onnx"))
    # A waived signature finding is still no verified signature.
    store.findings.set_triage(missing.fingerprint, TriageState.FALSE_POSITIVE, actor="me",
                              justification="signed elsewhere")  # fmt: skip
    statuses = {s.model: s.status for s in system_state(store, "credit-scoring", TODAY).signatures}
    assert statuses == {"a.onnx": "verified", "b.onnx": "missing", "c.onnx": "invalid"}


def measurement(name: str, value: float, test: str, **params) -> Measurement:
    return Measurement(name, value, value - 0.05, value + 0.05, 100, "", {"test": test, **params})


def test_measurements_are_the_latest_per_test_with_the_run_date(store):
    def test_run(days_ago: int, *measurements: Measurement) -> Run:
        run = Run("test", ["model"], "0.1.0", {"fail_on": "high"})
        run.started_at = datetime(2026, 11, 28, 9, tzinfo=UTC) - timedelta(days=days_ago)
        run.measurements = list(measurements)
        run.finish()
        store.runs.record(run)
        store.runs.link_system(run.id, "credit-scoring")
        return run

    old = test_run(10, measurement("evasion.robust_accuracy", 0.5, "evasion", epsilon=0.1),
                   measurement("fairness.dpd", 0.3, "fairness"))  # fmt: skip
    new = test_run(2, measurement("evasion.robust_accuracy", 0.8, "evasion", epsilon=0.1))
    state = system_state(store, "credit-scoring", TODAY)
    by_test = {(m.test, m.run_id, m.value, m.run_date) for m in state.measurements}
    assert by_test == {
        ("evasion", new.id, 0.8, date(2026, 11, 26)),
        ("fairness", old.id, 0.3, date(2026, 11, 18)),  # no newer run of that test
    }


def test_approvals_evidence_incidents_and_risks(store):
    from aisec.governance.risks.model import Risk

    decided = datetime(2026, 11, 1, 10, tzinfo=UTC)
    store.approvals.record("credit-scoring", "release", "approved", approver="cro",
                           decided_at=decided, expires_on=date(2026, 12, 31))  # fmt: skip
    later = decided + timedelta(days=1)
    store.approvals.record("credit-scoring", "release", "rejected", approver="dpo",
                           justification="bias", decided_at=later)  # fmt: skip
    store.evidence.record("credit-scoring", "Technical documentation", "document", "doc.pdf",
                          recorded_by="me", refs=["EU-AI-Act:Art.11"],
                          valid_until=date(2027, 6, 1))  # fmt: skip
    aware = datetime(2026, 11, 1, 9, tzinfo=UTC)
    incident = store.incidents.record("credit-scoring", "wrongful refusals", categories=["c"],
                                      aware_at=aware, recorded_by="me")  # fmt: skip
    store.risks.upsert(Risk(id="R-1", system="credit-scoring", title="Evade AI Model",
                            threat="AML.T0015", likelihood=4, impact=4,
                            likelihood_rationale="x", impact_rationale="y"))  # fmt: skip
    state = system_state(store, "credit-scoring", TODAY)
    assert [(a.decision, a.decided_on) for a in state.approvals] == [
        ("approved", date(2026, 11, 1)), ("rejected", date(2026, 11, 2))]  # fmt: skip
    (ev,) = state.evidence
    assert ev.refs == ("EU-AI-Act:Art.11",) and ev.valid_until == date(2027, 6, 1)
    (inc,) = state.incidents
    assert inc.id == incident.id and inc.deadline == incident.deadline  # to the instant
    (risk,) = state.risks
    assert (risk.id, risk.level, risk.status, risk.treatment) == (
        "R-1", "critical", "proposed", None)  # fmt: skip
    state.to_dict()  # JSON-serialisable, as the ADR promises
    assert type(state).from_dict(state.to_dict()) == state


def test_an_incident_whose_report_is_sent_has_no_pending_deadline(store):
    aware = datetime(2026, 11, 1, 9, tzinfo=UTC)
    incident = store.incidents.record("credit-scoring", "outage", categories=["b"],
                                      aware_at=aware, recorded_by="me")  # fmt: skip
    store.incidents.update(incident.id, actor="me", status="initial-report-sent",
                           initial_report_at=aware + timedelta(days=1))  # fmt: skip
    (inc,) = system_state(store, "credit-scoring", TODAY).incidents
    assert inc.status == "initial-report-sent" and inc.deadline is None
    # The complete report is still owed: the incident stays in the gate, listed.
    assert inc.pending == "complete report pending"


# Regression tests for fail-open paths found in review.


def _gate(state, check="no_open_findings"):
    from aisec.governance.gates import evaluate, policy_from_mapping

    policy = policy_from_mapping({"schema": "aisec.policy/1", "name": "g",
                                  "conditions": [{"id": "c", "type": check}]})  # fmt: skip
    return evaluate(policy, state).results[0]


def test_fixed_does_not_excuse_a_finding_the_latest_scan_still_sees(store):
    crit = finding("modelfile.pickle.dangerous-global", Severity.CRITICAL, "crit")
    scan(store, [crit], days_ago=1)
    store.findings.set_triage(crit.fingerprint, TriageState.FIXED, actor="me")
    state = system_state(store, "credit-scoring", TODAY)
    assert [f.fingerprint for f in state.findings] == [crit.fingerprint]
    result = _gate(state)
    assert result.status.value == "failed" and f"finding:{crit.fingerprint}" in result.evidence
    # Once the scan no longer sees it, it is gone.
    scan(store, [])
    assert system_state(store, "credit-scoring", TODAY).findings == ()


def test_only_a_justified_unexpired_acceptance_or_false_positive_excuses(store):
    accepted = finding("modelfile.onnx.custom-op-domain", Severity.HIGH, "acc")
    lapsed = finding("modelfile.onnx.invalid-tensor", Severity.HIGH, "lapsed")
    wrong = finding("modelfile.onnx.external-data-escape", Severity.HIGH, "fp")
    scan(store, [accepted, lapsed, wrong])
    # Triage refuses an expiry in the past: the days here are the real ones, not TODAY.
    today = datetime.now(UTC).date()
    store.findings.set_triage(accepted.fingerprint, TriageState.ACCEPTED_RISK, actor="me",
                              justification="ok", expires=today + timedelta(days=5))  # fmt: skip
    store.findings.set_triage(lapsed.fingerprint, TriageState.ACCEPTED_RISK, actor="me",
                              justification="ok", expires=today)  # fmt: skip
    store.findings.set_triage(wrong.fingerprint, TriageState.FALSE_POSITIVE, actor="me",
                              justification="checked")  # fmt: skip
    assert system_state(store, "credit-scoring", today).findings == ()
    later = system_state(store, "credit-scoring", today + timedelta(days=1))
    assert {f.fingerprint for f in later.findings} == {lapsed.fingerprint}  # expired


def test_a_later_scan_of_another_target_does_not_hide_a_models_findings(store):
    crit = finding("modelfile.pickle.dangerous-global", Severity.CRITICAL, "crit", "m.pkl")
    config = {"require_signature": True}
    bad_sig = finding("inventory.signature.missing", Severity.HIGH, "sig", "m.pkl")
    first = scan(store, [crit, bad_sig], days_ago=2, targets=("m.pkl",), config=config)
    empty = scan(store, [], days_ago=1, targets=("emptydir",), config=config)
    state = system_state(store, "credit-scoring", TODAY)
    assert [(s.run_id, s.targets) for s in state.scans] == [
        (empty.id, ("emptydir",)), (first.id, ("m.pkl",))]  # fmt: skip
    assert crit.fingerprint in {f.fingerprint for f in state.findings}
    assert {s.model: s.status for s in state.signatures} == {
        "emptydir": "verified", "m.pkl": "missing"}  # fmt: skip
    result = _gate(state)
    assert result.status.value == "failed"
    assert f"run {empty.id} of 2026-11-27: emptydir" in result.reason
    assert f"run {first.id} of 2026-11-26: m.pkl" in result.reason
    assert _gate(state, "signatures_verified").status.value == "failed"
    # A rescan of the model (spelt differently) that finds nothing decides for it.
    clean = scan(store, [], targets=("./m.pkl",), config=config)
    state = system_state(store, "credit-scoring", TODAY)
    assert [s.run_id for s in state.scans] == [clean.id, empty.id]
    assert state.findings == ()
    assert _gate(state).status.value == "passed"


def test_a_scan_of_several_targets_counts_only_for_those_not_rescanned(store):
    a = finding("modelfile.pickle.dangerous-global", Severity.CRITICAL, "a", "a.pkl")
    b = finding("modelfile.pickle.dangerous-global", Severity.CRITICAL, "b", "b.pkl")
    old = scan(store, [a, b], days_ago=1, targets=("a.pkl", "b.pkl"))
    new = scan(store, [], targets=("b.pkl",))
    state = system_state(store, "credit-scoring", TODAY)
    assert [(s.run_id, s.targets) for s in state.scans] == [(new.id, ("b.pkl",)),
                                                           (old.id, ("a.pkl",))]  # fmt: skip
    assert [f.fingerprint for f in state.findings] == [a.fingerprint]


def test_the_gate_instant_and_the_new_record_fields_come_from_the_store(store):
    aware = datetime(2026, 11, 1, 9, tzinfo=UTC)
    incident = store.incidents.record("credit-scoring", "outage", categories=["b"],
                                      aware_at=aware, recorded_by="me")  # fmt: skip
    store.evidence.record("credit-scoring", "Doc", "document", "doc.pdf", recorded_by="me",
                          refs=["X"], valid_from=date(2026, 12, 1))  # fmt: skip
    store.assessments.record("credit-scoring", "fria", framework="eu-ai-act", answers={},
                             result={}, rationale=[], assessor="cco", as_of=TODAY)  # fmt: skip
    day = system_state(store, "credit-scoring", TODAY)
    assert day.now is None and day.instant == datetime(2026, 11, 28, 23, 59, 59, 999999, UTC)
    (inc,) = day.incidents
    assert inc.deadline == incident.deadline and isinstance(inc.deadline, datetime)
    (ev,) = day.evidence
    assert ev.valid_from == date(2026, 12, 1)
    (fria,) = day.assessments
    assert fria.created_at is not None and fria.created_at.tzinfo is not None
    now = datetime(2026, 11, 28, 10, 30, tzinfo=UTC)
    at = system_state(store, "credit-scoring", now)
    assert at.now == now and at.today == TODAY and at.instant == now
