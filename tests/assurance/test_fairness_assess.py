"""The assessment's contract: Measurements, undefined rates, one group, bad input."""

from __future__ import annotations

import math

import numpy as np
import pytest

pytest.importorskip("fairlearn", reason="needs the fairness extra")

from aisec.assurance.fairness import assess_group_fairness
from aisec.core.errors import ConfigError, InputError
from aisec.core.run import Measurement


def _sample(n=400, seed=0):
    rng = np.random.default_rng(seed)
    groups = np.where(rng.random(n) < 0.4, "a", "b")
    y_true = rng.integers(0, 2, n)
    y_pred = (rng.random(n) < np.where(groups == "a", 0.3, 0.6)).astype(int)
    return y_true, y_pred, groups


def test_measurements_carry_intervals_sizes_and_parameters():
    y_true, y_pred, groups = _sample()
    report = assess_group_fairness(
        y_true, y_pred, groups, sensitive_feature="sex", n_boot=200, alpha=0.1, seed=3
    )
    assert report.groups == ("a", "b")
    assert len(report.measurements) == 4 * 2 + 4
    for m in report.measurements:
        assert isinstance(m, Measurement)
        assert m.name.startswith("fairness.")
        assert m.ci_low is not None and m.ci_high is not None
        assert m.ci_low <= m.value <= m.ci_high
        assert m.params["n_boot"] == 200 and m.params["alpha"] == 0.1 and m.params["seed"] == 3
        assert m.params["sensitive_feature"] == "sex"
    assert report.get("selection_rate", "a").n == int((groups == "a").sum())
    assert report.get("fairness.equalized_odds_ratio").unit == "ratio"
    assert report.get("demographic_parity_difference").n == 400
    assert report.notes == ()


def test_no_bootstrap_gives_point_estimates_only():
    report = assess_group_fairness(*_sample(), n_boot=0)
    assert all(m.ci_low is None and m.ci_high is None for m in report.measurements)


def test_a_group_without_positives_has_undefined_fnr_not_a_crash():
    y_true, y_pred, groups = _sample()
    y_true[groups == "a"] = 0
    report = assess_group_fairness(y_true, y_pred, groups, n_boot=100)
    fnr = report.get("false_negative_rate", "a")
    assert math.isnan(fnr.value)
    assert fnr.ci_low is None and fnr.ci_high is None
    assert "has no positives" in fnr.params["note"]
    assert not math.isnan(report.get("false_positive_rate", "a").value)
    assert not math.isnan(report.get("false_negative_rate", "b").value)
    # Equalized odds compares TPRs too, so it is undefined; demographic parity is not.
    assert math.isnan(report.get("equalized_odds_difference").value)
    assert not math.isnan(report.get("demographic_parity_difference").value)
    assert any("false_negative_rate" in note for note in report.notes)


def test_a_group_without_negatives_has_undefined_fpr():
    y_true, y_pred, groups = _sample()
    y_true[groups == "b"] = 1
    report = assess_group_fairness(y_true, y_pred, groups, n_boot=0)
    assert "has no negatives" in report.get("false_positive_rate", "b").params["note"]


def test_a_single_group_is_reported_with_a_note():
    y_true, y_pred, _ = _sample()
    report = assess_group_fairness(y_true, y_pred, ["all"] * y_true.size, n_boot=50)
    assert report.groups == ("all",)
    assert report.get("demographic_parity_difference").value == 0
    assert report.get("demographic_parity_ratio").value == 1
    assert "only one group" in report.notes[0]


def test_a_small_group_that_resamples_can_lose_is_counted_not_hidden():
    y_true, y_pred, groups = _sample(n=200)
    groups = groups.astype(object)
    groups[:2] = "tiny"
    y_true[:2] = [0, 1]
    report = assess_group_fairness(y_true, y_pred, groups, n_boot=300)
    fnr = report.get("false_negative_rate", "tiny")
    assert fnr.params["undefined_resamples"] > 0


def test_boolean_labels_are_accepted():
    y_true, y_pred, groups = _sample()
    as_bool = assess_group_fairness(y_true == 1, y_pred == 1, groups, n_boot=0)
    as_int = assess_group_fairness(y_true, y_pred, groups, n_boot=0)
    assert [m.value for m in as_bool.measurements] == [m.value for m in as_int.measurements]


@pytest.mark.parametrize(
    ("y_true", "y_pred", "groups", "message"),
    [
        ([0, 1, 2], [0, 1, 1], ["a", "b", "a"], "binary labels"),
        ([0, 1], [0, 1, 1], ["a", "b", "a"], "differ in length"),
        ([], [], [], "no rows"),
        ([[0, 1]], [[0, 1]], [["a", "b"]], "one-dimensional"),
    ],
)
def test_bad_input_is_an_input_error(y_true, y_pred, groups, message):
    with pytest.raises(InputError, match=message):
        assess_group_fairness(y_true, y_pred, groups)


@pytest.mark.parametrize(("n_boot", "alpha"), [(-1, 0.05), (10, 0.0), (10, 1.0)])
def test_bad_parameters_are_a_config_error(n_boot, alpha):
    with pytest.raises(ConfigError):
        assess_group_fairness([0, 1], [0, 1], ["a", "b"], n_boot=n_boot, alpha=alpha)


def test_without_fairlearn_the_error_names_the_extra(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "fairlearn", None)
    with pytest.raises(ConfigError) as caught:
        assess_group_fairness([0, 1], [0, 1], ["a", "b"], n_boot=0)
    assert "aisec[fairness]" in str(caught.value)


def test_fairlearn_and_pandas_are_imported_only_when_used():
    import subprocess
    import sys

    code = (
        "import sys, aisec.assurance.fairness, aisec.assurance.fairness.datasets;"
        "print(sorted({'fairlearn', 'pandas'} & set(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
