"""The epsilon box on breast-cancer with a schema (an immutable and an integer column)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.datasets import load_breast_cancer

from aisec.assurance.attacks import build_box
from aisec.assurance.schema import Column, FeatureSchema, Kind
from aisec.core.errors import ConfigError

X, _ = load_breast_cancer(return_X_y=True)
# Column 0 (mean radius) is immutable; column 1 (mean texture) lives on a grid of 0.5.
X = X.copy()
X[:, 1] = np.round(X[:, 1] * 2) / 2


def cancer_schema():
    columns = []
    for j in range(X.shape[1]):
        lo, hi = float(X[:, j].min()), float(X[:, j].max())
        if j == 0:
            columns.append(Column(f"x{j}", Kind.NUMERIC, lo, hi, immutable=True))
        elif j == 1:
            columns.append(Column(f"x{j}", Kind.INTEGER, lo, hi, step=0.5))
        else:
            columns.append(Column(f"x{j}", Kind.NUMERIC, lo, hi))
    return FeatureSchema(tuple(columns))


SCHEMA = cancer_schema()


def test_range_width_is_the_observed_range_without_a_schema():
    box = build_box(X[:400], X[400:])
    assert np.allclose(box.width, X.max(axis=0) - X.min(axis=0))
    assert np.allclose(box.radius(0.1), 0.1 * box.width)


def test_schema_bounds_win_and_immutable_columns_get_zero_width():
    columns = list(SCHEMA.columns)
    columns[2] = Column("x2", Kind.NUMERIC, 0.0, 1000.0)
    box = build_box(X, schema=FeatureSchema(tuple(columns)))
    assert box.width[0] == 0.0
    assert box.width[2] == 1000.0
    assert not box.mutable[0] and box.mutable[1:].all()


def test_absolute_unit_uses_raw_units():
    box = build_box(X, schema=SCHEMA, epsilon_unit="absolute")
    assert box.width[0] == 0.0
    assert np.all(box.width[1:] == 1.0)


@settings(max_examples=40, deadline=None)
@given(
    eps=st.floats(0.001, 0.5),
    seed=st.integers(0, 2**31 - 1),
    scale=st.floats(0.1, 10.0),
)
def test_finalised_rows_stay_in_the_box_and_are_valid(eps, seed, scale):
    box = build_box(X, schema=SCHEMA)
    rng = np.random.default_rng(seed)
    x = X[rng.choice(len(X), 50, replace=False)]
    noisy = x + rng.normal(size=x.shape) * box.width * scale
    out = box.finalise(noisy, x, eps)
    assert SCHEMA.valid_rows(out, x).all()
    assert np.array_equal(out[:, 0], x[:, 0])
    # Only the 0.5 grid of column 1 may round beyond the box, by at most a quarter.
    excess = np.abs(out - x) - box.radius(eps)
    assert excess[:, 2:].max() <= 1e-9
    assert excess[:, 1].max() <= 0.25 + 1e-9
    assert box.excess_rows(out, x, eps) == 0
    assert box.scaled_linf(out, x).max() <= eps + 0.25 / box.width[1] + 1e-9


def test_excess_rows_counts_rows_beyond_rounding():
    box = build_box(X, schema=SCHEMA)
    x = X[:10]
    moved = x.copy()
    moved[:3, 5] += 0.5 * box.width[5]
    assert box.excess_rows(moved, x, 0.1) == 3


def test_scaled_distances():
    box = build_box(X)
    x = X[:4]
    moved = x + 0.05 * box.width
    assert np.allclose(box.scaled_linf(moved, x), 0.05)
    assert np.allclose(box.scaled_l2(moved, x), 0.05 * np.sqrt(X.shape[1]))


def test_clip_without_epsilon_keeps_the_domain_and_the_immutable_columns():
    box = build_box(X, schema=SCHEMA)
    x = X[:5]
    out = box.clip(x + 1e6, x, None)
    assert np.array_equal(out[:, 0], x[:, 0])
    assert np.allclose(out[:, 1:], X.max(axis=0)[1:])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"epsilon_unit": "percent"}, "epsilon_unit"),
        ({"schema": FeatureSchema((Column("a"),))}, "columns"),
    ],
)
def test_bad_input_is_a_config_error(kwargs, message):
    with pytest.raises(ConfigError, match=message):
        build_box(X, **kwargs)


def test_nan_rows_are_a_config_error():
    bad = X.copy()
    bad[0, 0] = np.nan
    with pytest.raises(ConfigError, match="NaN"):
        build_box(bad)
