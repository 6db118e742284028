"""Threshold membership-inference attacks: one score per row from the target's answer.

Yeom et al. (2018, "Privacy Risk in Machine Learning: Analyzing the Connection to
Overfitting") show that a model's loss on a record already leaks membership: training
records have lower loss. Their *loss attack* scores a row by the negative cross-entropy of
the true label; the *confidence attack* uses the top probability (the true label is not
needed); the *gap attack* (correctness) works on labels alone: a correctly classified row
is guessed to be a member, so its advantage equals the train-test accuracy gap.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

# log(0) would be -inf, which no threshold or AUC can order against other certain errors.
_SMALLEST_PROBABILITY = 1e-300


def loss_scores(probabilities: FloatArray, labels: IntArray) -> FloatArray:
    """Negative cross-entropy of the true label: higher means more member-like."""
    rows = np.arange(len(labels))
    p_true = np.clip(probabilities[rows, labels], _SMALLEST_PROBABILITY, 1.0)
    return np.asarray(np.log(p_true), dtype=np.float64)


def confidence_scores(probabilities: FloatArray, labels: IntArray) -> FloatArray:
    """The highest class probability (the label is ignored)."""
    del labels
    return np.asarray(probabilities.max(axis=1), dtype=np.float64)


def correctness_scores(predictions: IntArray, labels: IntArray) -> FloatArray:
    """1 where the target's label is right, 0 where it is wrong."""
    return np.asarray(predictions == labels, dtype=np.float64)


@dataclass(frozen=True, slots=True)
class ThresholdAttack:
    name: str
    needs_scores: bool
    paper: str
    # (answers, true labels) -> scores; answers are probabilities or predicted labels.
    score: Callable[[Any, IntArray], FloatArray]


THRESHOLD_ATTACKS: dict[str, ThresholdAttack] = {
    "loss": ThresholdAttack("loss", True, "Yeom et al. 2018 (loss)", loss_scores),
    "confidence": ThresholdAttack(
        "confidence", True, "Yeom et al. 2018 / Salem et al. 2019 (top score)", confidence_scores
    ),
    "correctness": ThresholdAttack(
        "correctness", False, "Yeom et al. 2018 (gap attack)", correctness_scores
    ),
}


def threshold_scores(
    attack: str,
    labels: IntArray,
    *,
    probabilities: FloatArray | None,
    predictions: IntArray,
) -> FloatArray:
    """Scores of ``attack`` for rows whose true class indices are ``labels``."""
    spec = THRESHOLD_ATTACKS[attack]
    if spec.needs_scores:
        if probabilities is None:
            raise ValueError(f"attack {attack!r} needs class probabilities")
        return spec.score(probabilities, labels)
    return spec.score(predictions, labels)
