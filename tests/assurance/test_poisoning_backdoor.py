"""Failed thresholds of this family become findings with the refs; met ones do not."""

from aisec.assurance.checks.poisoning_backdoor import PoisoningBackdoor
from aisec.assurance.plans.spec import Threshold
from aisec.core.severity import Severity
from assurance_outcomes import measurement, outcome

PARAMS = {"class": "3"}
METRIC = "poisoning.backdoor.suspect_separation"


def _outcome(limit: float, test_type: str = "backdoor_scan", severity: Severity | None = None):
    m = measurement(METRIC, 9.0, **PARAMS)
    threshold = Threshold("suspect_separation", dict(PARAMS), max=limit, severity=severity)
    return outcome(test_type, [m], [threshold], default=PoisoningBackdoor.severity)


def test_a_failed_threshold_is_a_finding_with_the_measurement_and_refs():
    findings = list(PoisoningBackdoor().run(_outcome(3.0)))
    assert len(findings) == 1
    finding = findings[0]
    assert finding.check_id == PoisoningBackdoor.id
    assert finding.severity is PoisoningBackdoor.severity
    assert "AML.T0018.000" in finding.refs
    assert finding.evidence["measurement"]["name"] == METRIC
    assert "not met" in finding.message and "95% interval" in finding.message
    assert finding.location.member == ("t",)


def test_a_met_threshold_gives_nothing():
    met = 9.0 + 1 if "max" == "max" else 9.0 - 1
    assert list(PoisoningBackdoor().run(_outcome(met))) == []


def test_the_plan_can_set_the_severity():
    findings = list(PoisoningBackdoor().run(_outcome(3.0, severity=Severity.CRITICAL)))
    assert [f.severity for f in findings] == [Severity.CRITICAL]


def test_other_test_types_are_not_this_checks_business():
    assert list(PoisoningBackdoor().run(_outcome(3.0, test_type="fairness"))) == []


def test_the_fingerprint_is_stable_across_runs():
    first = list(PoisoningBackdoor().run(_outcome(3.0)))
    second = list(PoisoningBackdoor().run(_outcome(3.0)))
    assert [f.fingerprint for f in first] == [f.fingerprint for f in second]
