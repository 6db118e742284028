"""Optional SHAP cross-check: skipped without shap, and when shap is there its ranking
agrees with permutation importance on breast cancer."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from aisec.assurance.explain import shap_values
from aisec.assurance.explain.permutation import Unit, permutation_importance
from aisec.assurance.targets import SklearnTarget


@pytest.fixture(scope="module")
def cancer():
    x, y = load_breast_cancer(return_X_y=True)
    x = x[:, :8]  # eight features keep the permutation explainer quick
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000)).fit(x[:350], y[:350])
    return SklearnTarget(model), x[350:], y[350:].astype(np.int64)


def test_without_shap_the_comparison_is_a_note(cancer, monkeypatch):
    target, x, y = cancer
    monkeypatch.setattr(shap_values, "_shap", lambda: None)
    units = [Unit(f"x{j}", (j,)) for j in range(x.shape[1])]
    main = permutation_importance(target, x, y, units, n_repeats=2)
    details, note = shap_values.shap_comparison(target, x, main)
    assert details is None and "pip install shap" in note


def test_shap_ranking_agrees_with_permutation(cancer):
    pytest.importorskip("shap")
    target, x, y = cancer
    units = [Unit(f"x{j}", (j,)) for j in range(x.shape[1])]
    main = permutation_importance(target, x, y, units, n_repeats=5, metric="log_loss")
    details, note = shap_values.shap_comparison(target, x, main, background=20, rows=40)
    assert note == "" and details is not None
    assert set(details["mean_abs_shap"]) == {u.name for u in units}
    assert all(v >= 0 for v in details["mean_abs_shap"].values())
    assert details["spearman_vs_permutation"] > 0.5
