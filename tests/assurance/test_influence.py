"""Sensitive influence: shares of positive importance, direct use and flagged proxies."""

from __future__ import annotations

import numpy as np
import pytest

from aisec.assurance.explain.influence import importance_shares, sensitive_influences
from aisec.assurance.explain.permutation import Importances, Unit


def _importances(means):
    per_repeat = np.column_stack([np.asarray(means) - 0.01, np.asarray(means) + 0.01])
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
