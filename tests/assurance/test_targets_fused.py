"""Labels from aisec's own forward pass equal the model's predict, and the fused
gradient-with-labels call equals the two separate calls at the cost of one query."""

import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer, load_digits
from sklearn.linear_model import LogisticRegression, RidgeClassifier, SGDClassifier
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MaxAbsScaler, MinMaxScaler, StandardScaler
from sklearn.svm import LinearSVC

from aisec.assurance.targets import SklearnTarget

MODELS = [
    lambda: make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000)),
    lambda: make_pipeline(MinMaxScaler(), LinearSVC()),
    lambda: make_pipeline(MaxAbsScaler(), RidgeClassifier()),
    lambda: make_pipeline(StandardScaler(), SGDClassifier(random_state=0)),
    lambda: make_pipeline(StandardScaler(), MLPClassifier((16,), max_iter=300, random_state=0)),
    lambda: MLPClassifier((16, 8), activation="tanh", max_iter=300, random_state=0),
]


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("make", MODELS)
@pytest.mark.parametrize("loader", [load_breast_cancer, load_digits])
def test_own_forward_labels_equal_predict_and_fused_equals_separate(make, loader):
    x, y = loader(return_X_y=True)
    model = make().fit(x, y)
    target = SklearnTarget(model)
    # Points off the data too: perturbed rows are what attacks ask about.
    probe = np.vstack([x, x + np.random.default_rng(0).normal(0, x.std(axis=0) * 0.3, x.shape)])
    expected = np.searchsorted(model.classes_, model.predict(probe))
    assert np.array_equal(target.predict(probe), expected)
    labels = expected[: len(x)]
    before = target.budget.used
    gradient, fused_labels = target.gradient_and_labels(x, labels)
    assert target.budget.used - before == len(x)  # one query per row, not two
    assert np.array_equal(fused_labels, expected[: len(x)])
    assert np.allclose(gradient, target.loss_gradient(x, labels), rtol=0, atol=0)


def test_own_forward_pass_refuses_what_scikit_learn_would():
    x, y = load_breast_cancer(return_X_y=True)
    target = SklearnTarget(
        make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000)).fit(x, y)
    )
    with pytest.raises(ValueError, match="expects 30"):
        target.predict(x[:5, :1])
    bad = x[:2].copy()
    bad[0, 3] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        target.predict(bad)
    with pytest.raises(ValueError, match="NaN"):
        target.gradient_and_labels(bad, [0, 1])
    with pytest.raises(ValueError, match="expects 30"):
        target.loss_gradient(x[:2, :3], [0, 1])
