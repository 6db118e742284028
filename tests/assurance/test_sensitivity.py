"""Poisoning sensitivity: retrained copies show a backdoor growing with the poison count."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from aisec.assurance.poisoning.sensitivity import (
    Trigger,
    counts_for,
    default_trigger,
    poison_grid,
    smallest_rows,
)
from aisec.core.errors import ConfigError


def _factory():
    return make_pipeline(StandardScaler(), LogisticRegression(max_iter=300))


@pytest.fixture(scope="module")
def digits_split():
    x, y = load_digits(return_X_y=True)
    rng = np.random.default_rng(0)
    rows = rng.permutation(len(y))
    tr, te = rows[:900], rows[900:1300]
    return (x[tr].astype(np.float64), y[tr].astype(np.int64)), (
        x[te].astype(np.float64),
        y[te].astype(np.int64),
    )


def test_trigger_success_grows_with_the_number_of_poisoned_rows(digits_split):
    train, test = digits_split
    # Three often-inked pixels of the top-left stroke: a trigger that takes many rows.
    trigger = Trigger((2, 10, 18), (16.0, 16.0, 16.0))
    steps = poison_grid(
        _factory, train, test, fractions=(0.0, 0.002, 0.01, 0.05),
        target_class=3, trigger=trigger, seed=0,
    )  # fmt: skip
    success = [float(s.triggered_hits.mean()) for s in steps]
    assert [s.rows for s in steps] == [0, 2, 9, 45]
    assert success[0] < 0.05  # the clean model ignores the pattern
    assert success[1] < 0.3
    assert success[-1] >= 0.5
    assert all(b >= a - 0.05 for a, b in itertools.pairwise(success))
    assert smallest_rows(steps, [s >= 0.5 for s in success]) in {9, 45}


def test_label_flips_cost_accuracy_at_ten_percent(digits_split):
    train, test = digits_split
    trigger = default_trigger(train[0], None)
    steps = poison_grid(
        _factory, train, test, fractions=(0.0, 0.2), target_class=0, trigger=trigger, seed=0
    )
    clean, flipped = (float(s.correct.mean()) for s in steps)
    assert clean > 0.9
    assert clean - flipped > 0.02


def test_default_trigger_picks_rare_features_at_their_maximum():
    x = np.column_stack([np.arange(10.0), np.r_[np.zeros(9), 1.0], np.ones(10)])
    trigger = default_trigger(x, None, n_features=1)
    assert trigger == Trigger((1,), (1.0,))
    assert np.all(trigger.apply(np.zeros((2, 3)))[:, 1] == 1.0)


@pytest.mark.parametrize(
    ("fractions", "message"), [((), "fractions"), ((1.5,), "fractions"), ((-0.1,), "fractions")]
)
def test_bad_fractions_are_config_errors(fractions, message):
    with pytest.raises(ConfigError, match=message):
        counts_for(fractions, 100)


def test_bad_trigger_columns_and_constant_data_are_config_errors():
    with pytest.raises(ConfigError, match="column indices"):
        default_trigger(np.zeros((5, 2)) + np.arange(2), [7])
    with pytest.raises(ConfigError, match="constant"):
        default_trigger(np.ones((5, 2)), None)


def test_counts_are_distinct_and_ascending():
    assert counts_for((0.1, 0.0, 0.001, 0.002), 100) == [(0, 0.0), (10, 0.1)]
