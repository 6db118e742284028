"""HopSkipJump (Chen, Jordan & Wainwright, 2020), L∞ variant: a decision-based attack.

Only ``predict`` is used. From an adversarial start, each iteration (1) binary-searches
the L∞ radius around the original at which the start stops being adversarial, giving a
point on the decision boundary; (2) estimates the boundary's normal there from the signs
of Monte-Carlo queries (with the paper's baseline subtraction); (3) steps along the sign
of that estimate with a geometric step search, then binary-searches back. The result is
a minimal-perturbation adversarial per row, so one run answers every epsilon. Work is in
scaled units (each feature divided by its box width), so all features weigh alike; all
rows' queries of a phase go to the target in one batch.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from aisec.assurance.attacks.box import EpsilonBox
from aisec.assurance.attacks.common import (
    AttackOutcome,
    BoolArray,
    FloatArray,
    IntArray,
    check_positive,
    predicted_wrong,
)
from aisec.assurance.attacks.hsj_start import find_starts
from aisec.assurance.targets.base import Target
from aisec.assurance.targets.errors import QueryBudgetExceeded

# Rows x samples x features held at once while estimating the gradient (~16 MB).
_CHUNK_FLOATS = 2_000_000
_STEP_HALVINGS = 10


@dataclass
class HsjResult:
    x: FloatArray  # the attacked rows
    x_adv: FloatArray
    found: BoolArray
    distance: FloatArray  # scaled L∞ to the original; inf where nothing was found
    start_distance: FloatArray
    queries: int
    stopped: QueryBudgetExceeded | None = None  # set when the budget ran out mid-attack

    def at_epsilon(self, eps: float) -> AttackOutcome:
        """Rows evaded within ``eps``; the others keep their original (un-attacked) row."""
        evaded = self.found & (self.distance <= eps + 1e-12)
        x_adv = np.where(evaded[:, None], self.x_adv, self.x)
        return AttackOutcome(x_adv, np.asarray(evaded, dtype=np.bool_), self.queries)


def hopskipjump(
    target: Target,
    x: FloatArray,
    y: IntArray,
    box: EpsilonBox,
    *,
    iterations: int = 20,
    init_evals: int = 100,
    max_evals: int = 400,
    seed: int = 0,
    pool: tuple[FloatArray, IntArray] | None = None,
) -> HsjResult:
    """Minimal L∞ adversarials of the correctly classified rows ``x`` (labels ``y``).

    ``pool`` (rows and the target's predicted labels) supplies starting points; the
    gradient estimate uses ``init_evals·√t`` queries per row at iteration t, at most
    ``max_evals``. When the budget runs out mid-way, the best points so far are kept
    and ``stopped`` holds the error.
    """
    check_positive("hsj_iterations", iterations, integer=True)
    check_positive("init_evals", init_evals, integer=True)
    rng = np.random.default_rng(seed)
    start_used = target.budget.used
    d = max(int(box.mutable.sum()), 1)
    theta = 1.0 / d**2  # the paper's binary-search tolerance for L∞, relative to distance
    best = x.copy()
    distance = np.full(len(x), np.inf)
    start_distance = np.full(len(x), np.inf)
    found = np.zeros(len(x), dtype=np.bool_)
    stopped: QueryBudgetExceeded | None = None
    try:
        start, found = find_starts(target, x, y, box, rng, pool)
        start_distance[found] = box.scaled_linf(start[found], x[found])
        rows = np.flatnonzero(found)
        best[rows], distance[rows] = _bisect(target, x[rows], y[rows], start[rows], box, theta)
        for t in range(1, iterations + 1):
            evals = int(min(max_evals, init_evals * math.sqrt(t)))
            b, dist = best[rows], distance[rows]
            direction = _normal_sign(target, x[rows], y[rows], b, dist / d, box, evals, rng)
            moved = _step(target, x[rows], y[rows], b, direction * box.width, dist / t**0.5, box)
            new_b, new_dist = _bisect(target, x[rows], y[rows], moved, box, theta)
            better = new_dist < dist
            best[rows[better]] = new_b[better]
            distance[rows[better]] = new_dist[better]
    except QueryBudgetExceeded as exc:
        stopped = exc
    queries = target.budget.used - start_used
    return HsjResult(x, best, found, distance, start_distance, queries, stopped)


def _bisect(
    target: Target, x: FloatArray, y: IntArray, adv: FloatArray, box: EpsilonBox, theta: float
) -> tuple[FloatArray, FloatArray]:
    """The boundary point between ``x`` (correct) and ``adv`` (adversarial) along L∞ balls."""
    delta = adv - x
    radius = box.scaled_linf(adv, x)
    low, high = np.zeros(len(x)), np.ones(len(x))

    def shrink(alpha: FloatArray) -> FloatArray:
        r = (alpha * radius)[:, None] * box.width
        return box.finalise(x + np.clip(delta, -r, r), x, None)

    for _ in range(max(1, math.ceil(math.log2(1.0 / theta)))):
        mid = (low + high) / 2
        wrong = predicted_wrong(target, shrink(mid), y)
        high = np.where(wrong, mid, high)
        low = np.where(wrong, low, mid)
    boundary = shrink(high)
    return boundary, box.scaled_linf(boundary, x)


def _normal_sign(
    target: Target,
    x: FloatArray,
    y: IntArray,
    boundary: FloatArray,
    delta: FloatArray,
    box: EpsilonBox,
    evals: int,
    rng: np.random.Generator,
) -> FloatArray:
    """Sign of the Monte-Carlo estimate of the boundary normal, in scaled units.

    Probes go in random ±1 (Rademacher) directions rather than the paper's uniform
    sphere: both are isotropic, so the estimator is the same in expectation, and random
    bits are several times cheaper to draw than Gaussians at millions of probes.
    """
    n, width = boundary.shape
    mutable = box.mutable.astype(np.float32)
    out = np.zeros_like(boundary)
    chunk = max(1, _CHUNK_FLOATS // (evals * width))
    for lo in range(0, n, chunk):  # chunks of rows bound memory, not one loop per row
        hi = min(n, lo + chunk)
        signs = random_signs(rng, (hi - lo, evals, width)) * mutable
        # A ±1 vector has L2 norm √d: scale it to the probe radius delta.
        reach = (delta[lo:hi, None] / math.sqrt(max(float(mutable.sum()), 1.0))) * box.width
        probe = (boundary[lo:hi, None, :] + signs * reach[:, None, :]).reshape(-1, width)
        probe = box.finalise(probe, np.repeat(x[lo:hi], evals, axis=0), None)
        wrong = predicted_wrong(target, probe, np.repeat(y[lo:hi], evals))
        vote = np.where(wrong, 1.0, -1.0).reshape(hi - lo, evals)
        mean = vote.mean(axis=1, keepdims=True)
        # Baseline subtraction lowers the variance, except when all votes agree.
        centred = np.where(np.abs(mean) < 1.0, vote - mean, vote)
        out[lo:hi] = np.sign(np.einsum("ne,new->nw", centred, signs))
    return out


def random_signs(rng: np.random.Generator, shape: tuple[int, ...]) -> NDArray[np.float32]:
    """Independent fair ±1 entries, eight per random byte."""
    size = math.prod(shape)
    bits = np.unpackbits(rng.integers(0, 256, size=(size + 7) // 8, dtype=np.uint8))
    return np.asarray(bits[:size].reshape(shape), dtype=np.float32) * 2.0 - 1.0


def _step(
    target: Target,
    x: FloatArray,
    y: IntArray,
    boundary: FloatArray,
    direction: FloatArray,
    size: FloatArray,
    box: EpsilonBox,
) -> FloatArray:
    """Geometric step search: halve each row's step until the point is adversarial."""
    moved = boundary.copy()
    todo = np.arange(len(x))
    step = size.copy()
    for _ in range(_STEP_HALVINGS):
        if todo.size == 0:
            break
        candidate = box.finalise(boundary[todo] + step[todo, None] * direction[todo], x[todo], None)
        wrong = predicted_wrong(target, candidate, y[todo])
        moved[todo[wrong]] = candidate[wrong]
        todo = todo[~wrong]
        step[todo] /= 2
    return moved
