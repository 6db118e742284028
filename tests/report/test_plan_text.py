"""Which params tell a measurement apart from the others of its name."""

from __future__ import annotations

import numpy as np

from aisec.core.run import Measurement
from aisec.report.plan_text import distinguishing_params


def _m(name: str, **params: object) -> Measurement:
    return Measurement(name, 0.5, None, None, 10, "", params)


def test_only_params_that_differ_within_a_name():
    ms = [
        _m("auc", attack="loss", members=500, test="mia"),
        _m("auc", attack="shadow", members=500, test="mia", n_shadow=2),
        _m("train", members=500, test="mia"),
    ]
    out = distinguishing_params(ms)
    # n_shadow is on one row only: that tells it apart; "test" never counts.
    assert out == {"auc": ["attack", "n_shadow"], "train": []}


def test_params_on_every_row_come_first():
    ms = [_m("auc", n_shadow=2, attack="shadow"), _m("auc", attack="loss")]
    assert distinguishing_params(ms) == {"auc": ["attack", "n_shadow"]}


def test_values_compare_by_number_and_by_text():
    ms = [_m("a", eps=0.1, group=[1, 2], note="x"), _m("a", eps=np.float64(0.1), group=[1, 2])]
    assert distinguishing_params(ms) == {"a": []}
    ms.append(_m("a", eps=0.2, group=[3]))
    assert distinguishing_params(ms) == {"a": ["eps", "group"]}
