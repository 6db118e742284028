"""Permutation importance of features and one-hot groups (Breiman 2001; Fisher, Rudin &
Dominici 2019, "model reliance").

A feature matters as much as the model's score worsens when that feature's values are
shuffled across rows, breaking its link to the label while keeping its distribution.
Columns of one schema one-hot group are shuffled together (one permutation of rows for
the whole block), so every permuted row still holds exactly one category. The score is
accuracy for label-only targets and log-loss when the target gives probabilities. All
``n_repeats`` permutations of one feature go to the target in a single batch; the
interval is a Student-t interval across repeats, so it covers the shuffle noise only:
the test rows are fixed, and their sampling variation is not in it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from aisec.assurance.schema import FeatureSchema
from aisec.assurance.targets.base import Target
from aisec.core.errors import ConfigError

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
Metric = Literal["accuracy", "log_loss"]
# Two-sided 95% Student-t quantiles for 1..30 degrees of freedom.
_T95 = (12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201,
        2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074,
        2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042)  # fmt: skip
# What the importance interval is, for the params of every measurement that carries it.
CI_METHOD = "t-interval over permutation repeats (shuffle noise only)"
_PROB_FLOOR = 1e-12  # keeps log-loss finite when a model gives a true class probability 0


@dataclass(frozen=True)
class Unit:
    """What is permuted as one: a single column, or the columns of a one-hot group."""

    name: str
    columns: tuple[int, ...]


@dataclass(frozen=True)
class Importances:
    units: list[Unit]
    per_repeat: FloatArray  # units x repeats: score loss when the unit is permuted
    metric: Metric
    baseline: float  # score on the unpermuted rows

    @property
    def mean(self) -> FloatArray:
        return np.asarray(self.per_repeat.mean(axis=1), dtype=np.float64)

    def interval(self) -> tuple[FloatArray, FloatArray]:
        repeats = self.per_repeat.shape[1]
        half = t_quantile(repeats - 1) * self.per_repeat.std(axis=1, ddof=1) / math.sqrt(repeats)
        return self.mean - half, self.mean + half

    def ranks(self) -> IntArray:
        """1 for the most important unit; ties broken by the units' order."""
        order = np.argsort(-self.mean, kind="mergesort")
        ranks = np.empty(len(order), dtype=np.int64)
        ranks[order] = np.arange(1, len(order) + 1)
        return ranks


def t_quantile(df: int) -> float:
    """Two-sided 95% Student-t quantile; Cornish-Fisher's first correction past 30."""
    if df < 1:
        return math.inf
    if df <= len(_T95):
        return _T95[df - 1]
    z = 1.959963984540054
    return z + (z**3 + z) / (4 * df)


def feature_units(feature_names: list[str], schema: FeatureSchema | None) -> list[Unit]:
    """One unit per column, except that each one-hot group of the schema is one unit."""
    groups = dict(schema.one_hot) if schema is not None else {}
    grouped: dict[str, str] = {m: g for g, members in groups.items() for m in members}
    units: list[Unit] = []
    done: set[str] = set()
    for j, name in enumerate(feature_names):
        group = grouped.get(name)
        if group is None:
            units.append(Unit(str(name), (j,)))
        elif group not in done:
            missing = [m for m in groups[group] if m not in feature_names]
            if missing:
                raise ConfigError(
                    f"one-hot group {group!r} names columns not in the data: {missing}"
                )
            done.add(group)
            units.append(Unit(group, tuple(feature_names.index(m) for m in groups[group])))
    return units


def _scores(target: Target, x: FloatArray, y: IntArray, metric: Metric, repeats: int) -> FloatArray:
    """The metric of each block of ``len(y)`` rows in ``x`` (one block per repeat)."""
    n = len(y)
    truth = np.tile(y, repeats)
    if metric == "accuracy":
        per_row = (target.predict(x) == truth).astype(np.float64)
    else:
        probs = target.predict_proba(x)
        per_row = -np.log(np.maximum(probs[np.arange(len(truth)), truth], _PROB_FLOOR))
    return np.asarray(per_row.reshape(repeats, n).mean(axis=1), dtype=np.float64)


def permutation_importance(
    target: Target,
    x: FloatArray,
    y: IntArray,
    units: list[Unit],
    *,
    n_repeats: int = 5,
    metric: Metric = "accuracy",
    seed: int = 0,
) -> Importances:
    """Score loss of every unit over ``n_repeats`` independent row permutations."""
    if n_repeats < 2:
        raise ConfigError(f"n_repeats must be at least 2 for an interval, got {n_repeats}")
    rng = np.random.default_rng(seed)
    n = len(y)
    baseline = float(_scores(target, x, y, metric, 1)[0])
    # Accuracy falls when a feature matters, log-loss rises: both become "loss" >= 0.
    sign = 1.0 if metric == "accuracy" else -1.0
    per_repeat = np.empty((len(units), n_repeats), dtype=np.float64)
    for u, unit in enumerate(units):
        sources = rng.permuted(np.tile(np.arange(n), (n_repeats, 1)), axis=1).reshape(-1)
        batch = np.tile(x, (n_repeats, 1))
        cols = np.asarray(unit.columns, dtype=np.int64)
        batch[:, cols] = x[np.ix_(sources, cols)]
        per_repeat[u] = sign * (baseline - _scores(target, batch, y, metric, n_repeats))
    return Importances(units, per_repeat, metric, baseline)
