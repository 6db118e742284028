"""The tabular Square-style search on score-only models: a random forest on breast cancer
(no gradients) and digits LR, where it should approach PGD."""

import warnings
from itertools import pairwise

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sklearn.datasets import load_breast_cancer, load_digits
from sklearn.ensemble import RandomForestClassifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

from aisec.assurance.attacks import build_box, pgd, random_sign_noise, square_attack
from aisec.assurance.attacks.square import subset_size
from aisec.assurance.targets import CallableTarget, SklearnTarget
from aisec.core.errors import ConfigError


@pytest.fixture(scope="module")
def forest():
    x, y = load_breast_cancer(return_X_y=True)
    xtr, xte, ytr, yte = train_test_split(x, y, test_size=0.3, stratify=y, random_state=0)
    model = RandomForestClassifier(50, max_depth=6, random_state=0, n_jobs=1).fit(xtr, ytr)
    target = SklearnTarget(model)
    ok = target.predict(xte) == yte
    return target, build_box(xte, xtr), xte[ok], yte[ok]


def test_square_lowers_forest_accuracy_beyond_noise(forest):
    target, box, x, y = forest
    square = square_attack(target, x, y, box, 0.1, queries=150, seed=0)
    noise = random_sign_noise(target, x, y, box, 0.1, seed=0)
    assert square.evaded.mean() > 0.3
    assert square.evaded.mean() > noise.evaded.mean() + 0.2
    assert np.all(np.abs(square.x_adv - x) <= box.radius(0.1) + 1e-12)
    assert np.array_equal(target.predict(square.x_adv) != y, square.evaded)


def test_square_spends_at_most_its_queries_per_row(forest):
    target, box, x, y = forest
    out = square_attack(target, x, y, box, 0.05, queries=40, seed=1)
    assert 0 < out.queries <= 40 * len(x)


def test_square_is_monotone_in_epsilon_on_the_forest(forest):
    target, box, x, y = forest
    rates = [square_attack(target, x, y, box, e, queries=100).evaded.mean() for e in (0.02, 0.1)]
    assert rates[0] <= rates[1]


def test_square_approaches_pgd_on_digits_lr():
    x, y = load_digits(return_X_y=True)
    xtr, xte, ytr, yte = train_test_split(x / 16.0, y, test_size=0.3, stratify=y, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        target = SklearnTarget(LogisticRegression(max_iter=1000).fit(xtr, ytr))
    xte, yte = xte[:150], yte[:150]
    box = build_box(xte, xtr)
    square = square_attack(target, xte, yte, box, 0.1, queries=300).evaded.mean()
    white_box = pgd(target, xte, yte, box, 0.1).evaded.mean()
    assert square >= white_box - 0.08


def test_a_labels_only_target_is_a_config_error(forest):
    target, box, x, y = forest
    labels_only = CallableTarget(predict=target.model.predict)
    with pytest.raises(ConfigError, match="scores"):
        square_attack(labels_only, x, y, box, 0.1)


def test_too_few_queries_is_a_config_error(forest):
    target, box, x, y = forest
    with pytest.raises(ConfigError, match="queries"):
        square_attack(target, x, y, box, 0.1, queries=1)


@given(
    iterations=st.integers(1, 5000),
    p_init=st.floats(0.01, 1.0),
    n_mutable=st.integers(1, 200),
)
def test_subset_size_shrinks_and_stays_in_range(iterations, p_init, n_mutable):
    sizes = [subset_size(k, iterations, p_init, n_mutable) for k in range(0, iterations, 97)]
    assert all(1 <= s <= n_mutable for s in sizes)
    assert all(b <= a for a, b in pairwise(sizes))
