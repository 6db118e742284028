"""Policy gates: the worked example (a high-risk credit-scoring system) and each condition
type, failing closed on missing data."""

import json
import math
import re
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest

from aisec.governance.gates import (
    ApprovalRecord,
    AssessmentRecord,
    ConditionStatus,
    EvidenceRecord,
    FindingRecord,
    IncidentRecord,
    MeasurementRecord,
    RiskRecord,
    ScanRecord,
    SignatureRecord,
    SystemState,
    evaluate,
    policy_from_mapping,
)
from aisec.governance.gates.params import RISK_LEVELS

ADR = Path(__file__).resolve().parents[2] / "docs/adr/0020-policy-gates.md"
TODAY = date(2026, 11, 28)


def example_policy():
    import yaml

    text = ADR.read_text(encoding="utf-8")
    (block,) = re.findall(r"```yaml\n(.*?)```", text, re.S)
    return policy_from_mapping(yaml.safe_load(block), source=str(ADR))


def bare_state(**changes):
    """The credit-scoring system, classified high-risk, with nothing else recorded."""
    return replace(SystemState("credit-scoring", TODAY, tiers=("high-risk",)), **changes)


def good_state(**changes):
    days = timedelta
    state = bare_state(
        scans=(ScanRecord("run-scan-7", TODAY - days(2), ("m.onnx",)),),
        findings=(FindingRecord("modelfile.keras.lambda", "medium", "ab" * 16, "Lambda layer"),),
        measurements=(
            MeasurementRecord(
                "robust",
                "evasion.robust_accuracy",
                0.81,
                0.76,
                0.85,
                500,
                {"epsilon": 0.1, "attack": "worst"},
                "run-test-3",
                TODAY - days(10),
            ),
            MeasurementRecord(
                "robust",
                "evasion.robust_accuracy",
                0.52,
                0.47,
                0.57,
                500,
                {"epsilon": 0.3, "attack": "worst"},
                "run-test-3",
                TODAY - days(10),
            ),
            MeasurementRecord(
                "fair",
                "fairness.demographic_parity_difference",
                0.04,
                0.01,
                0.08,
                2000,
                {"attribute": "sex"},
                "run-test-4",
                TODAY - days(10),
            ),
        ),
        assessments=(AssessmentRecord("A-1", "fria", "final", TODAY - days(40)),),
        evidence=(
            EvidenceRecord(
                "technical documentation v3", ("EU-AI-Act:Art.11",), TODAY + days(200), "E-1"
            ),
        ),
        approvals=(
            ApprovalRecord(
                "release", "approved", "cro@bank.example", TODAY + days(30), TODAY - days(1), "AP-1"
            ),
        ),
        signatures=(SignatureRecord("scorer.onnx", "verified"),),
        incidents=(IncidentRecord("INC-1", TODAY + days(5), "open"),),
        risks=(
            RiskRecord("R-1", "critical", "open", "mitigate", "evasion of the scorer"),
            RiskRecord("R-2", "medium", "proposed"),
        ),
    )
    return replace(state, **changes)


def by_id(result):
    return {r.id: r for r in result.results}


def test_the_bare_high_risk_system_fails_naming_each_missing_thing():
    result = evaluate(example_policy(), bare_state())
    assert not result.passed and result.exit_code == 1
    r = by_id(result)
    expected = {
        "no-critical-findings": "no scan of credit-scoring is recorded",
        "no-unsafe-pickle": "no scan of credit-scoring is recorded",
        "signed": "no model signature status is recorded",
        "robustness": "no measurement of robust_accuracy[epsilon=0.1] (ci_low) >= 0.7 found",
        "fairness": "no measurement of demographic_parity_difference <= 0.1 found",
        "fria": "no fria assessment is recorded for credit-scoring",
        "technical-documentation": "no evidence for EU-AI-Act:Art.11",
        "release-approval": "no approval for release is recorded",
        "risks": "no risks are recorded for credit-scoring",
        "dpia": "no dpia assessment is recorded",
    }
    for cid, text in expected.items():
        assert r[cid].status is ConditionStatus.FAILED, cid
        assert text in r[cid].reason, (cid, r[cid].reason)
    assert r["incidents"].status is ConditionStatus.PASSED
    assert r["transparency-notice"].status is ConditionStatus.NOT_APPLICABLE
    assert "high-risk" in r["transparency-notice"].reason
    assert r["fria"].refs == ("EU-AI-Act:Art.27",)


def test_the_same_system_with_its_evidence_passes():
    result = evaluate(example_policy(), good_state())
    r = by_id(result)
    failed = [x.id for x in result.results if x.status is ConditionStatus.FAILED]
    assert failed == ["dpia"]  # a warning: reported, never failing the gate
    assert result.passed and result.exit_code == 0
    assert "no open findings at or above critical" in r["no-critical-findings"].reason
    assert "run-scan-7" in r["no-critical-findings"].reason
    assert "ci_low 0.76" in r["robustness"].reason and "run-test-3" in r["robustness"].reason
    assert "measurement:run-test-4/fairness.demographic_parity_difference" in r["fairness"].evidence
    assert "A-1 is final" in r["fria"].reason
    assert "technical documentation v3" in r["technical-documentation"].reason
    assert "approved by cro@bank.example" in r["release-approval"].reason
    assert r["risks"].evidence == ("risk:R-1",)


def test_an_expired_approval_fails():
    old = ApprovalRecord("release", "approved", "cro", TODAY - timedelta(days=1), None, "AP-0")
    result = evaluate(example_policy(), good_state(approvals=(old,)))
    reason = by_id(result)["release-approval"].reason
    assert not result.passed and f"expired on {TODAY - timedelta(days=1)}" in reason
    on_the_day = replace(old, expires_on=TODAY)
    assert evaluate(example_policy(), good_state(approvals=(on_the_day,))).passed


def test_a_later_rejection_withdraws_an_approval():
    yes = ApprovalRecord("release", "approved", "cro", None, TODAY - timedelta(days=9))
    no = ApprovalRecord("release", "rejected", "dpo", None, TODAY - timedelta(days=3))
    result = evaluate(example_policy(), good_state(approvals=(no, yes)))
    assert (
        "the latest decision on release is rejected by dpo"
        in by_id(result)["release-approval"].reason
    )
    assert evaluate(
        example_policy(),
        good_state(approvals=(replace(no, decided_on=TODAY - timedelta(days=20)), yes)),
    ).passed


def test_expired_or_expiring_evidence_fails():
    expired = EvidenceRecord(
        "technical documentation v2", ("EU-AI-Act:Art.11",), TODAY - timedelta(days=1)
    )
    reason = by_id(evaluate(example_policy(), good_state(evidence=(expired,))))[
        "technical-documentation"
    ].reason
    assert "'technical documentation v2' expired on" in reason
    soon = replace(expired, valid_until=TODAY + timedelta(days=5))
    result = evaluate(example_policy(), good_state(evidence=(soon,)))
    assert not result.passed
    assert "5 days, fewer than 14" in by_id(result)["technical-documentation"].reason
    forever = replace(expired, valid_until=None)
    assert evaluate(example_policy(), good_state(evidence=(soon, forever))).passed


def test_findings_fail_naming_them_and_stale_scans_fail():
    bad = FindingRecord("modelfile.pickle.dangerous-call", "critical", "cd" * 16, "os.system")
    result = evaluate(example_policy(), good_state(findings=(bad,)))
    r = by_id(result)
    assert (
        "1 open finding at or above critical: modelfile.pickle.dangerous-call (os.system)"
        in r["no-critical-findings"].reason
    )
    assert "finding:" + "cd" * 16 in r["no-critical-findings"].evidence
    assert r["no-unsafe-pickle"].status is ConditionStatus.FAILED
    stale = evaluate(
        example_policy(), good_state(scans=(ScanRecord("old", TODAY - timedelta(days=31)),))
    )
    assert "31 days old, more than 30" in by_id(stale)["no-critical-findings"].reason
    weird = FindingRecord("x.y", "catastrophic", "ef" * 16)  # an unknown label counts as critical
    assert not evaluate(example_policy(), good_state(findings=(weird,))).passed


def test_measurements_out_of_bounds_stale_or_undefined_fail():
    state = good_state()
    robust, wide, fair = state.measurements
    low = replace(robust, ci_low=0.65)
    r = by_id(evaluate(example_policy(), replace(state, measurements=(low, wide, fair))))
    assert "ci_low 0.65 < 0.7" in r["robustness"].reason
    old = replace(fair, run_date=TODAY - timedelta(days=91))
    r = by_id(evaluate(example_policy(), replace(state, measurements=(robust, wide, old))))
    assert "is older than 90 days" in r["fairness"].reason
    undated = replace(fair, run_date=None)
    assert (
        by_id(evaluate(example_policy(), replace(state, measurements=(robust, undated))))[
            "fairness"
        ].status
        is ConditionStatus.FAILED
    )
    nan = replace(fair, value=math.nan)
    r = by_id(evaluate(example_policy(), replace(state, measurements=(robust, nan))))
    assert "undefined" in r["fairness"].reason and r["fairness"].status is ConditionStatus.FAILED


def test_signatures_incidents_risks_and_assessments():
    ago = TODAY - timedelta(days=1)
    state = good_state(
        signatures=(
            SignatureRecord("a.onnx", "verified"),
            SignatureRecord("b.pkl", "invalid", "digest mismatch"),
        ),
        incidents=(
            IncidentRecord("INC-2", ago, "open"),
            IncidentRecord("INC-3", ago, "closed"),
        ),
        risks=(
            RiskRecord("R-9", "high", "open", None, "bias against applicants"),
            RiskRecord("R-8", "low", "open"),
        ),
        assessments=(AssessmentRecord("A-2", "fria", "draft", TODAY),),
    )
    r = by_id(evaluate(example_policy(), state))
    assert "b.pkl is invalid (digest mismatch)" in r["signed"].reason
    assert "1 open incident past the deadline: INC-2" in r["incidents"].reason
    assert "R-9 (bias against applicants, high, open)" in r["risks"].reason
    assert "A-2 is draft" in r["fria"].reason
    old = AssessmentRecord("A-0", "fria", "final", TODAY - timedelta(days=400))
    assert (
        "400 days old, more than 365"
        in by_id(evaluate(example_policy(), good_state(assessments=(old,))))["fria"].reason
    )


def test_tiers_decide_applicability_and_unclassified_systems_are_held_to_everything():
    minimal = evaluate(example_policy(), bare_state(tiers=("minimal",)))
    assert minimal.passed and all(
        r.status is ConditionStatus.NOT_APPLICABLE for r in minimal.results
    )
    assert "applies to high-risk; credit-scoring is minimal" in minimal.note
    unclassified = evaluate(example_policy(), good_state(tiers=None))
    assert "not classified" in unclassified.note
    assert by_id(unclassified)["transparency-notice"].status is ConditionStatus.FAILED
    both = evaluate(example_policy(), good_state(tiers=("high-risk", "transparency")))
    assert "no evidence titled transparency notice*" in by_id(both)["transparency-notice"].reason
    notice = EvidenceRecord("Transparency notice (EN)", (), None)
    fixed = good_state(
        tiers=("high-risk", "transparency"), evidence=(*good_state().evidence, notice)
    )
    assert evaluate(example_policy(), fixed).passed


def test_an_evaluator_error_fails_its_condition(monkeypatch):
    from aisec.governance.gates import engine

    def boom(params, state):
        raise RuntimeError("broken record")

    monkeypatch.setitem(engine.EVALUATORS, "signatures_verified", boom)
    r = by_id(evaluate(example_policy(), good_state()))
    assert r["signed"].status is ConditionStatus.FAILED
    assert r["signed"].reason == "could not be evaluated: RuntimeError: broken record"


def test_the_state_round_trips_through_json():
    state = good_state()
    again = SystemState.from_dict(json.loads(json.dumps(state.to_dict())))
    assert json.loads(json.dumps(evaluate(example_policy(), state).to_dict()))["exit_code"] == 0
    assert again == state
    assert (
        evaluate(example_policy(), again).to_dict() == evaluate(example_policy(), state).to_dict()
    )
    assert SystemState.from_dict({"system": "s", "today": "2026-01-02T10:00:00"}).today == date(
        2026, 1, 2
    )


@pytest.mark.parametrize(
    "raw",
    [
        [],
        {"system": "s"},
        {"system": "s", "today": "yesterday"},
        {"system": "s", "today": "2026-01-01", "x": 1},
        {"system": "s", "today": "2026-01-01", "findings": {}},
        {"system": "s", "today": "2026-01-01", "risks": [{"id": "R"}]},
    ],
)
def test_bad_snapshots_are_config_errors(raw):
    from aisec.core.errors import ConfigError

    with pytest.raises(ConfigError, match="state snapshot"):
        SystemState.from_dict(raw)


def test_risk_levels_match_the_register():
    from aisec.governance.risks import LEVELS

    assert RISK_LEVELS == LEVELS


# Regression tests for fail-open paths found in review.


def test_an_incident_deadline_is_compared_to_the_instant_not_the_day():
    from datetime import UTC, datetime

    due = datetime(2026, 11, 28, 9, tzinfo=UTC)
    incident = (IncidentRecord("INC-9", due, "open"),)
    before = good_state(incidents=incident, now=datetime(2026, 11, 28, 8, 59, tzinfo=UTC))
    after = good_state(incidents=incident, now=datetime(2026, 11, 28, 9, 1, tzinfo=UTC))
    assert by_id(evaluate(example_policy(), before))["incidents"].status is ConditionStatus.PASSED
    late = by_id(evaluate(example_policy(), after))["incidents"]
    assert late.status is ConditionStatus.FAILED  # the day is not over, the deadline is
    assert "INC-9 (due 2026-11-28 09:00 UTC, open)" in late.reason
    # With a day alone (--today) the gate judges at the end of that day, UTC.
    day_only = by_id(evaluate(example_policy(), good_state(incidents=incident)))["incidents"]
    assert day_only.status is ConditionStatus.FAILED
    assert "at 2026-11-28 23:59 UTC" in day_only.reason


def test_an_incident_with_only_the_initial_report_sent_is_listed_not_failed():
    owed = IncidentRecord("INC-3", None, "initial-report-sent", "complete report pending")
    r = by_id(evaluate(example_policy(), good_state(incidents=(owed,))))["incidents"]
    assert r.status is ConditionStatus.PASSED
    assert "INC-3: complete report pending (initial-report-sent)" in r.reason
    assert r.evidence == ("incident:INC-3",)
    # Also when a hand-written snapshot gives only the status.
    bare = IncidentRecord("INC-4", None, "initial-report-sent")
    r = by_id(evaluate(example_policy(), good_state(incidents=(bare,))))["incidents"]
    assert "INC-4: complete report pending" in r.reason


def test_a_future_as_of_does_not_make_an_assessment_recent():
    future = AssessmentRecord("A-9", "fria", "final", TODAY + timedelta(days=400))
    r = by_id(evaluate(example_policy(), good_state(assessments=(future,))))["fria"]
    assert r.status is ConditionStatus.FAILED
    assert "as of 2028-01-02, after 2026-11-28" in r.reason


def test_an_assessments_age_runs_from_when_it_was_recorded():
    from datetime import UTC, datetime

    recorded = datetime(2025, 6, 1, 12, tzinfo=UTC)  # 545 days before TODAY
    old = AssessmentRecord("A-8", "fria", "final", TODAY - timedelta(days=1), recorded)
    r = by_id(evaluate(example_policy(), good_state(assessments=(old,))))["fria"]
    assert r.status is ConditionStatus.FAILED
    assert "recorded on 2025-06-01, is 545 days old, more than 365" in r.reason
    later = datetime(2026, 11, 29, tzinfo=UTC)  # recorded after the gate's instant
    ahead = AssessmentRecord("A-7", "fria", "final", TODAY, later)
    r = by_id(evaluate(example_policy(), good_state(assessments=(ahead,))))["fria"]
    assert r.status is ConditionStatus.FAILED and "in the future" in r.reason
    fresh = AssessmentRecord("A-6", "fria", "final", TODAY, datetime(2026, 11, 1, tzinfo=UTC))
    r = by_id(evaluate(example_policy(), good_state(assessments=(fresh,))))["fria"]
    assert r.status is ConditionStatus.PASSED


def test_a_decision_dated_in_the_future_does_not_count_yet():
    later = TODAY + timedelta(days=3)
    only_future = ApprovalRecord("release", "approved", "cro", None, later, "AP-9")
    r = by_id(evaluate(example_policy(), good_state(approvals=(only_future,))))
    assert r["release-approval"].status is ConditionStatus.FAILED
    assert "not yet in force: approved by cro on 2026-12-01" in r["release-approval"].reason
    # Nor does a future rejection withdraw today's approval before its day.
    now = ApprovalRecord("release", "approved", "cro", None, TODAY - timedelta(days=1), "AP-1")
    rejection = ApprovalRecord("release", "rejected", "dpo", None, later, "AP-2")
    r = by_id(evaluate(example_policy(), good_state(approvals=(now, rejection))))
    assert r["release-approval"].status is ConditionStatus.PASSED


def test_evidence_valid_only_from_a_future_day_does_not_count_yet():
    start = TODAY + timedelta(days=1)
    doc = EvidenceRecord("tech doc v4", ("EU-AI-Act:Art.11",), None, "E-9", start)
    r = by_id(evaluate(example_policy(), good_state(evidence=(doc,))))
    assert r["technical-documentation"].status is ConditionStatus.FAILED
    assert "'tech doc v4' is valid only from 2026-11-29" in r["technical-documentation"].reason
    started = replace(doc, valid_from=TODAY)
    r = by_id(evaluate(example_policy(), good_state(evidence=(started,))))
    assert r["technical-documentation"].status is ConditionStatus.PASSED


def test_findings_reasons_name_every_scan_and_target_used():
    scans = (
        ScanRecord("run-new", TODAY, ("emptydir",)),
        ScanRecord("run-old", TODAY - timedelta(days=40), ("m.onnx",)),
    )
    crit = FindingRecord("modelfile.pickle.dangerous-global", "critical", "cd" * 16)
    r = by_id(evaluate(example_policy(), good_state(scans=scans, findings=(crit,))))
    reason = r["no-unsafe-pickle"].reason
    assert "run run-new of 2026-11-28: emptydir" in reason
    assert "run run-old of 2026-10-19: m.onnx" in reason
    assert {"run:run-new", "run:run-old"} <= set(r["no-unsafe-pickle"].evidence)
    # The age limit holds for every target's latest scan, not the newest scan only.
    stale = r["no-critical-findings"]
    assert stale.status is ConditionStatus.FAILED
    assert "(run run-old of 2026-10-19: m.onnx) is 40 days old, more than 30" in stale.reason


def test_new_fields_round_trip_and_an_older_snapshot_still_loads():
    from datetime import UTC, datetime

    state = good_state(
        now=datetime(2026, 11, 28, 10, tzinfo=UTC),
        assessments=(
            AssessmentRecord("A-1", "fria", "final", TODAY, datetime(2026, 11, 2, tzinfo=UTC)),
        ),
        evidence=(EvidenceRecord("doc", ("X",), None, "E-1", TODAY),),
        incidents=(IncidentRecord("INC-1", datetime(2026, 12, 1, 9, tzinfo=UTC), "open"),),
    )
    assert SystemState.from_dict(json.loads(json.dumps(state.to_dict()))) == state
    raw = good_state().to_dict()
    raw["last_scan"] = {"run_id": "r", "run_date": "2026-11-27"}
    del raw["scans"], raw["now"]
    old = SystemState.from_dict(raw)
    assert old.scans == (ScanRecord("r", date(2026, 11, 27)),) and old.now is None
