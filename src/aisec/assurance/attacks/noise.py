"""The random-noise baseline every evasion result is checked against.

Each mutable feature moves to a random corner of its epsilon box (±eps·width, the
largest change the threat model allows), projected like any attack. An attack that does
no better than this is not searching at all, which is the sanity check of Carlini et al.
(2019, "On evaluating adversarial robustness"): a real attack beats random noise.
"""

from __future__ import annotations

import numpy as np

from aisec.assurance.attacks.box import EpsilonBox
from aisec.assurance.attacks.common import (
    AttackOutcome,
    FloatArray,
    IntArray,
    check_positive,
    predicted_wrong,
)
from aisec.assurance.targets.base import Target


def random_sign_noise(
    target: Target,
    x: FloatArray,
    y: IntArray,
    box: EpsilonBox,
    eps: float,
    *,
    seed: int = 0,
) -> AttackOutcome:
    """One random box corner per row; ``evaded`` where the noise changes the label."""
    check_positive("epsilon", eps)
    rng = np.random.default_rng(seed)
    start = target.budget.used
    signs = rng.choice(np.array([-1.0, 1.0]), size=x.shape)
    x_noisy = box.finalise(x + signs * box.radius(eps), x, eps)
    evaded = predicted_wrong(target, x_noisy, y)
    return AttackOutcome(x_noisy, evaded, target.budget.used - start)
