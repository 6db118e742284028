"""Small pieces the poisoning tests share when they turn arrays into a TestResult.

Class labels become plain JSON values, known-poisoned row lists become masks (benchmarks
and tests know which rows they planted), feature names become column indices, and the
bootstrap statistics are built as closures over one class's or one model's arrays.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from aisec.assurance.outcome import AssuranceData
from aisec.assurance.poisoning import spectral
from aisec.assurance.poisoning.retrain import FloatArray, IntArray
from aisec.assurance.targets.base import Target
from aisec.core.errors import ConfigError

Statistic = Callable[[IntArray], float]


def plain_classes(target: Target) -> list[Any]:
    """The target's class labels as JSON-safe Python values."""
    return [c.item() if hasattr(c, "item") else c for c in np.asarray(target.classes)]


def known_mask(rows: Sequence[int] | None, n: int, what: str) -> NDArray[np.bool_] | None:
    """A boolean mask over ``n`` training rows from a list of their indices."""
    if rows is None:
        return None
    idx = np.asarray(list(rows), dtype=np.int64)
    if idx.size and (idx.min() < 0 or idx.max() >= n):
        raise ConfigError(f"{what} must be training-row indices in 0..{n - 1}")
    mask = np.zeros(n, dtype=bool)
    mask[idx] = True
    return mask


def column_indices(features: Sequence[int | str], data: AssuranceData) -> list[int]:
    """Feature names or indices as column indices; an unknown name is a ConfigError."""
    out = []
    for f in features:
        if isinstance(f, str):
            if f not in data.feature_names:
                raise ConfigError(
                    f"trigger feature {f!r} is not one of the data's feature names",
                    hint=f"choose from {data.feature_names[:10]}...",
                )
            out.append(data.feature_names.index(f))
        else:
            out.append(int(f))
    return out


def separation_statistic(scores: FloatArray, n_flag: int) -> Statistic:
    def statistic(idx: IntArray) -> float:
        return spectral.separation_ratio(scores[idx], n_flag)

    return statistic


def paired_drop(baseline: IntArray, correct: IntArray) -> Statistic:
    # Paired over the same test rows: both models answer every row, so resample rows once.
    def statistic(idx: IntArray) -> float:
        return float(baseline[idx].mean() - correct[idx].mean())

    return statistic
