"""Failed requirements of `aisec validate` (detector_drift outcomes) become findings with the
refs; met ones do not, and other outcome types are not this check's business."""

from aisec.assurance.checks.detector_drift import DetectorDrift
from aisec.assurance.plans.spec import Threshold
from aisec.core.severity import Severity
from assurance_outcomes import measurement, outcome

PARAMS: dict[str, object] = {}
METRIC = "degraded"


def _outcome(limit: float, test_type: str = "detector_drift", severity: Severity | None = None):
    m = measurement(METRIC, 1.0, **PARAMS)
    threshold = Threshold(METRIC, dict(PARAMS), max=limit, severity=severity)
    return outcome(test_type, [m], [threshold], default=DetectorDrift.severity)


def test_a_failed_requirement_is_a_finding_with_the_measurement_and_refs():
    [finding] = DetectorDrift().run(_outcome(0.0))
    assert finding.check_id == DetectorDrift.id
    assert finding.severity is DetectorDrift.severity
    assert "NIST-AI-RMF:MEASURE 2.4" in finding.refs
    assert finding.evidence["measurement"]["name"] == METRIC
    assert "not met" in finding.message


def test_a_met_requirement_gives_nothing():
    assert list(DetectorDrift().run(_outcome(2.0))) == []


def test_the_requirement_can_set_the_severity():
    findings = list(DetectorDrift().run(_outcome(0.0, severity=Severity.CRITICAL)))
    assert [f.severity for f in findings] == [Severity.CRITICAL]


def test_other_outcome_types_are_not_this_checks_business():
    assert list(DetectorDrift().run(_outcome(0.0, test_type="evasion"))) == []
