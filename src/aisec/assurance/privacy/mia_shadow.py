"""Shadow-model membership inference (Shokri et al. 2017, "Membership Inference Attacks
Against Machine Learning Models").

The attacker, who holds data from the target's distribution but not its training set,
trains ``n_shadow`` models built like the target, each on a random half of that pool, so
that for every shadow it knows which rows were members. An attack model then learns to
tell a shadow's answers on its members from its answers on the other half, and is applied
to the target's answers. Features: the probability vector sorted in decreasing order
(class-independent, so one attack model serves every class) plus the true label's
probability and log-probability and whether the top class is right.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
ModelFactory = Callable[[], Any]

_SMALLEST_PROBABILITY = 1e-300


def shadow_factory(target: Any, shadow_model: ModelFactory | None) -> ModelFactory | None:
    """How to build an untrained model like the target, or None when nothing says how."""
    if shadow_model is not None:
        return shadow_model
    model = getattr(target, "model", None)
    if model is None:
        return None
    from sklearn.base import clone

    try:
        clone(model)
    except (TypeError, ValueError, RuntimeError):
        return None
    return lambda: clone(model)


def attack_features(probabilities: FloatArray, labels: IntArray) -> FloatArray:
    rows = np.arange(len(labels))
    ordered = -np.sort(-probabilities, axis=1)
    p_true = np.clip(probabilities[rows, labels], _SMALLEST_PROBABILITY, 1.0)
    correct = probabilities.argmax(axis=1) == labels
    extra = np.column_stack((p_true, np.log(p_true), correct.astype(np.float64)))
    return np.asarray(np.hstack((ordered, extra)), dtype=np.float64)


def aligned_probabilities(model: Any, x: FloatArray, n_classes: int, seen: IntArray) -> FloatArray:
    """The model's probabilities with one column per class index, zeros for classes its
    half of the pool happened not to contain."""
    raw = np.asarray(model.predict_proba(x), dtype=np.float64)
    columns = np.asarray(getattr(model, "classes_", seen), dtype=np.int64)
    out = np.zeros((len(x), n_classes), dtype=np.float64)
    out[:, columns] = raw
    return out


def train_attack_model(
    factory: ModelFactory,
    pool_x: FloatArray,
    pool_y: IntArray,
    n_classes: int,
    *,
    n_shadow: int,
    seed: int,
) -> Any:
    """The attack classifier learned from ``n_shadow`` shadow models' members and others."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    rng = np.random.default_rng(seed)
    features: list[FloatArray] = []
    membership: list[NDArray[np.bool_]] = []
    half = len(pool_x) // 2
    for _ in range(n_shadow):
        order = rng.permutation(len(pool_x))
        inside, outside = order[:half], order[half : 2 * half]
        shadow = factory()
        shadow.fit(pool_x[inside], pool_y[inside])
        seen = np.unique(pool_y[inside])
        for rows, is_member in ((inside, True), (outside, False)):
            probs = aligned_probabilities(shadow, pool_x[rows], n_classes, seen)
            features.append(attack_features(probs, pool_y[rows]))
            membership.append(np.full(len(rows), is_member))
    # A linear attack on these few features ranks as well as Shokri's per-class networks
    # on tabular data and cannot overfit the shadows' idiosyncrasies.
    attack = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
    attack.fit(np.vstack(features), np.concatenate(membership))
    return attack


def shadow_scores(attack_model: Any, probabilities: FloatArray, labels: IntArray) -> FloatArray:
    """The attack model's probability that each row was a member of the target."""
    proba = attack_model.predict_proba(attack_features(probabilities, labels))
    return np.asarray(proba[:, 1], dtype=np.float64)
