"""Failed thresholds of this family become findings with the refs; met ones do not."""

from aisec.assurance.checks.fairness_disparity import FairnessDisparity
from aisec.assurance.plans.spec import Threshold
from aisec.core.severity import Severity
from assurance_outcomes import measurement, outcome

PARAMS = {"sensitive_feature": "sex"}
METRIC = "fairness.demographic_parity_difference"


def _outcome(limit: float, test_type: str = "fairness", severity: Severity | None = None):
    m = measurement(METRIC, 0.17, **PARAMS)
    threshold = Threshold(
        "demographic_parity_difference", dict(PARAMS), max=limit, severity=severity
    )
    return outcome(test_type, [m], [threshold], default=FairnessDisparity.severity)


def test_a_failed_threshold_is_a_finding_with_the_measurement_and_refs():
    findings = list(FairnessDisparity().run(_outcome(0.05)))
    assert len(findings) == 1
    finding = findings[0]
    assert finding.check_id == FairnessDisparity.id
    assert finding.severity is FairnessDisparity.severity
    assert "EU-AI-Act:Art.10" in finding.refs
    assert finding.evidence["measurement"]["name"] == METRIC
    assert "not met" in finding.message and "95% interval" in finding.message
    assert finding.location.member == ("t",)


def test_a_met_threshold_gives_nothing():
    met = 0.17 + 1 if "max" == "max" else 0.17 - 1
    assert list(FairnessDisparity().run(_outcome(met))) == []


def test_the_plan_can_set_the_severity():
    findings = list(FairnessDisparity().run(_outcome(0.05, severity=Severity.CRITICAL)))
    assert [f.severity for f in findings] == [Severity.CRITICAL]


def test_other_test_types_are_not_this_checks_business():
    assert list(FairnessDisparity().run(_outcome(0.05, test_type="evasion"))) == []


def test_the_fingerprint_is_stable_across_runs():
    first = list(FairnessDisparity().run(_outcome(0.05)))
    second = list(FairnessDisparity().run(_outcome(0.05)))
    assert [f.fingerprint for f in first] == [f.fingerprint for f in second]
