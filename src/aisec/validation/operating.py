"""Operating-point metrics over :mod:`.cells`: each takes the cells and one or more
resamples and gives one value per resample (row), so the point estimate and the
bootstrap are the same code."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from aisec.validation.cells import Cells, FloatArray, IntArray, Sample


@dataclass(frozen=True)
class OperatingPoint:
    """Per resample: the threshold chosen, and the rates it gives."""

    threshold: FloatArray  # +inf when no cut qualifies (nothing is flagged)
    tpr: FloatArray
    fpr: FloatArray
    precision: FloatArray  # at the data's prevalence, or the one given; NaN with no alert
    flagged_rate: FloatArray  # share of traffic flagged, at that prevalence


def at_fpr(
    cells: Cells, sample: Sample, fpr: float, prevalence: float | None = None
) -> OperatingPoint:
    """The highest detection rate among thresholds whose false-positive rate is at most
    ``fpr``: the operating point a security team sets a detector at."""
    fp = sample.false_positives()
    chosen = _best_allowed(sample, fp <= fpr * cells.n_neg + 1e-9)
    return _point(cells, sample, chosen, prevalence)


def at_threshold(
    cells: Cells, sample: Sample, threshold: float, prevalence: float | None = None
) -> OperatingPoint:
    """The rates at a fixed threshold, which must be one of the cells' cuts."""
    chosen = np.full(sample.rows, cells.index_of(threshold), dtype=np.int64)
    return _point(cells, sample, chosen, prevalence)


def at_budget(
    cells: Cells, sample: Sample, alerts_per_day: float, requests_per_day: float,
    prevalence: float | None = None,
) -> OperatingPoint:  # fmt: skip
    """The lowest threshold whose alerts stay within the budget, given the traffic volume:
    what a team with ``alerts_per_day`` analysts' worth of triage would run."""
    if requests_per_day <= 0 or alerts_per_day < 0:
        raise ValueError("the traffic volume must be positive and the budget not negative")
    share = min(alerts_per_day / requests_per_day, 1.0)
    pi = _prevalence(cells, prevalence)
    tpr = sample.true_positives() / max(cells.n_pos, 1)
    fpr = sample.false_positives() / max(cells.n_neg, 1)
    chosen = _best_allowed(sample, pi * tpr + (1 - pi) * fpr <= share + 1e-12)
    return _point(cells, sample, chosen, prevalence)


def roc_auc(cells: Cells, sample: Sample) -> FloatArray:
    """Mann-Whitney AUC, ties counted half (equals scikit-learn's roc_auc_score)."""
    fp = sample.false_positives()
    below = cells.n_neg - fp  # negatives strictly under each cut
    wins = (sample.pos * (below + 0.5 * sample.tied)).sum(axis=1)
    result: FloatArray = wins / max(cells.n_pos * cells.n_neg, 1)
    return result


def average_precision(cells: Cells, sample: Sample) -> FloatArray:
    """Sum over thresholds of (recall gained) x precision (scikit-learn's definition)."""
    tp = sample.true_positives()
    fp = sample.false_positives()
    with np.errstate(invalid="ignore", divide="ignore"):
        precision = np.where(tp > 0, tp / np.maximum(tp + fp, 1), 0.0)
    result: FloatArray = (sample.pos * precision).sum(axis=1) / max(cells.n_pos, 1)
    return result


def curves(cells: Cells) -> dict[str, list[float]]:
    """ROC and precision-recall curves of the data, one point per cut (for plots)."""
    point = cells.point()
    tp = point.true_positives()[0].astype(np.float64)
    fp = point.false_positives()[0].astype(np.float64)
    tpr = np.concatenate([[0.0], tp / max(cells.n_pos, 1), [1.0]])
    fpr = np.concatenate([[0.0], fp / max(cells.n_neg, 1), [1.0]])
    with np.errstate(invalid="ignore", divide="ignore"):
        precision = np.where(tp + fp > 0, tp / np.maximum(tp + fp, 1), 1.0)
    return {
        "fpr": fpr.tolist(),
        "tpr": tpr.tolist(),
        "recall": (tp / max(cells.n_pos, 1)).tolist(),
        "precision": precision.tolist(),
        "threshold": cells.values.tolist(),
    }


def _best_allowed(sample: Sample, allowed: np.ndarray) -> IntArray:
    """Per row, among the cuts where ``allowed`` holds (a prefix), the highest one that
    detects as much as the lowest: the most detection for the fewest false positives.
    (In a resample a cut may hold no drawn positive; stopping there would add its false
    positives for no detection, which resampling rows would never choose.) -1 if none."""
    last = allowed.sum(axis=1).astype(np.int64) - 1
    tp = sample.true_positives()
    rows = np.arange(sample.rows)
    best = tp[rows, np.maximum(last, 0)]
    first: IntArray = np.argmax(tp >= best[:, None], axis=1).astype(np.int64)
    # Detecting nothing is best done by flagging nothing (threshold above every score).
    return np.where((last >= 0) & (best > 0), first, -1)


def _prevalence(cells: Cells, given: float | None) -> float:
    if given is not None:
        if not 0 < given < 1:
            raise ValueError("the prevalence must be between 0 and 1")
        return given
    return cells.n_pos / max(cells.n_pos + cells.n_neg, 1)


def _point(
    cells: Cells, sample: Sample, chosen: IntArray, prevalence: float | None
) -> OperatingPoint:
    rows = np.arange(sample.rows)
    some = chosen >= 0
    at = np.where(some, chosen, 0)
    tp = np.where(some, sample.true_positives()[rows, at], 0)
    fp = np.where(some, sample.false_positives()[rows, at], 0)
    tpr = tp / max(cells.n_pos, 1)
    fpr = fp / max(cells.n_neg, 1)
    pi = _prevalence(cells, prevalence)
    flagged = pi * tpr + (1 - pi) * fpr
    with np.errstate(invalid="ignore", divide="ignore"):
        precision = np.where(flagged > 0, pi * tpr / np.where(flagged > 0, flagged, 1), np.nan)
    threshold = np.where(some, cells.values[at] if cells.size else np.inf, np.inf)
    return OperatingPoint(threshold.astype(np.float64), tpr.astype(np.float64),
                          fpr.astype(np.float64), precision.astype(np.float64),
                          flagged.astype(np.float64))  # fmt: skip
