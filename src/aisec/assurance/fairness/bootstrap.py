"""Percentile bootstrap intervals over the rows of one sample."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from aisec.assurance.fairness.counts import bootstrap_counts
from aisec.assurance.fairness.rates import RATES, disparities


@dataclass(frozen=True, slots=True)
class Interval:
    low: float | None
    high: float | None
    undefined: int  # resamples in which the statistic was undefined (NaN)


def percentile_interval(samples: NDArray[np.float64], alpha: float) -> Interval:
    """The ``alpha/2`` and ``1 - alpha/2`` quantiles of the defined resamples."""
    defined = samples[~np.isnan(samples)]
    undefined = int(samples.size - defined.size)
    if defined.size == 0:
        return Interval(None, None, undefined)
    low, high = np.quantile(defined, [alpha / 2, 1 - alpha / 2])
    return Interval(float(low), float(high), undefined)


def bootstrap_intervals(
    codes: NDArray[np.int64], n_groups: int, n_boot: int, alpha: float, seed: int
) -> tuple[dict[str, list[Interval]], dict[str, Interval]]:
    """Intervals of every per-group rate (indexed by group) and of every disparity."""
    counts = bootstrap_counts(codes, n_groups, n_boot, np.random.default_rng(seed))
    per_group = {
        name: [percentile_interval(values[:, g], alpha) for g in range(n_groups)]
        for name, rate in RATES.items()
        for values in [rate(counts)]
    }
    overall = {
        name: percentile_interval(values, alpha) for name, values in disparities(counts).items()
    }
    return per_group, overall
