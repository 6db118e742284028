"""Per-request quantities several detectors need, computed once per request.

PRADA, coverage and OOD all standardise the same feature rows and two of them need the
Mahalanobis distances; boundary and margin both need the answer margins. The last result
is kept keyed by the identity of the request's array (the gateway hands the same array to
every detector of a request), so the second detector gets it for free. The cache entry is
one tuple, replaced atomically, so concurrent callers at worst recompute.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from aisec.runtime.detectors.stats import mahalanobis

if TYPE_CHECKING:
    from aisec.runtime.detectors.reference import Reference
    from aisec.runtime.observation import FloatArray, Observation


class Rows(NamedTuple):
    x: FloatArray  # raw rows, validated
    z: FloatArray  # standardised by the reference
    d: FloatArray  # Mahalanobis distance per row


class _Memo:
    """The last request's results; each attribute is replaced as one tuple (atomic)."""

    rows: tuple[object, object, Rows | None] = (None, None, None)
    margins: tuple[object, FloatArray | None] = (None, None)


_memo = _Memo()


def feature_rows(obs: Observation, width: int) -> FloatArray | None:
    """The request's feature matrix when it is usable: 2-D, ``width`` columns, at least one
    row, finite. Anything else is not this detector's business (the gateway's schema check
    reports it), so it yields None instead of an exception."""
    x = obs.features
    if not isinstance(x, np.ndarray) or x.ndim != 2 or x.shape[0] == 0 or x.shape[1] != width:
        return None
    if x.dtype != np.float64:
        x = x.astype(np.float64)
    # One reduction first; the full mask only when the sum is not finite (may overflow).
    if not np.isfinite(x.sum()) and not np.isfinite(x).all():
        return None
    return x


def rows_for(obs: Observation, ref: Reference) -> Rows | None:
    key = obs.features
    seen_key, seen_ref, seen = _memo.rows
    if seen_key is key and seen_ref is ref and key is not None:
        return seen
    x = feature_rows(obs, ref.n_features)
    rows = None
    if x is not None:
        z = (x - ref.mean) / ref.scale
        rows = Rows(x, z, mahalanobis(z, ref.precision))
    _memo.rows = (key, ref, rows)
    return rows


def probability_rows(obs: Observation) -> FloatArray | None:
    """The answer's class probabilities when usable: 2-D, at least two classes, finite."""
    p = obs.probabilities
    if not isinstance(p, np.ndarray) or p.ndim != 2 or p.shape[0] == 0 or p.shape[1] < 2:
        return None
    if p.dtype != np.float64:
        p = p.astype(np.float64)
    if not np.isfinite(p.sum()) and not np.isfinite(p).all():
        return None
    return p


def margins_for(obs: Observation) -> FloatArray | None:
    """Top-1 minus top-2 probability per row: how close the answer is to a boundary."""
    key = obs.probabilities
    seen_key, seen = _memo.margins
    if seen_key is key and key is not None:
        return seen
    p = probability_rows(obs)
    result = None
    if p is not None:
        if p.shape[1] == 2:
            result = np.abs(p[:, 0] - p[:, 1])
        else:
            top2 = np.partition(p, -2, axis=1)[:, -2:]
            result = top2[:, 1] - top2[:, 0]
    _memo.margins = (key, result)
    return result
