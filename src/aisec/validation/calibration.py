"""Calibration of scores that claim to be probabilities: the reliability curve, the
expected calibration error (ECE) and the Brier score, with a bootstrap over cells.

The bins are scikit-learn's ``calibration_curve(strategy="uniform")`` bins. The bootstrap
resamples the count of positives and negatives in each bin exactly (a multinomial per
class, as :mod:`.cells` does); the sum of the resampled scores inside a (bin, class)
cell is drawn from its normal approximation (mean and spread of that cell's scores),
which is what lets a million rows be resampled a thousand times in well under a second.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from aisec.validation.cells import FloatArray, IntArray


@dataclass(frozen=True)
class CalibrationCells:
    edges: FloatArray  # bins + 1
    count: IntArray  # (2, bins): negatives, positives per bin
    score_sum: FloatArray  # (2, bins)
    score_sq: FloatArray  # (2, bins): sum of squared scores, for the within-cell spread

    @property
    def n(self) -> int:
        return int(self.count.sum())


def probabilities(scores: Any) -> bool:
    s = np.asarray(scores, dtype=np.float64)
    return bool(s.size) and bool(((s >= 0) & (s <= 1)).all())


def build(scores: Any, labels: Any, bins: int = 10) -> CalibrationCells:
    s = np.asarray(scores, dtype=np.float64).reshape(-1)
    y = np.asarray(labels).astype(bool).reshape(-1).astype(np.int64)
    edges = np.linspace(0.0, 1.0, bins + 1)
    # scikit-learn's binning (calibration_curve): a score on an inner edge belongs to the
    # bin below it, and 1.0 to the last bin.
    which = np.clip(np.searchsorted(edges[1:-1], s, side="left"), 0, bins - 1)
    flat = y * bins + which
    count = np.bincount(flat, minlength=2 * bins).reshape(2, bins)
    score_sum = np.bincount(flat, weights=s, minlength=2 * bins).astype(np.float64)
    score_sq = np.bincount(flat, weights=s * s, minlength=2 * bins).astype(np.float64)
    return CalibrationCells(
        edges, count.astype(np.int64), score_sum.reshape(2, bins), score_sq.reshape(2, bins)
    )


def reliability(cells: CalibrationCells) -> dict[str, list[float]]:
    """Per non-empty bin: mean predicted probability, observed share of positives, rows
    (``prob_pred``, ``prob_true`` equal scikit-learn's calibration_curve)."""
    n = cells.count.sum(axis=0)
    keep = n > 0
    return {
        "prob_pred": (cells.score_sum.sum(axis=0)[keep] / n[keep]).tolist(),
        "prob_true": (cells.count[1][keep] / n[keep]).tolist(),
        "rows": n[keep].astype(int).tolist(),
    }


def ece(cells: CalibrationCells) -> float:
    """Expected calibration error: sum over bins of |positives - sum of scores| / rows."""
    gap = np.abs(cells.count[1] - cells.score_sum.sum(axis=0)).sum()
    return float(gap / max(cells.n, 1))


def brier(scores: Any, labels: Any) -> float:
    s = np.asarray(scores, dtype=np.float64).reshape(-1)
    y = np.asarray(labels).astype(bool).reshape(-1)
    return float(np.mean((s - y) ** 2))


def ece_resamples(cells: CalibrationCells, n_boot: int, rng: np.random.Generator) -> FloatArray:
    """ECE of ``n_boot`` stratified resamples."""
    totals = cells.count.sum(axis=1)
    counts = [
        rng.multinomial(int(totals[c]), cells.count[c] / max(int(totals[c]), 1), size=n_boot)
        if totals[c] else np.zeros((n_boot, cells.count.shape[1]), dtype=np.int64)
        for c in (0, 1)
    ]  # fmt: skip
    sums = np.zeros((n_boot, cells.count.shape[1]))
    for c in (0, 1):
        n = np.maximum(cells.count[c], 1)
        mean = cells.score_sum[c] / n
        var = np.maximum(cells.score_sq[c] / n - mean**2, 0.0)
        m = counts[c]
        sums += m * mean + np.sqrt(m * var) * rng.standard_normal(m.shape)
    gap = np.abs(counts[1] - sums).sum(axis=1)
    result: FloatArray = gap / max(cells.n, 1)
    return result
