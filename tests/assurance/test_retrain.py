"""Fresh model copies for retraining audits, and probability columns for missing classes."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import LinearSVC

from aisec.assurance.poisoning.retrain import fit_fresh, full_probabilities, model_factory_for
from aisec.assurance.targets import CallableTarget, SklearnTarget
from aisec.assurance.targets.errors import CapabilityMissing
from aisec.core.errors import ConfigError


def test_a_sklearn_target_is_cloned_not_refitted():
    x, y = load_breast_cancer(return_X_y=True)
    fitted = make_pipeline(StandardScaler(), LogisticRegression()).fit(x[:100], y[:100])
    before = fitted[-1].coef_.copy()
    factory = model_factory_for(SklearnTarget(fitted), None, "test")
    fresh = fit_fresh(factory, x[100:300], y[100:300])
    assert fresh is not fitted and not hasattr(factory()[-1], "coef_")
    assert np.array_equal(fitted[-1].coef_, before)


def test_black_boxes_need_a_factory_and_factories_must_be_models():
    target = CallableTarget(predict=lambda x: np.zeros(len(x), dtype=int), classes=[0, 1])
    with pytest.raises(CapabilityMissing, match="needs a trainable model: a scikit-learn"):
        model_factory_for(target, None, "test")
    with pytest.raises(ConfigError, match="callable"):
        model_factory_for(target, 3, "test")  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="no fit"):
        fit_fresh(object, np.zeros((4, 2)), np.zeros(4, dtype=np.int64))


def test_missing_classes_get_zero_probability_and_no_scores_is_a_config_error():
    x = np.array([[0.0], [1.0], [2.0], [3.0]])
    model = LogisticRegression().fit(x, np.array([0, 0, 2, 2]))
    probs = full_probabilities(model, x, 3)
    assert probs.shape == (4, 3) and np.all(probs[:, 1] == 0)
    assert np.allclose(probs.sum(axis=1), 1.0)
    with pytest.raises(ConfigError, match="predict_proba"):
        full_probabilities(LinearSVC().fit(x, np.array([0, 0, 1, 1])), x, 2)
