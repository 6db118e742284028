"""Which inputs stand in for a sensitive attribute (proxy discrimination).

Removing ``sex`` from a model's inputs does not remove its influence when another input
encodes it (``relationship = Husband``): Datta, Fredrikson, Ko, Mardziel & Sen (2017)
call such inputs proxies, and require them to be both associated with the attribute and
influential in the model. The association here is how well one feature alone separates
the sensitive groups: the feature is reduced to a few codes (its one-hot category, its
distinct values, or ten quantile bins), each code is scored with the share of each
sensitive value among its rows, and the strength is 2·|AUC − 0.5| of that score
(0 = no information, 1 = the groups are perfectly separated), the largest over the
sensitive values taken one against the rest.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import NDArray

from aisec.assurance.explain.permutation import FloatArray, IntArray, Unit
from aisec.assurance.stats import roc_auc

_MAX_LEVELS = 20  # more distinct values than this is treated as continuous
_BINS = 10


def feature_codes(block: FloatArray) -> IntArray:
    """Small integer codes for a feature (one column) or a one-hot group (several)."""
    if block.shape[1] > 1:
        return np.asarray(block.argmax(axis=1), dtype=np.int64)
    column = block[:, 0]
    levels, codes = np.unique(column, return_inverse=True)
    if levels.size <= _MAX_LEVELS:
        return np.asarray(codes, dtype=np.int64)
    edges = np.unique(np.quantile(column, np.linspace(0, 1, _BINS + 1)[1:-1]))
    return np.asarray(np.searchsorted(edges, column, side="right"), dtype=np.int64)


def proxy_strength(codes: IntArray, sensitive: NDArray[Any]) -> float:
    """2·|AUC − 0.5| of the per-code group share, the largest over the sensitive values."""
    values = np.unique(sensitive)
    if values.size < 2:
        return math.nan
    counts = np.bincount(codes).astype(np.float64)
    best = 0.0
    # With two values one-vs-rest is symmetric: checking one of them is enough.
    for value in values[:1] if values.size == 2 else values:
        member = (sensitive == value).astype(np.float64)
        # In-sample group shares flatter a feature with many codes; codes are capped at
        # about twenty so that every code holds many rows.
        share = np.bincount(codes, weights=member) / np.maximum(counts, 1.0)
        auc = roc_auc(share[codes], member)
        best = max(best, 2.0 * abs(auc - 0.5))
    return best


def proxy_table(
    x: FloatArray, units: list[Unit], sensitive: dict[str, NDArray[Any]]
) -> list[dict[str, Any]]:
    """Strength of every unit as a proxy of every sensitive attribute (itself excluded)."""
    rows: list[dict[str, Any]] = []
    codes = [feature_codes(x[:, list(unit.columns)]) for unit in units]
    for attribute, values in sensitive.items():
        groups = np.asarray(values).astype(str)
        for unit, code in zip(units, codes, strict=True):
            if unit.name == attribute:
                continue
            strength = proxy_strength(code, groups)
            rows.append({"attribute": attribute, "feature": unit.name, "proxy_strength": strength})
    return rows
