"""What every evasion attack returns, and the small helpers the attacks share."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from aisec.assurance.targets.base import Capability, Target
from aisec.core.errors import ConfigError

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]


@dataclass
class AttackOutcome:
    """``x_adv`` per attacked row (the original where nothing was found), ``evaded`` where
    the target's own ``predict`` no longer gives the true class, and ``queries`` (rows
    sent to the target, gradients included)."""

    x_adv: FloatArray
    evaded: BoolArray
    queries: int


def predicted_wrong(target: Target, x: FloatArray, y: IntArray) -> BoolArray:
    """Rows the target misclassifies; an empty batch costs no query."""
    if len(x) == 0:
        return np.zeros(0, dtype=np.bool_)
    return np.asarray(target.predict(x) != y, dtype=np.bool_)


def margin_loss(proba: FloatArray, y: IntArray) -> FloatArray:
    """True-class probability minus the best other one: below zero means misclassified.

    The margin, not the cross-entropy, because it measures the distance to the decision
    (Carlini & Wagner, 2017) and keeps its scale when the model is confident.
    """
    rows = np.arange(len(y))
    true = proba[rows, y]
    others = proba.copy()
    others[rows, y] = -np.inf
    return np.asarray(true - others.max(axis=1), dtype=np.float64)


def cross_entropy(proba: FloatArray, y: IntArray) -> FloatArray:
    true = proba[np.arange(len(y)), y]
    return np.asarray(-np.log(np.clip(true, 1e-300, None)), dtype=np.float64)


def require(target: Target, capability: Capability, attack: str) -> None:
    if capability not in target.capabilities:
        available = ", ".join(sorted(c.value for c in target.capabilities))
        raise ConfigError(
            f"attack {attack!r} needs {capability.value}, which target {target.name!r} "
            "does not give",
            hint=f"it gives {available}; ask for attacks=('auto',) or one that needs only that",
        )


def check_positive(name: str, value: float, *, integer: bool = False) -> None:
    ok = value > 0 and np.isfinite(value) and (not integer or float(value).is_integer())
    if not ok:
        kind = "a positive integer" if integer else "a positive number"
        raise ConfigError(f"{name} must be {kind}, got {value!r}", hint=f"set {name} > 0")
