"""HopSkipJump with labels only: digits LR behind a predict-only target, and breast cancer
with a schema."""

import warnings

import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer, load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from aisec.assurance.attacks import build_box, hopskipjump, pgd
from aisec.assurance.attacks.hopskipjump import random_signs
from aisec.assurance.schema import FeatureSchema
from aisec.assurance.targets import CallableTarget, SklearnTarget
from aisec.core.errors import ConfigError


def fit(model, x, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return model.fit(x, y)


@pytest.fixture(scope="module")
def digits_lr():
    x, y = load_digits(return_X_y=True)
    xtr, xte, ytr, yte = train_test_split(x / 16.0, y, test_size=0.3, stratify=y, random_state=0)
    model = fit(LogisticRegression(max_iter=1000), xtr, ytr)
    ok = model.predict(xte) == yte
    return model, build_box(xte, xtr), xte[ok][:60], yte[ok][:60], (xte, model.predict(xte))


@pytest.fixture(scope="module")
def attacked(digits_lr):
    model, box, x, y, pool = digits_lr
    target = CallableTarget(predict=model.predict)
    return hopskipjump(target, x, y, box, iterations=10, seed=0, pool=pool), target


def test_finds_adversarials_for_most_rows_and_they_are_real(digits_lr, attacked):
    model, _, _, y, _ = digits_lr
    result, _ = attacked
    assert result.found.mean() >= 0.95
    assert np.all(model.predict(result.x_adv[result.found]) != y[result.found])


def test_perturbations_shrink_far_below_the_starts(attacked):
    result, _ = attacked
    found = result.found
    assert np.all(result.distance[found] <= result.start_distance[found] + 1e-12)
    assert np.median(result.distance[found]) < 0.5 * np.median(result.start_distance[found])


def test_decision_based_distances_are_close_to_white_box(digits_lr, attacked):
    model, box, x, y, _ = digits_lr
    result, _ = attacked
    white = pgd(SklearnTarget(model), x, y, box, 0.15).evaded.mean()
    assert result.at_epsilon(0.15).evaded.mean() >= white - 0.25


def test_at_epsilon_is_monotone_and_inside_the_ball(digits_lr, attacked):
    _, box, x, _, _ = digits_lr
    result, _ = attacked
    rates = [result.at_epsilon(e).evaded.mean() for e in (0.02, 0.05, 0.1, 0.2)]
    assert rates == sorted(rates)
    out = result.at_epsilon(0.1)
    assert box.scaled_linf(out.x_adv, x).max() <= 0.1 + 1e-12
    assert np.array_equal(out.x_adv[~out.evaded], x[~out.evaded])


def test_budget_exhaustion_keeps_the_progress(digits_lr):
    model, box, x, y, pool = digits_lr
    target = CallableTarget(predict=model.predict, budget=20_000)
    result = hopskipjump(target, x, y, box, iterations=10, pool=pool)
    assert result.stopped is not None
    assert result.queries <= 20_000
    assert result.found.any()
    assert np.all(model.predict(result.x_adv[result.found]) != y[result.found])


def test_starts_from_random_points_without_a_pool(digits_lr):
    model, box, x, y, _ = digits_lr
    result = hopskipjump(CallableTarget(predict=model.predict), x[:20], y[:20], box, iterations=3)
    assert result.found.mean() >= 0.9


def test_schema_columns_stay_valid_on_breast_cancer():
    x, y = load_breast_cancer(return_X_y=True)
    names = [f"x{j}" for j in range(x.shape[1])]
    schema = FeatureSchema.infer(x, names=names, immutable=["x0", "x3"])
    xtr, xte, ytr, yte = train_test_split(x, y, test_size=0.3, stratify=y, random_state=0)
    model = fit(make_pipeline(StandardScaler(), LogisticRegression()), xtr, ytr)
    ok = model.predict(xte) == yte
    box = build_box(xte, xtr, schema)
    target = CallableTarget(predict=model.predict)
    pool = (xtr, model.predict(xtr))
    result = hopskipjump(target, xte[ok][:40], yte[ok][:40], box, iterations=5, pool=pool)
    adv = result.x_adv[result.found]
    assert result.found.mean() > 0.9
    assert schema.valid_rows(adv, xte[ok][:40][result.found]).all()
    assert np.array_equal(adv[:, [0, 3]], xte[ok][:40][result.found][:, [0, 3]])


def test_random_signs_are_fair():
    signs = random_signs(np.random.default_rng(0), (200, 50))
    assert set(np.unique(signs)) == {-1.0, 1.0}
    assert abs(signs.mean()) < 0.02


def test_zero_iterations_is_a_config_error(digits_lr):
    model, box, x, y, _ = digits_lr
    with pytest.raises(ConfigError, match="hsj_iterations"):
        hopskipjump(CallableTarget(predict=model.predict), x, y, box, iterations=0)
