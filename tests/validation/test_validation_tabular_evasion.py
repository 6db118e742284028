"""Constrained evasion of a tabular detector: immutable features stay, monotone ones move
one way only, and the goal is the operating threshold."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from aisec.assurance.attacks.box import build_box
from aisec.core.errors import ConfigError
from aisec.validation.tabular_evasion import Constraints, tabular_evasion

FEATURES = ["amount", "age", "noise"]


def _data(seed: int = 0):
    """Fraud scored by amount alone: a detector an attacker evades by lowering it."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(0, 100, size=(600, 3))
    malicious = x[:, 0] > 70
    return x, malicious


def score(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-(x[:, 0] - 70.0) / 3.0))


def test_free_features_let_the_attack_through_and_an_immutable_one_stops_it():
    x, malicious = _data()
    free = tabular_evasion(score, x, malicious, FEATURES, threshold=0.9, fpr=0.01,
                           epsilons=(0.3,), max_rows=60)  # fmt: skip
    pinned = tabular_evasion(score, x, malicious, FEATURES, threshold=0.9, fpr=0.01,
                             constraints=Constraints(immutable=("amount",)),
                             epsilons=(0.3,), max_rows=60)  # fmt: skip
    assert free.caught == pinned.caught == int((malicious & (score(x) >= 0.9)).sum())
    [loose], [held] = free.results, pinned.results
    assert loose.attacked == 60 and loose.evasion_rate.value > 0.5
    assert held.evaded == 0


def test_a_feature_that_can_only_grow_cannot_be_lowered_past_the_threshold():
    x, malicious = _data(1)
    found = tabular_evasion(score, x, malicious, FEATURES, threshold=0.9, fpr=0.01,
                            constraints=Constraints(increase_only=("amount",)),
                            epsilons=(0.5,), max_rows=40)  # fmt: skip
    assert found.results[0].evaded == 0


def test_the_threshold_not_one_half_is_the_goal():
    x, malicious = _data(2)
    low = tabular_evasion(score, x, malicious, FEATURES, threshold=0.6, fpr=0.01,
                          epsilons=(0.05,), max_rows=60)  # fmt: skip
    high = tabular_evasion(score, x, malicious, FEATURES, threshold=0.99, fpr=0.01,
                           epsilons=(0.05,), max_rows=60)  # fmt: skip
    # A high threshold is easier to get under with the same budget.
    assert high.results[0].evasion_rate.value > low.results[0].evasion_rate.value


def test_constraints_on_unknown_features_are_refused():
    x, malicious = _data()
    with pytest.raises(ConfigError, match="no feature 'colour'"):
        tabular_evasion(score, x, malicious, FEATURES, threshold=0.9, fpr=0.01,
                        constraints=Constraints(immutable=("colour",)))  # fmt: skip
    twice = Constraints(immutable=("age",), increase_only=("age",))
    with pytest.raises(ConfigError, match="two constraints"):
        tabular_evasion(score, x, malicious, FEATURES, threshold=0.9, fpr=0.01,
                        constraints=twice)  # fmt: skip


@settings(max_examples=100, deadline=None)
@given(
    rows=arrays(np.float64, (5, 3), elements=st.floats(-10, 10)),
    moved=arrays(np.float64, (5, 3), elements=st.floats(-30, 30)),
    eps=st.floats(0.01, 2.0),
)
def test_the_box_keeps_monotone_and_immutable_features(rows, moved, eps):
    box = build_box(np.vstack([rows, rows + 1.0]))
    box = replace(box, width=np.array([box.width[0], 0.0, box.width[2]]),
                  direction=np.array([1.0, 0.0, -1.0]))  # fmt: skip
    out = box.clip(moved, rows, eps)
    assert (out[:, 0] >= rows[:, 0] - 1e-12).all()  # only up
    assert (out[:, 2] <= rows[:, 2] + 1e-12).all()  # only down
    np.testing.assert_array_equal(out[:, 1], rows[:, 1])  # immutable
    lo, hi = box.bounds(rows, eps)
    assert (lo[:, 0] >= rows[:, 0] - 1e-12).all() and (hi[:, 2] <= rows[:, 2] + 1e-12).all()
