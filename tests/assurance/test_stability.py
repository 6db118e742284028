"""Ranking stability: Jaccard of top-k sets and Spearman's rho, checked against scipy."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from aisec.assurance.explain.stability import (
    jaccard,
    jaccard_interval,
    ranking_stability,
    spearman,
    top_k,
)
from aisec.assurance.stats import average_ranks
from aisec.core.errors import ConfigError

scipy_stats = pytest.importorskip("scipy.stats")

_values = arrays(
    np.float64, st.integers(3, 30), elements=st.integers(-5, 5).map(float)
)  # small integers: plenty of ties


@settings(max_examples=80, deadline=None)
@given(_values, st.data())
def test_spearman_matches_scipy_with_ties(a, data):
    b = data.draw(arrays(np.float64, a.size, elements=st.integers(-5, 5).map(float)))
    ours = spearman(a, b)
    if np.ptp(a) == 0 or np.ptp(b) == 0:
        assert np.isnan(ours)
    else:
        assert ours == pytest.approx(scipy_stats.spearmanr(a, b).statistic, abs=1e-9)
        assert -1 - 1e-12 <= ours <= 1 + 1e-12
        assert ours == pytest.approx(spearman(b, a))


@settings(max_examples=80, deadline=None)
@given(_values)
def test_average_ranks_match_scipy(a):
    assert np.allclose(average_ranks(a), scipy_stats.rankdata(a))


@settings(max_examples=50, deadline=None)
@given(st.sets(st.integers(0, 20)), st.sets(st.integers(0, 20)))
def test_jaccard_bounds_and_symmetry(a, b):
    value = jaccard(a, b)
    assert 0.0 <= value <= 1.0
    assert value == jaccard(b, a)
    assert jaccard(a, a) == 1.0


def test_identical_runs_are_perfectly_stable_and_disjoint_tops_are_not():
    run = np.array([0.5, 0.1, 0.3, 0.0, 0.2])
    same = ranking_stability(np.vstack([run, run, run]), k=2)
    assert same.mean_jaccard == 1.0 and same.mean_spearman == pytest.approx(1.0)
    assert same.top_sets[0] == [0, 2]
    flipped = ranking_stability(np.vstack([run, -run]), k=2)
    assert flipped.mean_jaccard == 0.0 and flipped.mean_spearman == pytest.approx(-1.0)
    assert flipped.jaccard.size == 1


def test_ties_go_to_the_earlier_unit():
    assert top_k(np.array([1.0, 2.0, 2.0, 0.0]), 2) == [1, 2]


@pytest.mark.parametrize(
    ("runs", "k", "message"),
    [
        (np.ones((1, 4)), 2, "two runs"),
        (np.ones((3, 4)), 0, "top_k"),
        (np.ones((3, 4)), 5, "top_k"),
    ],
)
def test_bad_input_is_a_config_error(runs, k, message):
    with pytest.raises(ConfigError, match=message):
        ranking_stability(runs, k)


def test_few_pairwise_values_give_their_range_not_a_percentile():
    low, high, method = jaccard_interval(np.array([0.6, 1.0, 0.8]), seeds=3)
    assert (low, high) == (0.6, 1.0)
    assert method == "range of 3 pairwise values over 3 seeds"
    many = np.linspace(0.0, 1.0, 45)  # ten seeds: 45 pairs
    low, high, method = jaccard_interval(many, seeds=10)
    assert 0.0 < low < 0.05 and 0.95 < high < 1.0
    assert method == "2.5-97.5% quantiles of 45 pairwise values over 10 seeds"
