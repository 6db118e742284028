"""How well a membership-inference attack separates members from non-members.

From attack scores (higher = "member") this gives the measurements a reader can trust:
ROC AUC, balanced accuracy at a threshold chosen on held-apart rows, and the true-positive
rate at a low false-positive rate, which Carlini et al. (2022, "Membership Inference
Attacks From First Principles", LiRA) argue is the number that matters: an attack that is
right on a few records with certainty is a privacy failure even at an average AUC.
Intervals are percentile bootstraps resampling members and non-members separately.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from aisec.assurance.outcome import TestResult
from aisec.assurance.stats import roc_auc, roc_curve, stratified_bootstrap, tpr_at_fpr
from aisec.core.errors import ConfigError
from aisec.core.run import Measurement

FloatArray = NDArray[np.float64]
IndexArray = NDArray[np.int64]

FPR_LEVELS = (0.001, 0.01)
ROC_POINTS = 200
# A false-positive rate resolved by fewer false positives than this is mostly noise.
MIN_FALSE_POSITIVES = 10


def best_threshold(scores: FloatArray, is_member: NDArray[np.bool_]) -> float:
    """The score threshold (member when score >= it) with the highest balanced accuracy."""
    fpr, tpr = roc_curve(scores, is_member)
    # roc_curve has one point per distinct score, highest first, after the (0, 0) start.
    thresholds = np.concatenate(([np.inf], np.unique(scores)[::-1]))
    return float(thresholds[int(np.argmax(tpr - fpr))])


def balanced_accuracy(scores: FloatArray, is_member: NDArray[np.bool_], threshold: float) -> float:
    guess = scores >= threshold
    if is_member.all() or not is_member.any():
        return float("nan")
    return float((guess[is_member].mean() + (~guess[~is_member]).mean()) / 2)


def stratified_halves(is_member: NDArray[np.bool_], seed: int) -> tuple[IndexArray, IndexArray]:
    """Two disjoint random halves, each with half of the members and half of the others."""
    rng = np.random.default_rng(seed)
    first: list[IndexArray] = []
    second: list[IndexArray] = []
    for group in (np.flatnonzero(is_member), np.flatnonzero(~is_member)):
        shuffled = rng.permutation(group)
        first.append(shuffled[: len(shuffled) // 2])
        second.append(shuffled[len(shuffled) // 2 :])
    return np.concatenate(first), np.concatenate(second)


def downsampled_roc(scores: FloatArray, is_member: NDArray[np.bool_]) -> dict[str, list[float]]:
    fpr, tpr = roc_curve(scores, is_member)
    if fpr.size > ROC_POINTS:
        keep = np.unique(np.linspace(0, fpr.size - 1, ROC_POINTS).round().astype(np.int64))
        fpr, tpr = fpr[keep], tpr[keep]
    return {"fpr": fpr.tolist(), "tpr": tpr.tolist()}


def evaluate_attack(
    attack: str,
    member_scores: Any,
    non_member_scores: Any,
    *,
    n_boot: int = 500,
    seed: int = 0,
    params: dict[str, Any] | None = None,
) -> TestResult:
    """AUC, held-out balanced accuracy and TPR at each of ``FPR_LEVELS`` for one attack."""
    members = np.asarray(member_scores, dtype=np.float64).reshape(-1)
    others = np.asarray(non_member_scores, dtype=np.float64).reshape(-1)
    if members.size < 2 or others.size < 2:
        raise ConfigError(
            f"attack {attack!r}: {members.size} member and {others.size} non-member scores",
            hint="membership inference needs at least two rows of each",
        )
    scores = np.concatenate((members, others))
    if not np.isfinite(scores).all():
        raise ConfigError(f"attack {attack!r} gave non-finite scores", hint="clip the scores")
    is_member = np.concatenate((np.ones(members.size, bool), np.zeros(others.size, bool)))
    base = (params or {}) | {
        "attack": attack,
        "members": int(members.size),
        "non_members": int(others.size),
    }
    out = TestResult()

    def auc_of(idx: IndexArray) -> float:
        return roc_auc(scores[idx], is_member[idx])

    low, high = stratified_bootstrap(auc_of, is_member, n_boot=n_boot, seed=seed)
    n = int(scores.size)
    ci = {"ci_method": "stratified percentile bootstrap", "n_boot": n_boot}
    auc = roc_auc(scores, is_member)
    out.measurements.append(Measurement("privacy.mia.auc", auc, low, high, n, "auc", base | ci))

    # The threshold is fitted on one half and scored on the other: fitting and scoring on
    # the same rows would reward the threshold for the noise it was chosen on.
    pick, held = stratified_halves(is_member, seed)
    threshold = best_threshold(scores[pick], is_member[pick])
    s_held, m_held = scores[held], is_member[held]

    def bal_of(idx: IndexArray) -> float:
        return balanced_accuracy(s_held[idx], m_held[idx], threshold)

    low, high = stratified_bootstrap(bal_of, m_held, n_boot=n_boot, seed=seed)
    bal_params = (
        base
        | ci
        | {
            "threshold_selection": "chosen on a random stratified half, measured on the other",
            "threshold_rows": int(pick.size),
            "evaluated_rows": int(held.size),
        }
    )
    bal = balanced_accuracy(s_held, m_held, threshold)
    out.measurements.append(
        Measurement(
            "privacy.mia.balanced_accuracy", bal, low, high, int(held.size), "rate", bal_params
        )
    )

    for fpr in FPR_LEVELS:

        def tpr_of(idx: IndexArray, fpr: float = fpr) -> float:
            return tpr_at_fpr(scores[idx], is_member[idx], fpr)

        low, high = stratified_bootstrap(tpr_of, is_member, n_boot=n_boot, seed=seed)
        value = tpr_at_fpr(scores, is_member, fpr)
        out.measurements.append(
            Measurement(
                "privacy.mia.tpr_at_fpr", value, low, high, n, "rate", base | ci | {"fpr": fpr}
            )
        )
        if others.size < MIN_FALSE_POSITIVES / fpr:
            out.notes.append(
                f"{others.size} non-members cannot resolve an FPR of {fpr} "
                f"(needs {int(MIN_FALSE_POSITIVES / fpr)}); the TPR there is reported but is noise"
            )

    out.details = {
        "roc": downsampled_roc(scores, is_member),
        "threshold": threshold,
        # Guessing "member" for every row scores this on the evaluated half.
        "always_member_accuracy": float(m_held.mean()),
        "held_out_accuracy": float(((s_held >= threshold) == m_held).mean()),
    }
    return out
