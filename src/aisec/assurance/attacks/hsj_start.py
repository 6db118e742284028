"""Starting points for the decision-based attack: any input the target misclassifies.

HopSkipJump (Chen, Jordan & Wainwright, 2020) needs one adversarial point per row to walk
from. The nearest row (in scaled L∞) that the target already puts in another class is the
cheapest good start, one query to confirm it once the immutable columns are put back
(the next nearest when that fails);
rows without one draw uniform random points in the feature ranges, as the paper does.
"""

from __future__ import annotations

import numpy as np

from aisec.assurance.attacks.box import EpsilonBox
from aisec.assurance.attacks.common import BoolArray, FloatArray, IntArray, predicted_wrong
from aisec.assurance.targets.base import Target

UNIFORM_TRIES = 10
NEAREST = 5


def nearest_other_class(
    x: FloatArray,
    y: IntArray,
    pool_x: FloatArray,
    pool_pred: IntArray,
    box: EpsilonBox,
    k: int = NEAREST,
) -> tuple[IntArray, BoolArray]:
    """Per row, the ``k`` closest pool rows predicted as another class (indices, and
    which of them exist)."""
    distance = np.zeros((len(x), len(pool_x)))
    # One pass per feature keeps memory at rows x pool instead of rows x pool x features.
    for j in np.flatnonzero(box.mutable):
        np.maximum(
            distance, np.abs(x[:, j, None] - pool_x[None, :, j]) / box.width[j], out=distance
        )
    distance[pool_pred[None, :] == y[:, None]] = np.inf
    k = min(k, len(pool_x))
    order = np.argsort(distance, axis=1)[:, :k]
    exists = np.isfinite(np.take_along_axis(distance, order, axis=1))
    return np.asarray(order, dtype=np.int64), np.asarray(exists, dtype=np.bool_)


def find_starts(
    target: Target,
    x: FloatArray,
    y: IntArray,
    box: EpsilonBox,
    rng: np.random.Generator,
    pool: tuple[FloatArray, IntArray] | None = None,
) -> tuple[FloatArray, BoolArray]:
    """An adversarial point per row, already projected, and which rows have one."""
    start = x.copy()
    found = np.zeros(len(x), dtype=np.bool_)
    if pool is not None and len(pool[0]):
        nearest, exists = nearest_other_class(x, y, pool[0], pool[1], box)
        # The nearest may stop being adversarial once its immutable columns are put
        # back, so the next nearest get their turn.
        for rank in range(nearest.shape[1]):
            rows = np.flatnonzero(~found & exists[:, rank])
            candidate = box.finalise(pool[0][nearest[rows, rank]], x[rows], None)
            hit = predicted_wrong(target, candidate, y[rows])
            start[rows[hit]] = candidate[hit]
            found[rows[hit]] = True
    span = box.high - box.low
    for _ in range(UNIFORM_TRIES):
        rows = np.flatnonzero(~found)
        if rows.size == 0:
            break
        draw = box.low + rng.random((rows.size, x.shape[1])) * span
        candidate = box.finalise(draw, x[rows], None)
        hit = predicted_wrong(target, candidate, y[rows])
        start[rows[hit]] = candidate[hit]
        found[rows[hit]] = True
    return start, found
