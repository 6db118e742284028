"""Failed thresholds of this family become findings with the refs; met ones do not."""

from aisec.assurance.checks.extraction_fidelity import ExtractionFidelity
from aisec.assurance.plans.spec import Threshold
from aisec.core.severity import Severity
from assurance_outcomes import measurement, outcome

PARAMS = {"budget": 1000, "surrogate": "logistic"}
METRIC = "extraction.fidelity"


def _outcome(limit: float, test_type: str = "extraction", severity: Severity | None = None):
    m = measurement(METRIC, 0.97, **PARAMS)
    threshold = Threshold("fidelity", dict(PARAMS), max=limit, severity=severity)
    return outcome(test_type, [m], [threshold], default=ExtractionFidelity.severity)


def test_a_failed_threshold_is_a_finding_with_the_measurement_and_refs():
    findings = list(ExtractionFidelity().run(_outcome(0.9)))
    assert len(findings) == 1
    finding = findings[0]
    assert finding.check_id == ExtractionFidelity.id
    assert finding.severity is ExtractionFidelity.severity
    assert "AML.T0024.002" in finding.refs
    assert finding.evidence["measurement"]["name"] == METRIC
    assert "not met" in finding.message and "95% interval" in finding.message
    assert finding.location.member == ("t",)


def test_a_met_threshold_gives_nothing():
    met = 0.97 + 1 if "max" == "max" else 0.97 - 1
    assert list(ExtractionFidelity().run(_outcome(met))) == []


def test_the_plan_can_set_the_severity():
    findings = list(ExtractionFidelity().run(_outcome(0.9, severity=Severity.CRITICAL)))
    assert [f.severity for f in findings] == [Severity.CRITICAL]


def test_other_test_types_are_not_this_checks_business():
    assert list(ExtractionFidelity().run(_outcome(0.9, test_type="fairness"))) == []


def test_the_fingerprint_is_stable_across_runs():
    first = list(ExtractionFidelity().run(_outcome(0.9)))
    second = list(ExtractionFidelity().run(_outcome(0.9)))
    assert [f.fingerprint for f in first] == [f.fingerprint for f in second]
