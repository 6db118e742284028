"""Failed thresholds of this family become findings with the refs; met ones do not."""

from aisec.assurance.checks.poisoning_sensitivity import PoisoningSensitivity
from aisec.assurance.plans.spec import Threshold
from aisec.core.severity import Severity
from assurance_outcomes import measurement, outcome

PARAMS = {"fraction": 0.01}
METRIC = "poisoning.sensitivity.trigger_success"


def _outcome(
    limit: float, test_type: str = "poisoning_sensitivity", severity: Severity | None = None
):
    m = measurement(METRIC, 0.9, **PARAMS)
    threshold = Threshold("trigger_success", dict(PARAMS), max=limit, severity=severity)
    return outcome(test_type, [m], [threshold], default=PoisoningSensitivity.severity)


def test_a_failed_threshold_is_a_finding_with_the_measurement_and_refs():
    findings = list(PoisoningSensitivity().run(_outcome(0.5)))
    assert len(findings) == 1
    finding = findings[0]
    assert finding.check_id == PoisoningSensitivity.id
    assert finding.severity is PoisoningSensitivity.severity
    assert "AML.T0020" in finding.refs
    assert finding.evidence["measurement"]["name"] == METRIC
    assert "not met" in finding.message and "95% interval" in finding.message
    assert finding.location.member == ("t",)


def test_a_met_threshold_gives_nothing():
    met = 0.9 + 1 if "max" == "max" else 0.9 - 1
    assert list(PoisoningSensitivity().run(_outcome(met))) == []


def test_the_plan_can_set_the_severity():
    findings = list(PoisoningSensitivity().run(_outcome(0.5, severity=Severity.CRITICAL)))
    assert [f.severity for f in findings] == [Severity.CRITICAL]


def test_other_test_types_are_not_this_checks_business():
    assert list(PoisoningSensitivity().run(_outcome(0.5, test_type="fairness"))) == []


def test_the_fingerprint_is_stable_across_runs():
    first = list(PoisoningSensitivity().run(_outcome(0.5)))
    second = list(PoisoningSensitivity().run(_outcome(0.5)))
    assert [f.fingerprint for f in first] == [f.fingerprint for f in second]
