"""Failed requirements of `aisec validate` (detector_validation outcomes) become findings with the
refs; met ones do not, and other outcome types are not this check's business."""

from aisec.assurance.checks.detector_accuracy import DetectorAccuracy
from aisec.assurance.plans.spec import Threshold
from aisec.core.severity import Severity
from assurance_outcomes import measurement, outcome

PARAMS = {"fpr": 0.01}
METRIC = "detection_rate"


def _outcome(
    limit: float, test_type: str = "detector_validation", severity: Severity | None = None
):
    m = measurement(METRIC, 0.62, **PARAMS)
    threshold = Threshold(METRIC, dict(PARAMS), min=limit, severity=severity)
    return outcome(test_type, [m], [threshold], default=DetectorAccuracy.severity)


def test_a_failed_requirement_is_a_finding_with_the_measurement_and_refs():
    [finding] = DetectorAccuracy().run(_outcome(0.9))
    assert finding.check_id == DetectorAccuracy.id
    assert finding.severity is DetectorAccuracy.severity
    assert "EU-AI-Act:Art.15" in finding.refs
    assert finding.evidence["measurement"]["name"] == METRIC
    assert "not met" in finding.message


def test_a_met_requirement_gives_nothing():
    assert list(DetectorAccuracy().run(_outcome(0.5))) == []


def test_the_requirement_can_set_the_severity():
    findings = list(DetectorAccuracy().run(_outcome(0.9, severity=Severity.CRITICAL)))
    assert [f.severity for f in findings] == [Severity.CRITICAL]


def test_other_outcome_types_are_not_this_checks_business():
    assert list(DetectorAccuracy().run(_outcome(0.9, test_type="evasion"))) == []
