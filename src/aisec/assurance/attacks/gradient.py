"""White-box L∞ evasion attacks from the input gradient of the loss.

FGSM (Goodfellow, Shlens & Szegedy, 2015) takes one signed-gradient step of the full
epsilon. PGD (Madry et al., 2018) iterates smaller signed steps from a random start in
the box, projecting back after each; independent restarts catch rows where one start
lands in a flat region. Both run on every row at once, and PGD drops a row from the batch
as soon as it is misclassified, so the cost shrinks as the attack succeeds.
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
    cross_entropy,
    predicted_wrong,
    require,
)
from aisec.assurance.targets.base import Capability, Target


def fgsm(target: Target, x: FloatArray, y: IntArray, box: EpsilonBox, eps: float) -> AttackOutcome:
    """One step of ``eps`` times each feature's width along the sign of the gradient."""
    require(target, Capability.GRADIENTS, "fgsm")
    check_positive("epsilon", eps)
    start = target.budget.used
    gradient = target.loss_gradient(x, y)
    x_adv = box.finalise(x + box.radius(eps) * np.sign(gradient), x, eps)
    evaded = predicted_wrong(target, x_adv, y)
    return AttackOutcome(x_adv, evaded, target.budget.used - start)


def pgd(
    target: Target,
    x: FloatArray,
    y: IntArray,
    box: EpsilonBox,
    eps: float,
    *,
    steps: int = 40,
    restarts: int = 2,
    step_size: float | None = None,
    seed: int = 0,
) -> AttackOutcome:
    """Projected gradient descent on the loss within the box, with random starts.

    ``step_size`` is in epsilon units (a fraction of each width); the default 2.5·eps/steps
    lets a row cross the whole box and back within the step budget (Madry et al.).
    Per row the first successful restart wins; rows never evaded keep the example of
    highest loss when the target gives scores, else the first restart's.
    """
    require(target, Capability.GRADIENTS, "pgd")
    check_positive("epsilon", eps)
    check_positive("pgd_steps", steps, integer=True)
    check_positive("restarts", restarts, integer=True)
    alpha = (2.5 * eps / steps if step_size is None else step_size) * box.width
    rng = np.random.default_rng(seed)
    start = target.budget.used
    best = x.copy()
    evaded = np.zeros(len(x), dtype=np.bool_)
    best_loss = np.full(len(x), -np.inf)
    scores = Capability.SCORES in target.capabilities
    for _ in range(restarts):
        rows = np.flatnonzero(~evaded)
        if rows.size == 0:
            break
        adv, hit = _one_start(target, x[rows], y[rows], box, eps, alpha, steps, rng)
        evaded[rows[hit]] = True
        best[rows[hit]] = adv[hit]
        failed = rows[~hit]
        if failed.size:
            loss = (
                cross_entropy(target.predict_proba(adv[~hit]), y[failed])
                if scores
                else np.zeros(failed.size)
            )
            better = loss > best_loss[failed]
            best[failed[better]] = adv[~hit][better]
            best_loss[failed[better]] = loss[better]
    return AttackOutcome(best, evaded, target.budget.used - start)


def _one_start(
    target: Target,
    x: FloatArray,
    y: IntArray,
    box: EpsilonBox,
    eps: float,
    alpha: FloatArray,
    steps: int,
    rng: np.random.Generator,
) -> tuple[FloatArray, BoolArray]:
    # The iterate z stays continuous: rounding it through the schema each step would
    # undo every step smaller than half an integer column's grid.
    lo, hi = box.bounds(x, eps)
    z = np.clip(x + rng.uniform(-1.0, 1.0, size=x.shape) * box.radius(eps), lo, hi)
    adv = _shown(box, z, x)
    hit = np.zeros(len(x), dtype=np.bool_)
    # Without a schema the model is shown z itself, so the labels that come with each
    # gradient say which rows are already evaded: one forward pass per step, not two.
    # (Targets built on BaseTarget have it; any other Target makes two calls per step.)
    fused_call = getattr(target, "gradient_and_labels", None) if box.schema is None else None
    fused = fused_call is not None
    # The rows still attacked, kept compact (not indexed out of the full batch each step):
    # the arithmetic per step is small, so copies would dominate it.
    rows = np.arange(len(x))
    xs, ys, los, his = x, y, lo, hi
    for step in range(steps + 1):
        if fused_call is not None:
            gradient, labels = fused_call(z, ys)
            wrong = labels != ys
        elif step:
            wrong = predicted_wrong(target, _shown(box, z, xs), ys)
        else:
            wrong = np.zeros(len(rows), dtype=np.bool_)
        if wrong.any():
            adv[rows[wrong]] = _shown(box, z[wrong], xs[wrong])
            hit[rows[wrong]] = True
            keep = ~wrong
            rows, z, xs, ys, los, his = (
                rows[keep],
                z[keep],
                xs[keep],
                ys[keep],
                los[keep],
                his[keep],
            )
            if fused:
                gradient = gradient[keep]
        if rows.size == 0 or step == steps:
            break
        if not fused:
            gradient = target.loss_gradient(z, ys)
        # In place, and minimum/maximum rather than clip: per step this is most of the
        # arithmetic outside the model, and np.clip with array bounds is several times slower.
        # A new array, not the gradient overwritten: a target may hand back an array it
        # keeps (a cache) or one that is read-only.
        step_taken = np.sign(gradient)
        step_taken *= alpha
        z += step_taken
        np.minimum(z, his, out=z)
        np.maximum(z, los, out=z)
    adv[rows] = _shown(box, z, xs)
    return adv, hit


def _shown(box: EpsilonBox, z: FloatArray, x: FloatArray) -> FloatArray:
    """What the model is shown: z is inside the box already; only the schema remains."""
    return z.copy() if box.schema is None else box.schema.project(z, x)
