"""The vectorised bootstrap: counts as a loop would give them, and honest coverage."""

from __future__ import annotations

import numpy as np

from aisec.assurance.fairness.bootstrap import bootstrap_intervals, percentile_interval
from aisec.assurance.fairness.counts import bootstrap_counts, cell_codes, confusion_counts


def _codes(n: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return cell_codes(rng.integers(0, 2, n), rng.integers(0, 2, n), rng.integers(0, 3, n))


def test_vectorised_counts_equal_a_loop_over_the_same_draws():
    codes = _codes(500)
    got = bootstrap_counts(codes, 3, 40, np.random.default_rng(7))
    draws = np.random.default_rng(7).integers(0, codes.size, size=(40, codes.size))
    for b in range(40):
        np.testing.assert_array_equal(got[b], confusion_counts(codes[draws[b]], 3))


def test_chunking_changes_neither_draws_nor_counts():
    codes = _codes(300)
    whole = bootstrap_counts(codes, 3, 25, np.random.default_rng(3))
    chunked = bootstrap_counts(codes, 3, 25, np.random.default_rng(3), max_chunk_cells=700)
    np.testing.assert_array_equal(whole, chunked)
    assert whole.sum(axis=(1, 2)).tolist() == [300] * 25


def test_same_seed_same_intervals():
    codes = _codes(400)
    assert bootstrap_intervals(codes, 3, 100, 0.05, 5) == bootstrap_intervals(
        codes, 3, 100, 0.05, 5
    )


def test_interval_skips_undefined_resamples_and_counts_them():
    interval = percentile_interval(np.array([np.nan, 0.1, 0.2, 0.3, np.nan]), 0.5)
    assert interval.undefined == 2
    assert interval.low is not None and interval.high is not None
    assert 0.1 <= interval.low < interval.high <= 0.3
    assert percentile_interval(np.array([np.nan]), 0.05).low is None


def test_95_percent_intervals_cover_the_true_rates_about_95_percent_of_the_time():
    """Repeated experiments on a population with known rates: group 0 is selected with
    probability 0.3, group 1 with 0.5, so the demographic parity difference is 0.2."""
    rng = np.random.default_rng(2026)
    experiments, n = 200, 600
    covered_gap = covered_rate = 0
    for _ in range(experiments):
        groups = rng.integers(0, 2, n)
        y_pred = (rng.random(n) < np.where(groups == 1, 0.5, 0.3)).astype(np.int64)
        y_true = rng.integers(0, 2, n)
        codes = cell_codes(y_true, y_pred, groups)
        per_group, overall = bootstrap_intervals(codes, 2, 400, 0.05, int(rng.integers(1 << 30)))
        gap = overall["demographic_parity_difference"]
        covered_gap += gap.low <= 0.2 <= gap.high
        rate = per_group["selection_rate"][0]
        covered_rate += rate.low <= 0.3 <= rate.high
    # Binomial(200, 0.95) lies in [181, 197] with probability above 0.99.
    assert 0.9 <= covered_gap / experiments <= 0.985
    assert 0.9 <= covered_rate / experiments <= 0.985
