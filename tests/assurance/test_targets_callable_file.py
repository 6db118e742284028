"""Callable and predictions-only targets: capabilities, exact-row answers, budgets."""

import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from aisec.assurance.targets import (
    CallableTarget,
    Capability,
    CapabilityMissing,
    PredictionsFileTarget,
    QueryBudgetExceeded,
    Target,
    UnknownRows,
)

S, L = Capability.SCORES, Capability.LABELS


@pytest.fixture(scope="module")
def fitted():
    x, y = load_breast_cancer(return_X_y=True)
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000)).fit(x, y)
    return model, x, y


def test_callable_with_labels_only(fitted):
    model, x, _ = fitted
    names = np.array(["malignant", "benign"])
    target = CallableTarget(
        predict=lambda rows: names[model.predict(rows)], classes=["malignant", "benign"]
    )
    assert target.capabilities == {L}
    assert isinstance(target, Target)
    assert (target.predict(x) == model.predict(x)).all()
    with pytest.raises(CapabilityMissing, match="scores"):
        target.predict_proba(x[:1])
    with pytest.raises(CapabilityMissing, match="gradients"):
        target.loss_gradient(x[:1], [0])


def test_callable_with_scores_derives_labels(fitted):
    model, x, _ = fitted
    target = CallableTarget(predict_proba=model.predict_proba, budget=600)
    assert target.capabilities == {L, S}
    assert (target.predict(x) == model.predict(x)).all()
    with pytest.raises(QueryBudgetExceeded):
        target.predict_proba(x[:100])


def test_callable_rejects_unknown_labels(fitted):
    _, x, _ = fitted
    target = CallableTarget(predict=lambda rows: np.full(len(rows), "spam"), classes=["a", "b"])
    with pytest.raises(ValueError, match="'spam'"):
        target.predict(x[:2])


def test_callable_needs_a_function():
    with pytest.raises(ValueError, match="predict"):
        CallableTarget()


def test_npz_answers_only_recorded_rows(fitted, tmp_path):
    model, x, _ = fitted
    path = tmp_path / "answers.npz"
    np.savez(path, x=x[:200], y=model.predict(x[:200]), proba=model.predict_proba(x[:200]))
    target = PredictionsFileTarget.from_npz(path, budget=1000)
    assert target.capabilities == {L, S}
    assert target.name == "answers.npz"
    order = np.random.default_rng(0).permutation(200)
    assert (target.predict(x[order]) == model.predict(x[order])).all()
    assert np.allclose(target.predict_proba(x[order]), model.predict_proba(x[order]))
    perturbed = x[:3].copy()
    perturbed[1, 0] += 1e-9
    with pytest.raises(UnknownRows, match=r"1 row.*index 1"):
        target.predict(perturbed)
    with pytest.raises(UnknownRows):
        target.predict(x[200:201])


def test_npz_with_object_arrays_is_refused(tmp_path):
    path = tmp_path / "hostile.npz"
    np.savez(path, x=np.zeros((2, 2)), y=np.array([{"a": 1}, {"b": 2}], dtype=object))
    with pytest.raises(ValueError, match="pickle"):
        PredictionsFileTarget.from_npz(path)


def test_csv_labels_only_with_string_classes(fitted, tmp_path):
    model, x, _ = fitted
    path = tmp_path / "answers.csv"
    lines = ["a,b,decision"]
    for row, label in zip(x[:50, :2], model.predict(x[:50]), strict=True):
        lines.append(f"{float(row[0])!r},{float(row[1])!r},{'approve' if label else 'deny'}")
    path.write_text("\n".join(lines) + "\n")
    target = PredictionsFileTarget.from_csv(
        path, feature_columns=["a", "b"], label_column="decision"
    )
    assert target.capabilities == {L}
    assert list(target.classes) == ["approve", "deny"]
    got = target.classes[target.predict(target.inputs)]
    assert (got == np.where(model.predict(x[:50]) == 1, "approve", "deny")).all()
    with pytest.raises(ValueError, match="no column"):
        PredictionsFileTarget.from_csv(path, feature_columns=["a", "c"], label_column="decision")
    path.write_text("a,b,decision\n1,oops,deny\n")
    with pytest.raises(ValueError, match="line 2, column 'b'"):
        PredictionsFileTarget.from_csv(path, feature_columns=["a", "b"], label_column="decision")


def test_csv_with_probability_columns(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("f,label,p0,p1\n0.5,1,0.2,0.8\n1.5,0,0.9,0.1\n")
    target = PredictionsFileTarget.from_csv(
        path, feature_columns=["f"], label_column="label", proba_columns=["p0", "p1"], budget=3
    )
    assert target.capabilities == {L, S}
    assert target.predict([[1.5], [0.5]]).tolist() == [0, 1]
    assert target.predict_proba([[0.5]]).tolist() == [[0.2, 0.8]]
    with pytest.raises(QueryBudgetExceeded):
        target.predict([[0.5]])
