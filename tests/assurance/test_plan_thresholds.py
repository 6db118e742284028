"""Thresholds: matched by name and params; no match and undefined values never pass."""

import math

from aisec.assurance.plans.spec import Threshold
from aisec.assurance.plans.thresholds import judge, matching
from aisec.core.run import Measurement
from aisec.core.severity import Severity

RA = "evasion.robust_accuracy"
MS = [
    Measurement(RA, 0.8, 0.75, 0.85, 300, "rate", {"epsilon": 0.05, "attack": "worst"}),
    Measurement(RA, 0.55, 0.5, 0.6, 300, "rate", {"epsilon": 0.1, "attack": "worst"}),
    Measurement(RA, 0.7, 0.65, 0.75, 300, "rate", {"epsilon": 0.1, "attack": "pgd"}),
    Measurement("evasion.clean_accuracy", math.nan, None, None, 0, "rate", {}),
]


def test_short_names_and_where_narrow_the_match():
    assert len(matching(Threshold("robust_accuracy", min=0), MS)) == 3
    assert len(matching(Threshold(RA, {"attack": "worst"}, min=0), MS)) == 2
    # 0.1 written as an integer-looking or float value matches the same measurement.
    assert len(matching(Threshold(RA, {"epsilon": 0.10000000000000001}, min=0), MS)) == 2
    assert matching(Threshold("accuracy", min=0), MS) == []  # a suffix, not a substring


def test_every_matching_measurement_is_judged():
    out = judge(Threshold("robust_accuracy", {"attack": "worst"}, min=0.6), MS, Severity.HIGH)
    assert [j.passed for j in out] == [True, False]
    assert "0.55 < 0.6" in out[1].reason
    assert "epsilon=0.1" in out[1].description and out[1].severity == "high"


def test_interval_bounds_can_be_judged():
    lenient = judge(
        Threshold(RA, {"epsilon": 0.05, "attack": "worst"}, min=0.78), MS, Severity.HIGH
    )
    strict = judge(
        Threshold(RA, {"epsilon": 0.05, "attack": "worst"}, min=0.78, judge_on="ci_low"),
        MS,
        Severity.HIGH,
    )
    assert lenient[0].passed and not strict[0].passed
    assert strict[0].judged_value == 0.75


def test_no_match_and_undefined_values_fail():
    (none,) = judge(Threshold("robust_accuracy", {"attack": "square"}, min=0.1), MS, Severity.LOW)
    assert not none.passed and none.measurement is None and "no measurement" in none.reason
    (nan,) = judge(Threshold("clean_accuracy", min=0.1), MS, Severity.LOW)
    assert not nan.passed and "undefined" in nan.reason
    (missing_ci,) = judge(Threshold("clean_accuracy", min=0.1, judge_on="ci_low"), MS, Severity.LOW)
    assert not missing_ci.passed


def test_max_and_min_together():
    (j,) = judge(Threshold(RA, {"attack": "pgd"}, min=0.5, max=0.65), MS, Severity.MEDIUM)
    assert not j.passed and "> 0.65" in j.reason
