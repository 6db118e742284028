"""SensitiveInfluence: reported whenever explanations find a sensitive driver, unless the
plan set its own limit on it."""

from aisec.assurance.checks.explain_quality import ExplanationQuality
from aisec.assurance.checks.explain_sensitive_influence import METRIC, SensitiveInfluence
from aisec.assurance.plans.spec import Threshold
from assurance_outcomes import measurement, outcome


def _influence(share: float, **extra: object):
    params = {"attribute": "sex", "feature": "a9=A93", "rank": 2, "direct": False} | extra
    return measurement(METRIC, share, **params)


def test_a_sensitive_driver_is_a_finding_without_any_threshold():
    findings = list(SensitiveInfluence().run(outcome("explainability", [_influence(0.21)])))
    assert len(findings) == 1
    assert "close proxy" in findings[0].message and "'sex'" in findings[0].message
    assert "GDPR:Art.22" in findings[0].refs


def test_a_direct_use_says_so():
    findings = list(
        SensitiveInfluence().run(outcome("explainability", [_influence(0.3, direct=True)]))
    )
    assert "is itself sensitive attribute" in findings[0].message


def test_a_plan_limit_decides_instead():
    m = _influence(0.02)
    met = outcome("explainability", [m], [Threshold("sensitive_influence", max=0.05)])
    assert list(SensitiveInfluence().run(met)) == []
    failed = outcome("explainability", [m], [Threshold("sensitive_influence", max=0.01)])
    assert len(list(SensitiveInfluence().run(failed))) == 1


def test_a_measured_but_not_influential_input_is_no_finding_yet_thresholds_can_judge_it():
    quiet = _influence(0.01, direct=True, influential=False)
    assert list(SensitiveInfluence().run(outcome("explainability", [quiet]))) == []
    limited = outcome("explainability", [quiet], [Threshold("sensitive_influence", max=0.2)])
    assert limited.judgements[0].passed and list(SensitiveInfluence().run(limited)) == []


def test_no_sensitive_driver_no_finding_and_other_types_ignored():
    assert list(SensitiveInfluence().run(outcome("explainability", []))) == []
    assert list(SensitiveInfluence().run(outcome("fairness", [_influence(0.5)]))) == []


def test_quality_check_does_not_claim_sensitive_influence():
    m = _influence(0.5)
    failed = outcome("explainability", [m], [Threshold("sensitive_influence", max=0.01)])
    assert list(ExplanationQuality().run(failed)) == []
