"""Choosing attacks from capabilities, and the stratified row sample."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sklearn.datasets import load_breast_cancer
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression

from aisec.assurance.attacks import choose_attacks, sample_rows
from aisec.assurance.targets import CallableTarget, SklearnTarget
from aisec.core.errors import ConfigError

X, Y = load_breast_cancer(return_X_y=True)


def test_auto_follows_capabilities():
    lr = SklearnTarget(LogisticRegression(max_iter=50).fit(X[:100] / 1000, Y[:100]))
    forest = SklearnTarget(RandomForestClassifier(3, random_state=0).fit(X[:100], Y[:100]))
    labels = CallableTarget(predict=lambda x: np.zeros(len(x)))
    assert choose_attacks(lr, ["auto"]) == ["fgsm", "pgd", "square", "hopskipjump"]
    assert choose_attacks(forest, ["auto"]) == ["square", "hopskipjump"]
    assert choose_attacks(labels, ["auto"]) == ["hopskipjump"]
    assert choose_attacks(lr, ["hopskipjump", "fgsm"]) == ["fgsm", "hopskipjump"]
    with pytest.raises(ConfigError, match="gradients"):
        choose_attacks(forest, ["fgsm"])
    with pytest.raises(ConfigError, match="unknown"):
        choose_attacks(lr, ["deepfool"])
    with pytest.raises(ConfigError, match="list"):
        choose_attacks(lr, [])


@given(
    labels=st.lists(st.integers(0, 4), min_size=1, max_size=300),
    max_rows=st.integers(1, 400),
    seed=st.integers(0, 1000),
)
def test_sample_is_sized_distinct_and_proportional(labels, max_rows, seed):
    y = np.array(labels)
    rows = sample_rows(y, max_rows, seed)
    assert len(rows) == min(max_rows, len(y))
    assert len(np.unique(rows)) == len(rows)
    for c in np.unique(y):
        expected = np.sum(y == c) * len(rows) / len(y)
        assert abs(np.sum(y[rows] == c) - expected) < 1.0 + 1e-9


def test_sample_is_seeded():
    assert np.array_equal(sample_rows(Y, 100, 1), sample_rows(Y, 100, 1))
    assert not np.array_equal(sample_rows(Y, 100, 1), sample_rows(Y, 100, 2))
