"""Confident learning on real data: flipped labels are found, clean labels are not."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.datasets import load_breast_cancer, load_digits
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from aisec.assurance.poisoning.label_audit import (
    audit_labels,
    class_thresholds,
    precision_at_k,
    rank_label_issues,
)
from aisec.core.errors import ConfigError


def _logistic():
    return make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))


def _forest():
    return RandomForestClassifier(n_estimators=40, random_state=0, n_jobs=1)


def _flipped(loader, rate=0.05, seed=0):
    x, y = loader(return_X_y=True)
    y = y.astype(np.int64)
    n_classes = int(y.max()) + 1
    rng = np.random.default_rng(seed)
    bad = rng.choice(len(y), round(rate * len(y)), replace=False)
    noisy = y.copy()
    noisy[bad] = (y[bad] + rng.integers(1, n_classes, bad.size)) % n_classes
    truth = np.zeros(len(y), dtype=bool)
    truth[bad] = True
    return x.astype(np.float64), noisy, truth, n_classes


_CACHE: dict = {}


def _audited(loader, factory):
    # Several tests look at the same audit; training it once keeps the file fast.
    key = (loader.__name__, factory.__name__)
    if key not in _CACHE:
        x, noisy, truth, n_classes = _flipped(loader)
        _CACHE[key] = (audit_labels(factory, x, noisy, n_classes, folds=5, seed=0), truth)
    return _CACHE[key]


@pytest.mark.parametrize("loader", [load_breast_cancer, load_digits])
@pytest.mark.parametrize("factory", [_logistic, _forest])
def test_the_top_five_percent_hold_most_flipped_rows(loader, factory):
    ranking, truth = _audited(loader, factory)
    k = int(truth.sum())
    assert precision_at_k(ranking.order, truth, k) >= 0.6
    # The flagged issues are mostly the flipped rows and catch most of them.
    assert truth[ranking.issues].mean() >= 0.6
    assert ranking.issues[truth].mean() >= 0.5


def test_a_clean_dataset_has_few_issues():
    x, y = load_breast_cancer(return_X_y=True)
    ranking = audit_labels(_logistic, x, y.astype(np.int64), 2, folds=5, seed=0)
    assert ranking.issues.mean() < 0.05


def test_suggested_label_is_the_flip_source_for_most_flipped_digits():
    _, y = load_digits(return_X_y=True)
    ranking, truth = _audited(load_digits, _logistic)
    assert (ranking.suggested[truth] == y[truth]).mean() >= 0.7


def test_too_few_rows_per_class_for_the_folds_is_a_config_error():
    x = np.random.default_rng(0).normal(size=(20, 3))
    y = np.array([0] * 17 + [1] * 3, dtype=np.int64)
    with pytest.raises(ConfigError, match="folds"):
        audit_labels(_logistic, x, y, 2, folds=5)


@settings(max_examples=50, deadline=None)
@given(
    st.integers(min_value=2, max_value=5),
    st.integers(min_value=5, max_value=40),
    st.integers(min_value=0, max_value=10_000),
)
def test_ranking_invariants_on_random_probabilities(n_classes, n, seed):
    rng = np.random.default_rng(seed)
    probs = rng.dirichlet(np.ones(n_classes), size=n)
    y = rng.integers(0, n_classes, n).astype(np.int64)
    for rank_by in ("self_confidence", "normalized_margin"):
        r = rank_label_issues(probs, y, rank_by=rank_by)
        assert sorted(r.order.tolist()) == list(range(n))
        assert np.all(np.diff(r.scores) >= 0)
        assert np.all(r.suggested != y)
        assert r.confident_joint.sum() <= n
        # A row whose label is both confident and the most probable class is no issue.
        thresholds = class_thresholds(probs, y)
        given = probs[np.arange(n), y]
        sure = (given >= thresholds[y]) & (given >= probs.max(axis=1))
        assert not np.any(r.issues & sure)
    assert np.all((thresholds >= 0) & (thresholds <= 1))


@pytest.mark.parametrize(
    ("labels", "rank_by", "message"),
    [([0, 1, 2, 0, 1, 2], "self_confidence", "class indices"), ([0, 1] * 3, "loss", "rank_by")],
)
def test_bad_labels_and_ranking_names_are_config_errors(labels, rank_by, message):
    x = np.arange(12.0).reshape(6, 2)
    with pytest.raises(ConfigError, match=message):
        audit_labels(_logistic, x, np.array(labels, dtype=np.int64), 2, folds=2, rank_by=rank_by)
