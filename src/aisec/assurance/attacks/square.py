"""A score-based random-search L∞ attack after the Square Attack (Andriushchenko et al.,
2020), adapted to tabular vectors.

Images get square windows; a feature vector has no neighbourhood, so each iteration
takes a random subset of the mutable features instead and moves them to the opposite
corner of their epsilon interval. A change is kept only when it lowers the margin loss
(true-class probability minus the best other one). The subset starts at ``p_init`` of the
features and halves on the paper's schedule, rescaled to the query budget: coarse moves
first, single-feature refinements last. Every iteration queries all unfinished rows in
one batch.
"""

from __future__ import annotations

import numpy as np

from aisec.assurance.attacks.box import EpsilonBox
from aisec.assurance.attacks.common import (
    AttackOutcome,
    BoolArray,
    FloatArray,
    IntArray,
    check_positive,
    margin_loss,
    predicted_wrong,
    require,
)
from aisec.assurance.targets.base import Capability, Target
from aisec.core.errors import ConfigError

# Where the subset size halves, as fractions of the iterations (the paper's schedule
# of 10, 50, 200, ..., 8000 out of 10 000 iterations).
_HALVINGS = np.array([0.001, 0.005, 0.02, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8])


def subset_size(iteration: int, iterations: int, p_init: float, n_mutable: int) -> int:
    """How many features iteration ``iteration`` of ``iterations`` changes (at least one)."""
    halvings = int((iteration >= _HALVINGS * iterations).sum())
    return int(min(n_mutable, max(1, round(p_init * 0.5**halvings * n_mutable))))


def square_attack(
    target: Target,
    x: FloatArray,
    y: IntArray,
    box: EpsilonBox,
    eps: float,
    *,
    queries: int = 500,
    p_init: float = 0.3,
    seed: int = 0,
) -> AttackOutcome:
    """Random search over box corners; at most ``queries`` rows sent per input row."""
    require(target, Capability.SCORES, "square")
    check_positive("epsilon", eps)
    check_positive("square_queries", queries, integer=True)
    if queries < 2 or not 0 < p_init <= 1:
        raise ConfigError(
            f"square needs at least 2 queries per row and 0 < p_init <= 1, "
            f"got {queries} and {p_init}",
            hint="raise square_queries",
        )
    rng = np.random.default_rng(seed)
    start = target.budget.used
    radius = box.radius(eps)
    mutable = box.mutable
    n_mutable = int(mutable.sum())
    if n_mutable == 0 or len(x) == 0:
        return AttackOutcome(x.copy(), np.zeros(len(x), dtype=np.bool_), 0)
    # Start at a random corner, as the paper does, so the search is over corners only.
    signs = rng.choice(np.array([-1.0, 1.0]), size=x.shape)
    best = box.finalise(x + signs * radius, x, eps)
    margin = margin_loss(target.predict_proba(best), y)
    iterations = queries - 2  # one query for the start, one for the final label check
    for k in range(iterations):
        active = np.flatnonzero(margin >= 0)
        if active.size == 0:
            break
        size = subset_size(k, iterations, p_init, n_mutable)
        candidate = _flip_subset(best[active], x[active], radius, mutable, size, rng)
        candidate = box.finalise(candidate, x[active], eps)
        new_margin = margin_loss(target.predict_proba(candidate), y[active])
        better = new_margin < margin[active]
        best[active[better]] = candidate[better]
        margin[active[better]] = new_margin[better]
    evaded = predicted_wrong(target, best, y)
    return AttackOutcome(best, evaded, target.budget.used - start)


def _flip_subset(
    current: FloatArray,
    x: FloatArray,
    radius: FloatArray,
    mutable: BoolArray,
    size: int,
    rng: np.random.Generator,
) -> FloatArray:
    keys = rng.random(current.shape)
    keys[:, ~mutable] = np.inf  # immutable features are never chosen
    chosen = np.argpartition(keys, size - 1, axis=1)[:, :size]
    rows = np.arange(len(current))[:, None]
    side = np.sign(current[rows, chosen] - x[rows, chosen])
    # A feature left at its original value (clipped by the domain) gets a random side.
    side = np.where(side == 0, rng.choice(np.array([-1.0, 1.0]), size=side.shape), side)
    out = current.copy()
    out[rows, chosen] = x[rows, chosen] - side * radius[chosen]
    return out
