"""Sensitive influence: shares of positive importance, direct use and flagged proxies."""

from __future__ import annotations

import numpy as np
import pytest

from aisec.assurance.explain.influence import importance_shares, sensitive_influences
from aisec.assurance.explain.permutation import Importances, Unit


def _importances(means, spread=0.01):
    # Five repeats spread evenly: a t-interval of about ±spread around each mean.
    offsets = np.linspace(-spread, spread, 5)
    per_repeat = np.asarray(means, dtype=float)[:, None] + offsets[None, :]
    units = [Unit(name, (j,)) for j, name in enumerate(["sex", "relationship", "age", "noise"])]
    return Importances(units, per_repeat, "log_loss", 0.3)


def test_shares_ignore_negative_importance():
    share, low, high = importance_shares(_importances([0.1, 0.3, 0.1, -0.05]))
    assert share[:3] == pytest.approx([0.2, 0.6, 0.2])
    assert share[3] < 0
    assert np.all(low <= share) and np.all(share <= high)
    zero, _, _ = importance_shares(_importances([0.0, 0.0, -0.1, 0.0]))
    assert np.all(zero == 0.0)


def test_direct_use_and_strong_important_proxies_are_reported():
    main = _importances([0.1, 0.3, 0.05, 0.0])
    table = [
        {"attribute": "sex", "feature": "relationship", "proxy_strength": 0.7},
        {"attribute": "sex", "feature": "age", "proxy_strength": 0.2},  # weak proxy
        {"attribute": "sex", "feature": "noise", "proxy_strength": 0.9},  # strong, unimportant
    ]
    found = sensitive_influences(main, table, ["sex"], top_k=2, proxy_threshold=0.3, rows=100)
    assert [(m.params["feature"], m.params["direct"]) for m in found] == [
        ("sex", True),
        ("relationship", False),
    ]
    assert found[1].params["rank"] == 1 and found[1].value == pytest.approx(0.3 / 0.45)
    assert [row["flagged"] for row in table] == [True, False, False]
    assert table[2]["rank"] == 4


def test_an_attribute_that_is_no_input_has_no_direct_measurement():
    main = _importances([0.1, 0.3, 0.05, 0.0])
    found = sensitive_influences(main, [], ["race"], top_k=2, proxy_threshold=0.3, rows=10)
    assert found == []


def test_a_direct_input_below_the_bar_is_recorded_not_reported():
    # sex last, with a negative importance: a model input, but not what drives decisions.
    looked_at = []
    found = sensitive_influences(
        _importances([-0.008, 0.3, 0.05, 0.0]),
        [],
        ["sex"],
        top_k=5,
        proxy_threshold=0.3,
        rows=10,
        looked_at=looked_at,
    )
    # Measured (a plan's threshold on it has something to judge), marked not influential.
    (measured,) = found
    assert measured.params["direct"] and measured.params["influential"] is False
    assert looked_at[0]["attribute"] == "sex" and looked_at[0]["rank"] == 4
    assert looked_at[0]["share"] < 0 and not looked_at[0]["flagged"]


@pytest.mark.parametrize(
    ("means", "half", "top_k"),
    [
        ([0.1, 0.3, 0.05, 0.2], 0.01, 2),  # ranked 3rd, outside the top 2
        ([0.1, 0.3, 0.05, 0.0], 0.2, 4),  # in the top k, but its interval reaches below 0
        ([0.0, 0.3, 0.05, 0.0], 0.01, 4),  # in the top k with no share at all
    ],
)
def test_direct_and_proxy_routes_face_one_bar(means, half, top_k):
    main = _importances(means, half)
    # Use relationship's importance for sex, so the proxy row faces the very same numbers.
    sex_as_proxy = Importances(
        [main.units[1], main.units[0], *main.units[2:]],
        main.per_repeat,
        main.metric,
        main.baseline,
    )
    table = [{"attribute": "race", "feature": "relationship", "proxy_strength": 0.9}]
    direct = sensitive_influences(main, [], ["sex"], top_k=top_k, proxy_threshold=0.3, rows=10)
    assert [m.params["influential"] for m in direct] == [False]
    assert (
        sensitive_influences(sex_as_proxy, table, [], top_k=top_k, proxy_threshold=0.3, rows=10)
        == []
    )
    assert table[0]["flagged"] is False
