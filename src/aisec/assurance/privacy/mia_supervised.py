"""The auditor's supervised membership attack: an attacker who knows part of the training set.

The shadow attack assumes an outsider who must imitate the target to learn what members
look like. An auditor holds the training rows, so the strongest attacker worth measuring
learns directly from the target's own answers: an attack model is trained on the target's
answers for a random half of the evaluated members and of the evaluated non-members, and
scores the other halves. This is the setting of IBM ART's ``MembershipInferenceBlackBox``
trained on real members; it bounds what a leak of part of the training data lets an
attacker learn about the rest.

Only the held-out halves are scored: on rows it was trained on, a flexible attack model
would recall their membership rather than infer it, and the AUC would measure the attack
model's overfitting instead of the target's. Features are those of the shadow attack
(:func:`~aisec.assurance.privacy.mia_shadow.attack_features`) plus the true label one-hot,
as in ART: a target often overfits one class more than another (German credit's minority
"bad" class), and an attacker who learns from real members can use that, where the shadow
attack keeps its features class-independent so that one attack model serves every class.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from aisec.assurance.privacy.mia_metrics import stratified_halves
from aisec.assurance.privacy.mia_shadow import attack_features

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

EVALUATION = "attack model trained on half of the members and non-members, scored on the other half"
# Below this many evaluated members (and as many non-members) the attack model learns from
# a few dozen rows and scores as few: "auto" leaves it out rather than report noise.
MIN_AUTO_ROWS = 50
# Shallow trees, small steps and row subsampling: the attack model learns from a few hundred
# rows, and a flexible one fits their noise, which on a target that leaks nothing shows as
# held-out AUCs well below 0.5 (a forest with small leaves gave 0.37 on breast cancer).
_N_TREES = 100
_DEPTH = 2
_LEARNING_RATE = 0.05
_SUBSAMPLE = 0.8


def supervised_split(is_member: BoolArray, seed: int) -> tuple[IntArray, IntArray]:
    """(rows the attack model trains on, rows it scores): disjoint, each holding half of
    the members and half of the non-members."""
    # A seed apart from the one evaluate_attack uses for its threshold halves, so the two
    # splits are not the same permutation of different rows.
    train, scored = stratified_halves(is_member, seed + 7919)
    return np.sort(train), np.sort(scored)


def attack_classifier(seed: int) -> Any:
    """A seeded gradient-boosting classifier: nonlinear in the features and their
    interactions with the label (a leak need not be monotone in the loss, nor the same for
    every class). It runs on one thread (it has no n_jobs), so runs are reproducible."""
    from sklearn.ensemble import GradientBoostingClassifier

    return GradientBoostingClassifier(
        n_estimators=_N_TREES,
        max_depth=_DEPTH,
        learning_rate=_LEARNING_RATE,
        subsample=_SUBSAMPLE,
        random_state=seed,
    )


def supervised_features(probabilities: FloatArray, labels: IntArray) -> FloatArray:
    """The shadow attack's features followed by the true label one-hot."""
    one_hot = np.zeros((len(labels), probabilities.shape[1]), dtype=np.float64)
    one_hot[np.arange(len(labels)), labels] = 1.0
    return np.hstack((attack_features(probabilities, labels), one_hot))


def supervised_scores(
    probabilities: FloatArray,
    labels: IntArray,
    is_member: BoolArray,
    *,
    seed: int,
) -> tuple[FloatArray, FloatArray, dict[str, Any]]:
    """Scores of the held-out members and held-out non-members, and the params saying how
    they were obtained. ``probabilities`` are the target's answers for the rows whose true
    class indices are ``labels``; ``is_member`` says which rows were trained on."""
    members = np.asarray(is_member, dtype=bool)
    train, scored = supervised_split(members, seed)
    features = supervised_features(probabilities, labels)
    model = attack_classifier(seed)
    model.fit(features[train], members[train])
    proba = np.asarray(model.predict_proba(features[scored]), dtype=np.float64)
    # The "member" column. The test always gives each training half members (it evaluates
    # at least MIN_ROWS of each); a direct caller with one member might not.
    classes = list(model.classes_)
    if True not in classes:
        raise ValueError("the attack model's training half has no members")
    scores = proba[:, classes.index(True)]
    scored_members = members[scored]
    params = {
        "evaluation": EVALUATION,
        "attack_training_members": int(members[train].sum()),
        "attack_training_non_members": int((~members[train]).sum()),
    }
    return scores[scored_members], scores[~scored_members], params
