"""Surrogate learners: each copies a real model's labels, one class gives a constant
surrogate, and unknown names are config errors."""

import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer
from sklearn.ensemble import GradientBoostingClassifier

from aisec.assurance.extraction.surrogate import (
    SURROGATES,
    ConstantSurrogate,
    check_surrogates,
    fit_surrogate,
)
from aisec.core.errors import ConfigError


@pytest.fixture(scope="module")
def labelled():
    x, y = load_breast_cancer(return_X_y=True)
    teacher = GradientBoostingClassifier(n_estimators=30, random_state=0).fit(x[:300], y[:300])
    return x[300:], teacher.predict(x[300:]).astype(np.int64)


@pytest.mark.parametrize("name", SURROGATES)
def test_every_surrogate_copies_the_teacher(labelled, name):
    x, labels = labelled
    surrogate = fit_surrogate(name, x[:200], labels[:200], seed=0)
    agreement = (surrogate.predict(x[200:]) == labels[200:]).mean()
    assert agreement > 0.85
    assert surrogate.predict(x[200:]).dtype == np.int64


def test_one_class_gives_a_constant_surrogate(labelled):
    x, _ = labelled
    surrogate = fit_surrogate("logistic", x[:50], np.full(50, 3, dtype=np.int64))
    assert isinstance(surrogate, ConstantSurrogate)
    assert (surrogate.predict(x) == 3).all()


def test_unknown_or_no_surrogate_is_a_config_error():
    with pytest.raises(ConfigError, match="svm"):
        check_surrogates(["logistic", "svm"])
    with pytest.raises(ConfigError, match="choose one or more"):
        check_surrogates([])
