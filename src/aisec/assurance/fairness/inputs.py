"""Checks and encodes the arrays a fairness assessment is given."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from aisec.core.errors import InputError


@dataclass(frozen=True, slots=True)
class Encoded:
    y_true: NDArray[np.int64]
    y_pred: NDArray[np.int64]
    groups: NDArray[np.int64]  # index into ``labels`` for every row
    labels: tuple[str, ...]  # group names, sorted as fairlearn sorts them


def _binary(values: Any, what: str) -> NDArray[np.int64]:
    array = np.asarray(values)
    if array.ndim != 1:
        raise InputError(f"{what} must be one-dimensional, got shape {array.shape}")
    if array.dtype == bool:
        return array.astype(np.int64)
    if not np.isin(array, [0, 1]).all():
        raise InputError(
            f"{what} must hold binary labels 0/1",
            hint="map the favourable outcome to 1 before assessing fairness",
        )
    return array.astype(np.int64)


def encode(y_true: Any, y_pred: Any, sensitive: Any) -> Encoded:
    truth, pred = _binary(y_true, "y_true"), _binary(y_pred, "y_pred")
    # Group names as text: one type to sort and to show, whatever the caller's column held.
    names = np.asarray(sensitive).astype(str)
    if not (truth.size == pred.size == names.size):
        raise InputError(
            f"y_true, y_pred and the sensitive feature differ in length "
            f"({truth.size}, {pred.size}, {names.size})"
        )
    if truth.size == 0:
        raise InputError("no rows to assess")
    labels, groups = np.unique(names, return_inverse=True)
    return Encoded(truth, pred, groups.astype(np.int64), tuple(str(x) for x in labels))
