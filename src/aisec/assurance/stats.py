"""Shared statistics for assurance tests: intervals for proportions, ROC analysis, bootstrap.

Every test reports a point estimate with an interval (DESIGN §3 "Measurement"): a Wilson
score interval for a proportion over independent rows, a percentile bootstrap over rows
for anything else (AUC, TPR at a fixed FPR, balanced accuracy). numpy only.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import NDArray

from aisec.core.run import Measurement

FloatArray = NDArray[np.float64]
# Two-sided normal quantiles for the levels the tests use; others are computed.
_Z = {0.90: 1.6448536269514722, 0.95: 1.959963984540054, 0.99: 2.5758293035489004}


def z_value(confidence: float) -> float:
    if confidence in _Z:
        return _Z[confidence]
    from statistics import NormalDist

    return NormalDist().inv_cdf(0.5 + confidence / 2)


def wilson(successes: int, n: int, confidence: float = 0.95) -> tuple[float | None, float | None]:
    """Wilson score interval of a proportion; (None, None) when there are no trials."""
    if n <= 0:
        return None, None
    z = z_value(confidence)
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def proportion(
    name: str,
    hits: NDArray[Any],
    *,
    unit: str = "rate",
    confidence: float = 0.95,
    params: dict[str, Any] | None = None,
) -> Measurement:
    """A Measurement of the share of True in ``hits`` with its Wilson interval."""
    flags = np.asarray(hits, dtype=bool).reshape(-1)
    n = int(flags.size)
    k = int(flags.sum())
    low, high = wilson(k, n, confidence)
    value = k / n if n else math.nan
    extra = {"ci_method": "wilson", "confidence": confidence}
    return Measurement(name, value, low, high, n, unit, (params or {}) | extra)


def roc_auc(scores: FloatArray, labels: NDArray[Any]) -> float:
    """Area under the ROC curve (ties count one half), by the rank-sum statistic.

    ``labels`` are 1 for positives; NaN when either class is absent.
    """
    s = np.asarray(scores, dtype=np.float64).reshape(-1)
    y = np.asarray(labels).astype(bool).reshape(-1)
    n_pos = int(y.sum())
    n_neg = int(y.size - n_pos)
    if n_pos == 0 or n_neg == 0:
        return math.nan
    ranks = average_ranks(s)
    return float((ranks[y].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def average_ranks(values: FloatArray) -> FloatArray:
    """1-based ranks, tied values sharing the mean of the positions they occupy."""
    order = np.argsort(values, kind="mergesort")
    sorted_values = values[order]
    ranks = np.empty(values.size, dtype=np.float64)
    # Runs of equal values share the mean of their 1-based positions.
    boundaries = np.flatnonzero(np.diff(sorted_values)) + 1
    starts = np.concatenate(([0], boundaries))
    ends = np.concatenate((boundaries, [values.size]))
    mean_rank = (starts + ends + 1) / 2.0
    ranks[order] = np.repeat(mean_rank, ends - starts)
    return ranks


def roc_curve(scores: FloatArray, labels: NDArray[Any]) -> tuple[FloatArray, FloatArray]:
    """(fpr, tpr) at every distinct threshold, from (0, 0) to (1, 1); higher score = positive."""
    s = np.asarray(scores, dtype=np.float64).reshape(-1)
    y = np.asarray(labels).astype(bool).reshape(-1)
    order = np.argsort(-s, kind="mergesort")
    s, y = s[order], y[order]
    distinct = np.flatnonzero(np.diff(s)) if s.size else np.array([], dtype=np.int64)
    cut = np.concatenate((distinct, [s.size - 1])) if s.size else distinct
    tps = np.cumsum(y)[cut] if s.size else np.array([0.0])
    fps = (cut + 1) - tps if s.size else np.array([0.0])
    n_pos = max(int(y.sum()), 1)
    n_neg = max(int(y.size - y.sum()), 1)
    fpr = np.concatenate(([0.0], fps / n_neg))
    tpr = np.concatenate(([0.0], tps / n_pos))
    return fpr.astype(np.float64), tpr.astype(np.float64)


def tpr_at_fpr(scores: FloatArray, labels: NDArray[Any], fpr_target: float) -> float:
    """The highest TPR among thresholds whose FPR is at most ``fpr_target`` (LiRA convention)."""
    y = np.asarray(labels).astype(bool).reshape(-1)
    if y.all() or not y.any():
        return math.nan
    fpr, tpr = roc_curve(scores, labels)
    allowed = fpr <= fpr_target + 1e-12
    return float(tpr[allowed].max())


def bootstrap(
    statistic: Callable[[NDArray[np.int64]], float],
    n: int,
    *,
    n_boot: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
) -> tuple[float | None, float | None]:
    """Percentile interval of ``statistic(indices)`` over ``n_boot`` resamples of ``range(n)``.

    Resamples where the statistic is undefined (NaN) are left out; (None, None) when none
    is defined or ``n_boot`` is 0.
    """
    if n_boot <= 0 or n <= 0:
        return None, None
    rng = np.random.default_rng(seed)
    values = np.empty(n_boot, dtype=np.float64)
    for b in range(n_boot):
        values[b] = statistic(rng.integers(0, n, size=n))
    return _percentile_interval(values, confidence)


def stratified_bootstrap(
    statistic: Callable[[NDArray[np.int64]], float],
    labels: NDArray[Any],
    *,
    n_boot: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
) -> tuple[float | None, float | None]:
    """As :func:`bootstrap`, resampling positives and negatives separately, so that every
    resample keeps both classes (AUC and TPR at a fixed FPR stay defined)."""
    if n_boot <= 0:
        return None, None
    y = np.asarray(labels).astype(bool).reshape(-1)
    pos = np.flatnonzero(y)
    neg = np.flatnonzero(~y)
    if pos.size == 0 or neg.size == 0:
        return None, None
    rng = np.random.default_rng(seed)
    values = np.empty(n_boot, dtype=np.float64)
    for b in range(n_boot):
        idx = np.concatenate(
            (pos[rng.integers(0, pos.size, pos.size)], neg[rng.integers(0, neg.size, neg.size)])
        )
        values[b] = statistic(idx)
    return _percentile_interval(values, confidence)


def _percentile_interval(
    values: FloatArray, confidence: float
) -> tuple[float | None, float | None]:
    """The central ``confidence`` quantiles of the defined (non-NaN) resample values."""
    defined = values[~np.isnan(values)]
    if defined.size == 0:
        return None, None
    alpha = 1 - confidence
    low, high = np.quantile(defined, [alpha / 2, 1 - alpha / 2])
    return float(low), float(high)
