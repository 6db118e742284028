"""Failed thresholds of this family become findings with the refs; met ones do not."""

from aisec.assurance.checks.poisoning_label_issues import PoisoningLabelIssues
from aisec.assurance.plans.spec import Threshold
from aisec.core.severity import Severity
from assurance_outcomes import measurement, outcome

PARAMS = {}
METRIC = "poisoning.label_issues.fraction"


def _outcome(limit: float, test_type: str = "label_audit", severity: Severity | None = None):
    m = measurement(METRIC, 0.2, **PARAMS)
    threshold = Threshold("fraction", dict(PARAMS), max=limit, severity=severity)
    return outcome(test_type, [m], [threshold], default=PoisoningLabelIssues.severity)


def test_a_failed_threshold_is_a_finding_with_the_measurement_and_refs():
    findings = list(PoisoningLabelIssues().run(_outcome(0.1)))
    assert len(findings) == 1
    finding = findings[0]
    assert finding.check_id == PoisoningLabelIssues.id
    assert finding.severity is PoisoningLabelIssues.severity
    assert "AML.T0020" in finding.refs
    assert finding.evidence["measurement"]["name"] == METRIC
    assert "not met" in finding.message and "95% interval" in finding.message
    assert finding.location.member == ("t",)


def test_a_met_threshold_gives_nothing():
    met = 0.2 + 1 if "max" == "max" else 0.2 - 1
    assert list(PoisoningLabelIssues().run(_outcome(met))) == []


def test_the_plan_can_set_the_severity():
    findings = list(PoisoningLabelIssues().run(_outcome(0.1, severity=Severity.CRITICAL)))
    assert [f.severity for f in findings] == [Severity.CRITICAL]


def test_other_test_types_are_not_this_checks_business():
    assert list(PoisoningLabelIssues().run(_outcome(0.1, test_type="fairness"))) == []


def test_the_fingerprint_is_stable_across_runs():
    first = list(PoisoningLabelIssues().run(_outcome(0.1)))
    second = list(PoisoningLabelIssues().run(_outcome(0.1)))
    assert [f.fingerprint for f in first] == [f.fingerprint for f in second]
