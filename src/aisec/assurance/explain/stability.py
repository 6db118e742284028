"""Stability of a feature ranking across seeds and bootstrap resamples of the rows.

An explanation that names different top features when the same model is explained on a
resample of the same data should not be trusted for decisions. Two summaries over every
pair of runs: the Jaccard index |A ∩ B| / |A ∪ B| of the top-k sets (the selection
stability measure of Kalousis, Prados & Hilario 2007) and Spearman's rank correlation
(Spearman 1904) of the full importance vectors, with tied values sharing their mean rank.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import combinations

import numpy as np
from numpy.typing import NDArray

from aisec.assurance.stats import average_ranks
from aisec.core.errors import ConfigError

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class Stability:
    k: int
    top_sets: list[list[int]]  # per run, the unit indices of its top k, most important first
    jaccard: FloatArray  # one value per pair of runs
    spearman: FloatArray  # one value per pair of runs (NaN where a run is constant)

    @property
    def mean_jaccard(self) -> float:
        return float(self.jaccard.mean()) if self.jaccard.size else math.nan

    @property
    def mean_spearman(self) -> float:
        defined = self.spearman[~np.isnan(self.spearman)]
        return float(defined.mean()) if defined.size else math.nan


def spearman(a: FloatArray, b: FloatArray) -> float:
    """Spearman's rho: the Pearson correlation of the average ranks; NaN if one is constant."""
    ra = average_ranks(np.asarray(a, dtype=np.float64))
    rb = average_ranks(np.asarray(b, dtype=np.float64))
    ra -= ra.mean()
    rb -= rb.mean()
    denom = math.sqrt(float((ra**2).sum() * (rb**2).sum()))
    return float((ra * rb).sum() / denom) if denom > 0 else math.nan


def jaccard(a: set[int], b: set[int]) -> float:
    union = a | b
    return len(a & b) / len(union) if union else 1.0


def top_k(importance: FloatArray, k: int) -> list[int]:
    """Indices of the k largest values; ties go to the earlier unit, as in the ranking."""
    return [int(i) for i in np.argsort(-importance, kind="mergesort")[:k]]


def ranking_stability(runs: FloatArray, k: int) -> Stability:
    """Pairwise top-k Jaccard and Spearman over the rows of ``runs`` (runs x units)."""
    matrix = np.asarray(runs, dtype=np.float64)
    if matrix.ndim != 2 or matrix.shape[0] < 2:
        raise ConfigError("ranking stability needs at least two runs (seeds >= 2)")
    if not 1 <= k <= matrix.shape[1]:
        raise ConfigError(f"top_k must be between 1 and {matrix.shape[1]} features, got {k}")
    tops = [top_k(row, k) for row in matrix]
    pairs = list(combinations(range(len(matrix)), 2))
    jac = np.array([jaccard(set(tops[i]), set(tops[j])) for i, j in pairs], dtype=np.float64)
    rho = np.array([spearman(matrix[i], matrix[j]) for i, j in pairs], dtype=np.float64)
    return Stability(k, tops, jac, rho)


# Fewer pairwise values than this give no meaningful 2.5-97.5% quantiles.
_MIN_FOR_PERCENTILE = 10


def jaccard_interval(pairwise: FloatArray, seeds: int) -> tuple[float, float, str]:
    """(low, high, what the interval is) for the pairwise Jaccard values of ``seeds`` runs.

    The values are seeds·(seeds−1)/2 pairs of only ``seeds`` runs, not independent draws:
    with few of them a 95% quantile would be an invention, so their range is given, and
    labelled as such.
    """
    values = np.asarray(pairwise, dtype=np.float64)
    if values.size < _MIN_FOR_PERCENTILE:
        return (
            float(values.min()),
            float(values.max()),
            f"range of {values.size} pairwise values over {seeds} seeds",
        )
    low, high = np.quantile(values, [0.025, 0.975])
    method = f"2.5-97.5% quantiles of {values.size} pairwise values over {seeds} seeds"
    return float(low), float(high), method
