"""How many poisoned training rows it takes to hurt the model, measured by retraining.

Two classic data-poisoning attacks, each at a grid of poison counts k: label flipping
toward a target class (Biggio, Nelson & Laskov 2012 study the flip attack on SVMs) and a
trigger backdoor in the style of BadNets (Gu, Dolan-Gavitt & Garg 2017): k rows of other
classes carry a fixed value pattern on a few features and the target label. A fresh copy
of the model is trained on each poisoned set; the flip attack is scored by the accuracy
drop on clean test rows, the backdoor by the share of triggered test rows of other
classes that the model puts in the target class (trigger success).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from aisec.assurance.poisoning.retrain import (
    FloatArray,
    IntArray,
    ModelFactory,
    fit_fresh,
    predicted_indices,
)
from aisec.core.errors import ConfigError


@dataclass(frozen=True)
class Trigger:
    features: tuple[int, ...]
    values: tuple[float, ...]

    def apply(self, x: FloatArray) -> FloatArray:
        out = x.copy()
        out[:, list(self.features)] = np.asarray(self.values, dtype=np.float64)
        return out


@dataclass(frozen=True)
class PoisonStep:
    rows: int
    fraction: float
    correct: IntArray  # per test row: 1 when the label-flipped model is right
    triggered_hits: IntArray  # per triggered test row: 1 when it lands in the target class


def default_trigger(x: FloatArray, features: Sequence[int] | None, n_features: int = 3) -> Trigger:
    """The given features, else the least varying non-constant ones, set to their maximum.

    Rarely-moving features make a trigger the clean data almost never shows by chance,
    which is what an attacker picks (a corner pixel, an unused field).
    """
    width = x.shape[1]
    if features is None:
        spread = x.std(axis=0)
        candidates = np.flatnonzero(spread > 0)
        if candidates.size == 0:
            raise ConfigError("every training feature is constant: no trigger can be planted")
        chosen = candidates[np.argsort(spread[candidates], kind="mergesort")[:n_features]]
        features = [int(j) for j in chosen]
    bad = [j for j in features if not 0 <= int(j) < width]
    if bad or not features:
        raise ConfigError(
            f"trigger_features must be column indices in 0..{width - 1}, got {list(features)}"
        )
    cols = [int(j) for j in features]
    return Trigger(tuple(cols), tuple(float(v) for v in x[:, cols].max(axis=0)))


def counts_for(fractions: Sequence[float], n_train: int) -> list[tuple[int, float]]:
    """Distinct poison counts, ascending, for the fractions of ``n_train`` training rows."""
    if not fractions or any(not 0.0 <= float(f) < 1.0 for f in fractions):
        raise ConfigError(f"fractions must be in [0, 1), got {list(fractions)}")
    seen: dict[int, float] = {}
    for f in sorted(float(v) for v in fractions):
        seen.setdefault(round(f * n_train), f)
    return sorted(seen.items())


def poison_grid(
    factory: ModelFactory,
    train: tuple[FloatArray, IntArray],
    test: tuple[FloatArray, IntArray],
    *,
    fractions: Sequence[float],
    target_class: int,
    trigger: Trigger,
    seed: int = 0,
) -> list[PoisonStep]:
    """Retrain on flipped and on triggered training sets at every poison count."""
    x_train, y_train = train
    x_test, y_test = test
    rng = np.random.default_rng(seed)
    # One order of victim rows for the whole grid, so each larger k poisons a superset of
    # the rows a smaller k poisoned and the curve is not blurred by fresh draws.
    victims = rng.permutation(np.flatnonzero(y_train != target_class))
    triggered_test = trigger.apply(x_test[y_test != target_class])
    steps: list[PoisonStep] = []
    for k, fraction in counts_for(fractions, len(y_train)):
        if k > victims.size:
            raise ConfigError(f"only {victims.size} rows outside the target class; {k} asked")
        chosen = victims[:k]
        flipped = y_train.copy()
        flipped[chosen] = target_class
        flip_model = fit_fresh(factory, x_train, flipped)
        correct = (predicted_indices(flip_model, x_test) == y_test).astype(np.int64)
        backdoored = flip_model
        if k > 0:  # with no poisoned row both attacks train on the clean set
            x_poison = x_train.copy()
            x_poison[chosen] = trigger.apply(x_train[chosen])
            backdoored = fit_fresh(factory, x_poison, flipped)
        hits = (predicted_indices(backdoored, triggered_test) == target_class).astype(np.int64)
        steps.append(PoisonStep(k, fraction, correct, hits))
    return steps


def smallest_rows(steps: Sequence[PoisonStep], reached: Sequence[bool]) -> int | None:
    """The first poison count whose effect reached the bar (None when none did)."""
    for step, hit in zip(steps, reached, strict=True):
        if hit:
            return step.rows
    return None
