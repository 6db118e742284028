"""Rates and disparities from confusion counts, vectorised over any leading axes.

Counts have shape ``(..., n_groups, 4)``; rates have shape ``(..., n_groups)``; disparities
reduce the group axis. A rate whose denominator is zero is NaN (undefined), not 0: a group
without negatives has no false positive rate. A disparity is NaN when any group's rate is
undefined, since comparing only the defined groups would hide the missing one.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

from aisec.assurance.fairness.counts import FN, FP, TN, TP

Floats = NDArray[np.float64]
Counts = NDArray[np.int64]


def _divide(num: Counts, den: Counts) -> Floats:
    with np.errstate(divide="ignore", invalid="ignore"):
        out: Floats = np.where(den > 0, num / np.maximum(den, 1), np.nan)
    return out


def selection_rate(c: Counts) -> Floats:
    return _divide(c[..., FP] + c[..., TP], c.sum(axis=-1))


def accuracy(c: Counts) -> Floats:
    return _divide(c[..., TN] + c[..., TP], c.sum(axis=-1))


def false_positive_rate(c: Counts) -> Floats:
    return _divide(c[..., FP], c[..., FP] + c[..., TN])


def false_negative_rate(c: Counts) -> Floats:
    return _divide(c[..., FN], c[..., FN] + c[..., TP])


def true_positive_rate(c: Counts) -> Floats:
    return _divide(c[..., TP], c[..., TP] + c[..., FN])


RATES: dict[str, Callable[[Counts], Floats]] = {
    "selection_rate": selection_rate,
    "accuracy": accuracy,
    "false_positive_rate": false_positive_rate,
    "false_negative_rate": false_negative_rate,
}


def difference(rates: Floats) -> Floats:
    """Largest minus smallest group rate (NaN propagates)."""
    out: Floats = rates.max(axis=-1) - rates.min(axis=-1)
    return out


def ratio(rates: Floats) -> Floats:
    """Smallest over largest group rate; NaN when the largest is 0 (0/0)."""
    low, high = rates.min(axis=-1), rates.max(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        out: Floats = np.where(high > 0, low / np.where(high > 0, high, 1.0), np.nan)
    return out


def disparities(c: Counts) -> dict[str, Floats]:
    """Demographic parity and equalized odds, as differences and ratios."""
    sel = selection_rate(c)
    tpr, fpr = true_positive_rate(c), false_positive_rate(c)
    return {
        "demographic_parity_difference": difference(sel),
        "demographic_parity_ratio": ratio(sel),
        # Equalized odds is the worse of the TPR and FPR disparities.
        "equalized_odds_difference": np.maximum(difference(tpr), difference(fpr)),
        "equalized_odds_ratio": np.minimum(ratio(tpr), ratio(fpr)),
    }
