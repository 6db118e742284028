"""The random-noise baseline on digits LR: corners of the box, seeded, and weak."""

import warnings

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

from aisec.assurance.attacks import build_box, pgd, random_sign_noise
from aisec.assurance.targets import CallableTarget, SklearnTarget
from aisec.core.errors import ConfigError


@pytest.fixture(scope="module")
def setup():
    x, y = load_digits(return_X_y=True)
    xtr, xte, ytr, yte = train_test_split(x / 16.0, y, test_size=0.3, stratify=y, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = LogisticRegression(max_iter=1000).fit(xtr, ytr)
    return model, build_box(xte, xtr), xte[:200], yte[:200]


def test_noise_moves_every_free_feature_to_a_box_corner(setup):
    model, box, x, y = setup
    out = random_sign_noise(SklearnTarget(model), x, y, box, 0.05, seed=3)
    delta = np.abs(out.x_adv - x)
    r = box.radius(0.05)
    inside = (x - r >= box.low) & (x + r <= box.high)  # corners not cut by the domain
    assert np.allclose(delta[inside], np.broadcast_to(r, x.shape)[inside])
    assert np.all(delta <= r + 1e-12)
    assert out.queries == len(x)


def test_noise_is_seeded(setup):
    model, box, x, y = setup
    target = SklearnTarget(model)
    a = random_sign_noise(target, x, y, box, 0.1, seed=1)
    b = random_sign_noise(target, x, y, box, 0.1, seed=1)
    c = random_sign_noise(target, x, y, box, 0.1, seed=2)
    assert np.array_equal(a.x_adv, b.x_adv)
    assert not np.array_equal(a.x_adv, c.x_adv)


def test_noise_is_far_weaker_than_pgd(setup):
    model, box, x, y = setup
    target = SklearnTarget(model)
    noise = random_sign_noise(target, x, y, box, 0.1).evaded.mean()
    attack = pgd(target, x, y, box, 0.1, steps=20).evaded.mean()
    assert noise < 0.1
    assert attack > noise + 0.25


def test_noise_needs_only_labels(setup):
    model, box, x, y = setup
    target = CallableTarget(predict=model.predict)
    out = random_sign_noise(target, x, y, box, 0.1)
    assert np.array_equal(out.evaded, model.predict(out.x_adv) != y)


def test_non_positive_epsilon_is_a_config_error(setup):
    model, box, x, y = setup
    with pytest.raises(ConfigError, match="epsilon"):
        random_sign_noise(SklearnTarget(model), x, y, box, 0.0)
