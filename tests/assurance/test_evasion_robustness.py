"""Failed thresholds of this family become findings with the refs; met ones do not."""

from aisec.assurance.checks.evasion_robustness import EvasionRobustness
from aisec.assurance.plans.spec import Threshold
from aisec.core.severity import Severity
from assurance_outcomes import measurement, outcome

PARAMS = {"epsilon": 0.1, "attack": "worst"}
METRIC = "evasion.robust_accuracy"


def _outcome(limit: float, test_type: str = "evasion", severity: Severity | None = None):
    m = measurement(METRIC, 0.41, **PARAMS)
    threshold = Threshold("robust_accuracy", dict(PARAMS), min=limit, severity=severity)
    return outcome(test_type, [m], [threshold], default=EvasionRobustness.severity)


def test_a_failed_threshold_is_a_finding_with_the_measurement_and_refs():
    findings = list(EvasionRobustness().run(_outcome(0.6)))
    assert len(findings) == 1
    finding = findings[0]
    assert finding.check_id == EvasionRobustness.id
    assert finding.severity is EvasionRobustness.severity
    assert "AML.T0015" in finding.refs
    assert finding.evidence["measurement"]["name"] == METRIC
    assert "not met" in finding.message and "95% interval" in finding.message
    assert finding.location.member == ("t",)


def test_a_met_threshold_gives_nothing():
    met = 0.41 + 1 if "min" == "max" else 0.41 - 1
    assert list(EvasionRobustness().run(_outcome(met))) == []


def test_the_plan_can_set_the_severity():
    findings = list(EvasionRobustness().run(_outcome(0.6, severity=Severity.CRITICAL)))
    assert [f.severity for f in findings] == [Severity.CRITICAL]


def test_other_test_types_are_not_this_checks_business():
    assert list(EvasionRobustness().run(_outcome(0.6, test_type="fairness"))) == []


def test_the_fingerprint_is_stable_across_runs():
    first = list(EvasionRobustness().run(_outcome(0.6)))
    second = list(EvasionRobustness().run(_outcome(0.6)))
    assert [f.fingerprint for f in first] == [f.fingerprint for f in second]
