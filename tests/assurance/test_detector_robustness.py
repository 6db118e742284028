"""Failed requirements of `aisec validate` (detector_robustness outcomes) become findings with the
refs; met ones do not, and other outcome types are not this check's business."""

from aisec.assurance.checks.detector_robustness import DetectorRobustness
from aisec.assurance.plans.spec import Threshold
from aisec.core.severity import Severity
from assurance_outcomes import measurement, outcome

PARAMS = {"family": "base64", "fpr": 0.01}
METRIC = "evasion_rate"


def _outcome(
    limit: float, test_type: str = "detector_robustness", severity: Severity | None = None
):
    m = measurement(METRIC, 0.41, **PARAMS)
    threshold = Threshold(METRIC, dict(PARAMS), max=limit, severity=severity)
    return outcome(test_type, [m], [threshold], default=DetectorRobustness.severity)


def test_a_failed_requirement_is_a_finding_with_the_measurement_and_refs():
    [finding] = DetectorRobustness().run(_outcome(0.2))
    assert finding.check_id == DetectorRobustness.id
    assert finding.severity is DetectorRobustness.severity
    assert "AML.T0015" in finding.refs
    assert finding.evidence["measurement"]["name"] == METRIC
    assert "not met" in finding.message


def test_a_met_requirement_gives_nothing():
    assert list(DetectorRobustness().run(_outcome(0.6))) == []


def test_the_requirement_can_set_the_severity():
    findings = list(DetectorRobustness().run(_outcome(0.2, severity=Severity.CRITICAL)))
    assert [f.severity for f in findings] == [Severity.CRITICAL]


def test_other_outcome_types_are_not_this_checks_business():
    assert list(DetectorRobustness().run(_outcome(0.2, test_type="evasion"))) == []
