"""Shokri et al. shadow models: how a model like the target is built, probabilities aligned
to every class, and an attack model that transfers from shadows to a real target."""

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import train_test_split

from aisec.assurance.privacy.mia_shadow import (
    aligned_probabilities,
    attack_features,
    shadow_factory,
    shadow_scores,
    train_attack_model,
)
from aisec.assurance.stats import roc_auc
from aisec.assurance.targets import CallableTarget, SklearnTarget


@pytest.fixture(scope="module")
def digits():
    x, y = load_digits(return_X_y=True)
    return train_test_split(x, y, test_size=0.3, stratify=y, random_state=0)


def test_factory_clones_an_sklearn_target_unfitted(digits):
    xtr, _, ytr, _ = digits
    model = RandomForestClassifier(n_estimators=5, random_state=0).fit(xtr, ytr)
    make = shadow_factory(SklearnTarget(model), None)
    assert make is not None
    fresh = make()
    assert fresh is not model
    assert not hasattr(fresh, "classes_")
    assert fresh.get_params() == model.get_params()


def test_factory_for_a_black_box_only_when_given():
    target = CallableTarget(predict_proba=lambda x: np.full((len(x), 2), 0.5), classes=[0, 1])
    assert shadow_factory(target, None) is None
    assert shadow_factory(target, RandomForestClassifier) is RandomForestClassifier


def test_probabilities_are_aligned_when_a_half_lacks_a_class(digits):
    xtr, _, ytr, _ = digits
    keep = ytr != 3
    model = RandomForestClassifier(n_estimators=5, random_state=0).fit(xtr[keep], ytr[keep])
    probs = aligned_probabilities(model, xtr[:20], 10, np.unique(ytr[keep]))
    assert probs.shape == (20, 10)
    assert (probs[:, 3] == 0).all()
    assert probs.sum(axis=1) == pytest.approx(1.0)


def test_features_do_not_depend_on_class_order():
    probs = np.array([[0.1, 0.6, 0.3]])
    swapped = probs[:, [2, 0, 1]]
    assert attack_features(probs, np.array([1])) == pytest.approx(
        attack_features(swapped, np.array([2]))
    )


def test_attack_learned_on_shadows_transfers_to_the_target(digits):
    xtr, xte, ytr, yte = digits
    target = RandomForestClassifier(n_estimators=100, random_state=0).fit(xtr, ytr)
    pool, evaluated = slice(0, 270), slice(270, 540)
    attack = train_attack_model(
        shadow_factory(SklearnTarget(target), None), xte[pool], yte[pool], 10, n_shadow=3, seed=0
    )
    members = shadow_scores(attack, target.predict_proba(xtr[:270]), ytr[:270])
    others = shadow_scores(attack, target.predict_proba(xte[evaluated]), yte[evaluated])
    auc = roc_auc(np.r_[members, others], np.r_[np.ones(270), np.zeros(270)])
    assert auc > 0.7
