"""The attacks' shared helpers: margin loss, cross-entropy, capability and setting checks."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression

from aisec.assurance.attacks.common import (
    check_positive,
    cross_entropy,
    margin_loss,
    predicted_wrong,
    require,
)
from aisec.assurance.targets import CallableTarget, Capability, SklearnTarget
from aisec.core.errors import ConfigError


@given(
    logits=arrays(
        np.float64, st.tuples(st.integers(1, 20), st.integers(2, 6)), elements=st.floats(-20, 20)
    ),
    data=st.data(),
)
def test_margin_is_negative_exactly_when_another_class_wins(logits, data):
    p = np.exp(logits - logits.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    y = np.array(
        data.draw(st.lists(st.integers(0, p.shape[1] - 1), min_size=len(p), max_size=len(p)))
    )
    m = margin_loss(p, y)
    others = p.copy()
    others[np.arange(len(y)), y] = -1
    assert np.allclose(m, p[np.arange(len(y)), y] - others.max(axis=1))
    assert np.all((m < 0) <= (p.argmax(axis=1) != y))
    assert np.all(np.abs(m) <= 1.0)


def test_cross_entropy_is_finite_for_zero_probabilities():
    p = np.array([[1.0, 0.0], [0.5, 0.5]])
    ce = cross_entropy(p, np.array([1, 0]))
    assert np.isfinite(ce).all() and ce[0] > 100 and np.isclose(ce[1], np.log(2))


def test_predicted_wrong_on_a_real_model():
    x, y = load_digits(return_X_y=True)
    model = LogisticRegression(max_iter=200).fit(x[:300] / 16, y[:300])
    target = SklearnTarget(model)
    wrong = predicted_wrong(target, x[300:400] / 16, y[300:400])
    assert np.array_equal(wrong, model.predict(x[300:400] / 16) != y[300:400])
    assert predicted_wrong(target, np.zeros((0, 64)), np.zeros(0, dtype=np.int64)).size == 0
    assert target.budget.used == 100


def test_require_names_the_missing_capability():
    target = CallableTarget(predict=lambda x: np.zeros(len(x)))
    require(target, Capability.LABELS, "hopskipjump")
    with pytest.raises(ConfigError, match="gradients"):
        require(target, Capability.GRADIENTS, "pgd")


@pytest.mark.parametrize(
    ("value", "integer"), [(0, False), (-1, False), (float("inf"), False), (2.5, True)]
)
def test_check_positive_rejects(value, integer):
    with pytest.raises(ConfigError, match="setting"):
        check_positive("setting", value, integer=integer)
