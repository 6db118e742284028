"""The poisoning tests' contract: TestResults with the agreed measurements and details,
JSON-safe, and ConfigErrors that say what to do."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer, load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from aisec.assurance.outcome import AssuranceData
from aisec.assurance.poisoning import (
    run_backdoor_scan,
    run_label_audit,
    run_poisoning_sensitivity,
)
from aisec.assurance.targets import CallableTarget, SklearnTarget
from aisec.assurance.targets.errors import CapabilityMissing
from aisec.core.errors import ConfigError


def _logistic():
    return make_pipeline(StandardScaler(), LogisticRegression(max_iter=500))


@pytest.fixture(scope="module")
def cancer():
    x, y = load_breast_cancer(return_X_y=True)
    rng = np.random.default_rng(1)
    rows = rng.permutation(len(y))
    tr, te = rows[:400], rows[400:]
    y = y.astype(np.int64)
    bad = rng.choice(400, 20, replace=False)
    y_train = y[tr].copy()
    y_train[bad] = 1 - y_train[bad]
    model = _logistic().fit(x[tr], y_train)
    data = AssuranceData(x[te], y[te], x[tr], y_train, name="breast-cancer")
    return SklearnTarget(model), data, bad


def test_label_audit_result(cancer):
    target, data, bad = cancer
    result = run_label_audit(target, data, known_mislabelled=bad, seed=0)
    fraction = result.get("poisoning.label_issues.fraction")
    assert fraction.n == 400 and fraction.ci_low <= fraction.value <= fraction.ci_high
    assert 0.02 < fraction.value < 0.1
    precision = result.get("poisoning.label_issues.precision_at_k", k=20)
    assert precision.value >= 0.6
    ranked = result.details["ranked"]
    assert len(ranked) == 200 and ranked[0]["score"] <= ranked[-1]["score"]
    assert {"row", "label", "suggested", "score", "issue"} <= set(ranked[0])
    assert sum(r["row"] in set(bad.tolist()) for r in ranked[:20]) >= 12
    json.dumps(result.details)


def test_label_audit_of_a_black_box_needs_a_factory(cancer):
    _, data, _ = cancer
    black_box = CallableTarget(predict=lambda x: np.zeros(len(x), dtype=int), classes=[0, 1])
    with pytest.raises(CapabilityMissing, match="needs a trainable model") as raised:
        run_label_audit(black_box, data)
    # Missing capability, not a bad parameter: the plan runner reports it as SKIPPED.
    assert "model_factory" in raised.value.message
    with pytest.raises(CapabilityMissing, match="needs a trainable model"):
        run_poisoning_sensitivity(black_box, data)
    result = run_label_audit(black_box, data, model_factory=_logistic, folds=3)
    assert result.get("poisoning.label_issues.fraction").params["folds"] == 3


def test_no_training_rows_is_a_config_error(cancer):
    target, data, _ = cancer
    test_only = AssuranceData(data.x_test, data.y_test)
    for run in (run_label_audit, run_backdoor_scan, run_poisoning_sensitivity):
        with pytest.raises(ConfigError, match="training rows"):
            run(target, test_only)


def test_backdoor_scan_result_on_digits():
    x, y = load_digits(return_X_y=True)
    x, y = x[:1200].astype(np.float64), y[:1200].astype(np.int64)
    rng = np.random.default_rng(0)
    poisoned = rng.choice(np.flatnonzero(y != 0), 9, replace=False)
    x[np.ix_(poisoned, [47, 55, 62, 63])] = 16.0
    y[poisoned] = 0
    model = make_pipeline(StandardScaler(), MLPClassifier((32,), max_iter=300, random_state=0))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(x, y)
    target = SklearnTarget(model, budget=5000)
    data = AssuranceData(x[:10], y[:10], x, y)
    result = run_backdoor_scan(target, data, known_poisoned=poisoned)
    assert target.budget.used == len(y)
    separations = [m for m in result.measurements if m.name.endswith("suspect_separation")]
    assert len(separations) == 10
    assert result.details["suspect_class"] == 0
    assert result.get("poisoning.backdoor.recall").value >= 0.8
    assert result.get("poisoning.backdoor.precision").n == len(result.details["flagged_rows"])
    json.dumps(result.details)
    with pytest.raises(ConfigError, match="poison_rate"):
        run_backdoor_scan(target, data, poison_rate=0.7)


def test_sensitivity_result(cancer):
    target, data, _ = cancer
    result = run_poisoning_sensitivity(
        target, data, fractions=(0.01, 0.1), trigger_features=["x3", 5], n_boot=100
    )
    drops = [m for m in result.measurements if m.name == "poisoning.sensitivity.accuracy_drop"]
    assert [m.params["rows"] for m in drops] == [0, 4, 40]
    assert drops[0].value == 0.0
    success = result.get("poisoning.sensitivity.trigger_success", rows=40)
    assert success.params["fraction"] == 0.1 and success.ci_low <= success.value
    assert result.details["trigger"]["features"] == ["x3", "x5"]
    assert {"rows_to_move_accuracy", "rows_to_implant_trigger", "grid"} <= set(result.details)
    json.dumps(result.details)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"trigger_features": ["nope"]}, "feature names"),
        ({"target_class": 5}, "target_class"),
        ({"fractions": (2.0,)}, "fractions"),
    ],
)
def test_sensitivity_bad_input(cancer, kwargs, message):
    target, data, _ = cancer
    with pytest.raises(ConfigError, match=message):
        run_poisoning_sensitivity(target, data, **kwargs)


def test_known_rows_out_of_range_are_config_errors(cancer):
    target, data, _ = cancer
    with pytest.raises(ConfigError, match="known_mislabelled"):
        run_label_audit(target, data, known_mislabelled=[10_000])
