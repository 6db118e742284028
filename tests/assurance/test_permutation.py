"""Permutation importance: unused features score zero, groups move together, one batch
per feature, and the metric follows the target's capabilities."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.datasets import load_breast_cancer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from aisec.assurance.explain.permutation import (
    Unit,
    feature_units,
    permutation_importance,
    t_quantile,
)
from aisec.assurance.schema import Column, FeatureSchema, Kind
from aisec.assurance.targets import CallableTarget, SklearnTarget
from aisec.core.errors import ConfigError


@pytest.fixture(scope="module")
def cancer_with_noise():
    x, y = load_breast_cancer(return_X_y=True)
    noise = np.random.default_rng(0).normal(size=(len(y), 1))
    x = np.hstack([x, noise])  # column 30 is noise the model never sees
    keep = ColumnTransformer([("used", StandardScaler(), list(range(30)))], remainder="drop")
    model = make_pipeline(keep, LogisticRegression(max_iter=1000)).fit(x[:400], y[:400])
    return SklearnTarget(model), x[400:], y[400:].astype(np.int64)


@pytest.mark.parametrize("metric", ["accuracy", "log_loss"])
def test_an_unused_feature_is_zero_with_an_interval_holding_zero(cancer_with_noise, metric):
    target, x, y = cancer_with_noise
    units = [Unit(f"x{j}", (j,)) for j in range(x.shape[1])]
    found = permutation_importance(target, x, y, units, n_repeats=5, metric=metric, seed=0)
    low, high = found.interval()
    assert found.mean[30] == pytest.approx(0.0, abs=1e-12)
    assert low[30] <= 0.0 <= high[30]
    assert found.ranks()[30] > 5
    # The model does rely on something: the top unit costs clearly more than noise.
    assert found.mean.max() > 0.01 and low[int(np.argmax(found.mean))] > 0


def test_each_unit_is_one_batch_and_groups_move_together():
    rng = np.random.default_rng(0)
    n = 60
    category = rng.integers(0, 3, n)
    onehot = np.eye(3)[category]
    x = np.column_stack([rng.normal(size=n), onehot])
    y = (category == 1).astype(np.int64)
    batches = []

    def predict(rows):
        batches.append(np.asarray(rows))
        return (np.asarray(rows)[:, 2] == 1).astype(int)

    target = CallableTarget(predict=predict, classes=[0, 1])
    schema = FeatureSchema(
        (
            Column("z", Kind.NUMERIC),
            *(Column(f"c{i}", Kind.CATEGORICAL, values=(0.0, 1.0)) for i in range(3)),
        ),
        {"c": ("c0", "c1", "c2")},
    )
    units = feature_units(["z", "c0", "c1", "c2"], schema)
    assert units == [Unit("z", (0,)), Unit("c", (1, 2, 3))]
    found = permutation_importance(target, x, y, units, n_repeats=4, seed=1)
    assert len(batches) == 1 + len(units)  # the baseline, then one batch per unit
    assert batches[2].shape == (4 * n, 4)
    assert np.all(batches[2][:, 1:].sum(axis=1) == 1.0)  # still one-hot after permuting
    assert found.mean[0] == 0.0 and found.mean[1] > 0.2
    assert found.metric == "accuracy"


def test_group_with_a_missing_column_is_a_config_error():
    schema = FeatureSchema(
        tuple(Column(f"c{i}", Kind.CATEGORICAL, values=(0.0, 1.0)) for i in range(2)),
        {"c": ("c0", "c1")},
    )
    with pytest.raises(ConfigError, match="one-hot group"):
        feature_units(["c0", "other"], schema)


def test_fewer_than_two_repeats_is_a_config_error(cancer_with_noise):
    target, x, y = cancer_with_noise
    with pytest.raises(ConfigError, match="n_repeats"):
        permutation_importance(target, x, y, [Unit("x0", (0,))], n_repeats=1)


def test_t_quantiles():
    assert t_quantile(1) == pytest.approx(12.706)
    assert t_quantile(4) == pytest.approx(2.776)
    assert t_quantile(60) == pytest.approx(2.000, abs=0.002)
    assert t_quantile(10_000) == pytest.approx(1.96, abs=0.001)
    assert t_quantile(0) == float("inf")
