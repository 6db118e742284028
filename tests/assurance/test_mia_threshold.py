"""Yeom et al. threshold attacks: the scores match their definitions and, on an overfit
forest trained on real digits, rank training rows above held-out rows."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.datasets import load_digits
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import train_test_split

from aisec.assurance.privacy.mia_threshold import (
    THRESHOLD_ATTACKS,
    confidence_scores,
    correctness_scores,
    loss_scores,
    threshold_scores,
)
from aisec.assurance.stats import roc_auc


@pytest.fixture(scope="module")
def forest_split():
    x, y = load_digits(return_X_y=True)
    xtr, xte, ytr, yte = train_test_split(x, y, test_size=0.3, stratify=y, random_state=0)
    model = RandomForestClassifier(n_estimators=100, random_state=0).fit(xtr, ytr)
    return model, xtr[:400], ytr[:400], xte[:400], yte[:400]


def test_loss_score_is_minus_the_per_row_cross_entropy():
    probs = np.array([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8], [0.0, 1.0, 0.0]])
    labels = np.array([0, 1, 0])
    got = loss_scores(probs, labels)
    assert got[:2] == pytest.approx(np.log([0.7, 0.1]))
    # A certain mistake is finite, and lower than any other loss.
    assert np.isfinite(got[2])
    assert got[2] < got[1]


@settings(max_examples=50, deadline=None)
@given(st.lists(st.lists(st.floats(0.01, 1.0), min_size=3, max_size=3), min_size=1, max_size=30))
def test_scores_are_orderable_and_bounded(rows):
    probs = np.asarray(rows) / np.asarray(rows).sum(axis=1, keepdims=True)
    labels = np.arange(len(probs)) % 3
    loss = loss_scores(probs, labels)
    confidence = confidence_scores(probs, labels)
    assert np.all(loss <= 0)
    assert np.all(loss <= np.log(confidence) + 1e-12)  # the true class is at most the top one
    assert np.all((confidence >= 1 / 3 - 1e-12) & (confidence <= 1))


def test_overfit_forest_leaks_through_loss_and_confidence(forest_split):
    model, xtr, ytr, xte, yte = forest_split
    members = model.predict_proba(xtr)
    others = model.predict_proba(xte)
    is_member = np.r_[np.ones(len(xtr)), np.zeros(len(xte))]
    labels = np.r_[ytr, yte]
    for attack in ("loss", "confidence"):
        s = threshold_scores(
            attack,
            labels,
            probabilities=np.vstack((members, others)),
            predictions=np.zeros(0, dtype=np.int64),
        )
        assert roc_auc(s, is_member) > 0.7, attack


def test_correctness_attack_needs_only_labels(forest_split):
    model, xtr, ytr, xte, yte = forest_split
    assert not THRESHOLD_ATTACKS["correctness"].needs_scores
    predictions = np.r_[model.predict(xtr), model.predict(xte)]
    labels = np.r_[ytr, yte]
    s = threshold_scores("correctness", labels, probabilities=None, predictions=predictions)
    assert set(np.unique(s)) <= {0.0, 1.0}
    # Its mean on members minus non-members is exactly the generalisation gap.
    gap = (model.predict(xtr) == ytr).mean() - (model.predict(xte) == yte).mean()
    assert s[:400].mean() - s[400:].mean() == pytest.approx(gap)
    assert (correctness_scores(predictions, labels) == s).all()


def test_score_attack_without_probabilities_is_refused():
    with pytest.raises(ValueError, match="probabilities"):
        threshold_scores("loss", np.array([0]), probabilities=None, predictions=np.array([0]))
