"""Failed thresholds of this family become findings with the refs; met ones do not."""

from aisec.assurance.checks.membership_inference import MembershipInference
from aisec.assurance.plans.spec import Threshold
from aisec.core.severity import Severity
from assurance_outcomes import measurement, outcome

PARAMS = {"attack": "loss"}
METRIC = "privacy.mia.auc"


def _outcome(
    limit: float, test_type: str = "membership_inference", severity: Severity | None = None
):
    m = measurement(METRIC, 0.77, **PARAMS)
    threshold = Threshold("auc", dict(PARAMS), max=limit, severity=severity)
    return outcome(test_type, [m], [threshold], default=MembershipInference.severity)


def test_a_failed_threshold_is_a_finding_with_the_measurement_and_refs():
    findings = list(MembershipInference().run(_outcome(0.6)))
    assert len(findings) == 1
    finding = findings[0]
    assert finding.check_id == MembershipInference.id
    assert finding.severity is MembershipInference.severity
    assert "AML.T0024.000" in finding.refs
    assert finding.evidence["measurement"]["name"] == METRIC
    assert "not met" in finding.message and "95% interval" in finding.message
    assert finding.location.member == ("t",)


def test_a_met_threshold_gives_nothing():
    met = 0.77 + 1 if "max" == "max" else 0.77 - 1
    assert list(MembershipInference().run(_outcome(met))) == []


def test_the_plan_can_set_the_severity():
    findings = list(MembershipInference().run(_outcome(0.6, severity=Severity.CRITICAL)))
    assert [f.severity for f in findings] == [Severity.CRITICAL]


def test_other_test_types_are_not_this_checks_business():
    assert list(MembershipInference().run(_outcome(0.6, test_type="fairness"))) == []


def test_the_fingerprint_is_stable_across_runs():
    first = list(MembershipInference().run(_outcome(0.6)))
    second = list(MembershipInference().run(_outcome(0.6)))
    assert [f.fingerprint for f in first] == [f.fingerprint for f in second]
