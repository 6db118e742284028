"""scikit-learn targets on real offline data: capabilities, analytic gradients checked
against finite differences, labels as class indices, and the query budget."""

import warnings

import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer, load_digits
from sklearn.ensemble import GradientBoostingClassifier, RandomForestClassifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler, StandardScaler
from sklearn.svm import SVC, LinearSVC

from aisec.assurance.targets import (
    Capability,
    CapabilityMissing,
    QueryBudgetExceeded,
    SklearnTarget,
    Target,
)

G, S, L = Capability.GRADIENTS, Capability.SCORES, Capability.LABELS


@pytest.fixture(scope="module")
def cancer():
    x, y = load_breast_cancer(return_X_y=True)
    return x, y


@pytest.fixture(scope="module")
def digits():
    x, y = load_digits(return_X_y=True)
    return x / 16.0, y


def fit(model, x, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return model.fit(x, y)


def ce_loss(model, x, y):
    """The loss the analytic gradient differentiates, from the model's own outputs."""
    last = model[-1] if hasattr(model, "steps") else model
    if hasattr(last, "predict_proba"):
        p = model.predict_proba(x)
        return -np.log(np.clip(p[np.arange(len(y)), y], 1e-300, None))
    z = model.decision_function(x)
    if z.ndim == 1:  # binary: one logit for class 1
        z = np.stack([np.zeros_like(z), z], axis=1)
    z = z - z.max(axis=1, keepdims=True)
    return -(z[np.arange(len(y)), y] - np.log(np.exp(z).sum(axis=1)))


def finite_difference(model, x, y, h):
    grad = np.zeros_like(x)
    for j in range(x.shape[1]):
        step = np.zeros(x.shape[1])
        step[j] = h[j] if np.ndim(h) else h
        grad[:, j] = (ce_loss(model, x + step, y) - ce_loss(model, x - step, y)) / (2 * step[j])
    return grad


def relative_error(a, b):
    return np.linalg.norm(a - b, axis=1) / np.maximum(
        np.linalg.norm(a, axis=1) + np.linalg.norm(b, axis=1), 1e-12
    )


CASES = {
    "cancer-logreg-pipeline": (
        "cancer",
        lambda: make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000)),
    ),
    "cancer-linearsvc-pipeline": ("cancer", lambda: make_pipeline(StandardScaler(), LinearSVC())),
    "cancer-mlp-logistic-minmax": (
        "cancer",
        lambda: make_pipeline(
            MinMaxScaler(),
            MLPClassifier((16,), activation="logistic", max_iter=300, random_state=0),
        ),
    ),
    "digits-logreg": ("digits", lambda: LogisticRegression(max_iter=500)),
    "digits-logreg-liblinear-binary": (
        "digits-binary",
        lambda: LogisticRegression(solver="liblinear"),
    ),
    "digits-mlp-relu": ("digits", lambda: MLPClassifier((32, 16), max_iter=200, random_state=0)),
    "digits-mlp-tanh": (
        "digits",
        lambda: MLPClassifier((24,), activation="tanh", max_iter=200, random_state=0),
    ),
    "digits-linearsvc": ("digits", LinearSVC),
}


@pytest.fixture(scope="module")
def data(cancer, digits):
    x, y = digits
    keep = y < 2
    return {"cancer": cancer, "digits": digits, "digits-binary": (x[keep], y[keep])}


@pytest.mark.parametrize("case", sorted(CASES))
def test_analytic_gradient_matches_finite_differences(case, data):
    dataset, build = CASES[case]
    x, y = data[dataset]
    model = fit(build(), x, y)
    target = SklearnTarget(model)
    assert G in target.capabilities
    rng = np.random.default_rng(0)
    rows = rng.choice(len(x), 20, replace=False)
    xs, ys = x[rows], y[rows]
    analytic = target.loss_gradient(xs, ys)
    # A step relative to each feature's spread (cancer features span 1e-3 to 1e3), not
    # smaller: confident rows have gradients near 1e-6, lost to round-off at tiny steps.
    h = 1e-4 * np.maximum(x.std(axis=0), 1e-3)
    numeric = finite_difference(model, xs, ys, h)
    err = relative_error(analytic, numeric)
    assert np.median(err) < 1e-5, (case, err)
    assert err.max() < 1e-3, (case, err)


def test_capabilities_follow_the_model(cancer):
    x, y = cancer
    forest = fit(RandomForestClassifier(n_estimators=20, random_state=0), x, y)
    boosting = fit(GradientBoostingClassifier(n_estimators=20, random_state=0), x, y)
    svc = fit(make_pipeline(StandardScaler(), SVC()), x, y)
    linear = fit(make_pipeline(StandardScaler(), LinearSVC()), x, y)
    logreg = fit(make_pipeline(StandardScaler(), LogisticRegression()), x, y)
    assert SklearnTarget(forest).capabilities == {L, S}
    assert SklearnTarget(boosting).capabilities == {L, S}
    assert SklearnTarget(svc).capabilities == {L}
    assert SklearnTarget(linear).capabilities == {L, G}
    assert SklearnTarget(logreg).capabilities == {L, S, G}
    assert isinstance(SklearnTarget(forest), Target)


def test_one_vs_rest_wrappers_have_no_gradient(digits):
    from sklearn.multiclass import OneVsRestClassifier

    x, y = digits
    model = fit(OneVsRestClassifier(LogisticRegression(solver="liblinear")), x[:400], y[:400])
    assert SklearnTarget(model).capabilities == {L, S}


def test_gradient_refused_where_missing(cancer):
    x, y = cancer
    forest = fit(RandomForestClassifier(n_estimators=10, random_state=0), x, y)
    target = SklearnTarget(forest, name="forest")
    with pytest.raises(CapabilityMissing, match=r"forest.*gradients"):
        target.loss_gradient(x[:2], y[:2])
    assert target.budget.used == 0  # a refused query is not counted


def test_labels_are_class_indices_and_match_the_model():
    x, y = load_breast_cancer(return_X_y=True)
    names = np.where(y == 1, "benign", "malignant")
    model = fit(RandomForestClassifier(n_estimators=10, random_state=0), x, names)
    target = SklearnTarget(model)
    assert list(target.classes) == ["benign", "malignant"]
    got = target.predict(x[:50])
    assert got.dtype == np.int64
    assert (target.classes[got] == model.predict(x[:50])).all()
    assert np.allclose(target.predict_proba(x[:50]), model.predict_proba(x[:50]))


def test_budget_counts_rows_and_refuses_when_spent(cancer):
    x, y = cancer
    model = fit(make_pipeline(StandardScaler(), LogisticRegression()), x, y)
    target = SklearnTarget(model, budget=100)
    target.predict(x[:40])
    target.predict_proba(x[:30])
    target.loss_gradient(x[:20], y[:20])
    assert (target.budget.used, target.budget.remaining) == (90, 10)
    with pytest.raises(QueryBudgetExceeded) as info:
        target.predict(x[:11])
    assert "query budget" in str(info.value)
    assert "90 of 100 queries used, 11 more asked" in str(info.value)
    assert target.budget.used == 90
    target.predict(x[:10])
    assert target.budget.remaining == 0


def test_unfitted_model_is_refused():
    with pytest.raises(ValueError, match="fitted classifier"):
        SklearnTarget(LogisticRegression())
