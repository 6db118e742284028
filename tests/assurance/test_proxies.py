"""Proxy strength: a copy of the attribute is a perfect proxy, independent noise is none,
and one-hot groups and continuous columns are coded sensibly."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aisec.assurance.explain.permutation import Unit
from aisec.assurance.explain.proxies import feature_codes, proxy_strength, proxy_table


def test_a_copy_is_a_perfect_proxy_and_noise_is_none():
    rng = np.random.default_rng(0)
    sex = rng.integers(0, 2, 2000)
    assert proxy_strength(sex.astype(np.int64), sex.astype(str)) == pytest.approx(1.0)
    noise = feature_codes(rng.normal(size=(2000, 1)))
    assert proxy_strength(noise, sex.astype(str)) < 0.1


def test_a_noisy_copy_is_a_partial_proxy():
    rng = np.random.default_rng(1)
    sex = rng.integers(0, 2, 4000)
    husband = (sex == 1) & (rng.random(4000) < 0.6)  # most husbands are men, not all men
    strength = proxy_strength(husband.astype(np.int64), sex.astype(str))
    assert strength == pytest.approx(0.6, abs=0.05)


def test_multi_valued_attributes_take_the_strongest_value():
    rng = np.random.default_rng(2)
    race = rng.choice(np.array(["a", "b", "c"]), 3000)
    marker = (race == "c").astype(np.int64)
    assert proxy_strength(marker, race) == pytest.approx(1.0)
    assert np.isnan(proxy_strength(marker, np.full(3000, "a")))


def test_codes_for_groups_levels_and_continuous_columns():
    onehot = np.eye(4)[[0, 3, 2, 3]]
    assert feature_codes(onehot).tolist() == [0, 3, 2, 3]
    assert feature_codes(np.array([[5.0], [7.0], [5.0]])).tolist() == [0, 1, 0]
    continuous = np.linspace(0, 1, 1000).reshape(-1, 1)
    codes = feature_codes(continuous)
    assert codes.min() == 0 and codes.max() == 9
    assert np.all(np.diff(codes) >= 0)


def test_table_skips_the_attribute_itself():
    rng = np.random.default_rng(3)
    x = np.column_stack([rng.integers(0, 2, 100), rng.normal(size=100)]).astype(float)
    units = [Unit("sex", (0,)), Unit("z", (1,))]
    table = proxy_table(x, units, {"sex": x[:, 0]})
    assert [row["feature"] for row in table] == ["z"]


@settings(max_examples=50, deadline=None)
@given(st.integers(0, 10_000), st.integers(20, 200))
def test_strength_is_between_zero_and_one(seed, n):
    rng = np.random.default_rng(seed)
    codes = rng.integers(0, 5, n).astype(np.int64)
    groups = rng.integers(0, 3, n).astype(str)
    value = proxy_strength(codes, groups)
    assert np.isnan(value) or 0.0 <= value <= 1.0
