"""Label-issue audit by confident learning (Northcutt, Jiang & Chuang, JAIR 2021).

Out-of-fold predicted probabilities come from a fresh copy of the model trained k times
on stratified folds, so no row is scored by a model that saw its (possibly wrong) label.
Per class j the threshold t_j is the mean self-confidence p_j of the rows labelled j. A
row's confident class is the most probable class among those whose probability reaches
their threshold; counting (given, confident) pairs gives the confident joint, and a row
whose confident class differs from its given label is a label issue. Every row is ranked,
most suspect first, by self-confidence p_given or by the normalised margin
p_given - max_{k != given} p_k.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from aisec.assurance.poisoning.retrain import (
    FloatArray,
    IntArray,
    ModelFactory,
    fit_fresh,
    full_probabilities,
)
from aisec.core.errors import ConfigError

RankBy = Literal["self_confidence", "normalized_margin"]


@dataclass(frozen=True)
class LabelRanking:
    order: IntArray  # row indices, most suspect first
    scores: FloatArray  # the ranking score of each row in ``order`` (lower = more suspect)
    suggested: IntArray  # per row (original order): the most probable other class
    issues: NDArray[np.bool_]  # per row: the confident class disagrees with the label
    thresholds: FloatArray  # t_j per class
    confident_joint: IntArray  # [given, confident] counts


def out_of_fold_probabilities(
    factory: ModelFactory, x: FloatArray, y: IntArray, n_classes: int, folds: int, seed: int
) -> FloatArray:
    """Each row's class probabilities from a model trained on the other folds."""
    from sklearn.model_selection import StratifiedKFold

    if y.size == 0 or y.min() < 0 or y.max() >= n_classes:
        raise ConfigError(
            f"training labels must be class indices in 0..{n_classes - 1}",
            hint="convert labels with aisec.assurance.outcome.class_indices",
        )
    smallest = int(np.bincount(y, minlength=n_classes)[np.unique(y)].min())
    if folds < 2:
        raise ConfigError(f"folds must be at least 2, got {folds}")
    if smallest < folds:
        raise ConfigError(
            f"a class has only {smallest} training rows, fewer than folds={folds}",
            hint="lower folds or give more training rows of every class",
        )
    # x.shape, not len(x): a scipy sparse matrix has no len().
    probs = np.zeros((x.shape[0], n_classes), dtype=np.float64)
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    for train_idx, held_idx in splitter.split(x, y):
        model = fit_fresh(factory, x[train_idx], y[train_idx])
        probs[held_idx] = full_probabilities(model, x[held_idx], n_classes)
    return probs


def class_thresholds(probs: FloatArray, y: IntArray) -> FloatArray:
    """t_j = mean p_j over rows labelled j (classes with no rows get 1: never confident)."""
    n_classes = probs.shape[1]
    counts = np.bincount(y, minlength=n_classes).astype(np.float64)
    sums = np.bincount(y, weights=probs[np.arange(len(y)), y], minlength=n_classes)
    return np.where(counts > 0, sums / np.maximum(counts, 1.0), 1.0)


def rank_label_issues(
    probs: FloatArray, y: IntArray, *, rank_by: RankBy = "self_confidence"
) -> LabelRanking:
    """Confident joint, label issues and a ranking of all rows from out-of-fold scores."""
    n, n_classes = probs.shape
    rows = np.arange(n)
    thresholds = class_thresholds(probs, y)
    above = probs >= thresholds[None, :]
    # -inf keeps classes under their threshold out of the argmax; rows with none stay -1.
    confident = np.where(above.any(axis=1), np.where(above, probs, -np.inf).argmax(axis=1), -1)
    has_confident = confident >= 0
    joint = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(joint, (y[has_confident], confident[has_confident]), 1)
    issues = has_confident & (confident != y)

    others = probs.copy()
    others[rows, y] = -np.inf
    suggested = others.argmax(axis=1).astype(np.int64)
    given = probs[rows, y]
    if rank_by == "self_confidence":
        score = given
    elif rank_by == "normalized_margin":
        score = given - others[rows, suggested]
    else:
        raise ConfigError(f"rank_by must be self_confidence or normalized_margin, not {rank_by!r}")
    order = np.argsort(score, kind="mergesort").astype(np.int64)
    return LabelRanking(
        order=order,
        scores=score[order],
        suggested=suggested,
        issues=issues,
        thresholds=thresholds,
        confident_joint=joint,
    )


def audit_labels(
    factory: ModelFactory,
    x: FloatArray,
    y: IntArray,
    n_classes: int,
    *,
    folds: int = 5,
    seed: int = 0,
    rank_by: RankBy = "self_confidence",
) -> LabelRanking:
    """Out-of-fold probabilities, then :func:`rank_label_issues`."""
    if rank_by not in ("self_confidence", "normalized_margin"):  # checked before training
        raise ConfigError(f"rank_by must be self_confidence or normalized_margin, not {rank_by!r}")
    probs = out_of_fold_probabilities(factory, x, y, n_classes, folds, seed)
    return rank_label_issues(probs, y, rank_by=rank_by)


def precision_at_k(order: IntArray, truly_bad: NDArray[np.bool_], k: int) -> float:
    """Share of the ``k`` most suspect rows that are truly mislabelled (for benchmarks)."""
    if k <= 0:
        return float("nan")
    return float(truly_bad[order[:k]].mean())
