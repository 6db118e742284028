"""Surrogate models the extraction attacker trains on the target's answers.

Tramèr et al. (2016, "Stealing Machine Learning Models via Prediction APIs") show that
a learner retrained on the labels a prediction API returns reproduces the model; this
module offers three such learners by name, each trained on class indices only (the
weakest answer an API gives), so the same attack runs against label-only targets.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

from aisec.core.errors import ConfigError

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

SURROGATES = ("logistic", "forest", "mlp")


class Surrogate(Protocol):
    def predict(self, x: FloatArray) -> IntArray: ...


@dataclass(frozen=True, slots=True)
class ConstantSurrogate:
    """What any learner would say after seeing a single class: that class."""

    label: int

    def predict(self, x: FloatArray) -> IntArray:
        return np.full(len(x), self.label, dtype=np.int64)


@dataclass(frozen=True, slots=True)
class FittedSurrogate:
    estimator: Any

    def predict(self, x: FloatArray) -> IntArray:
        return np.asarray(self.estimator.predict(x), dtype=np.int64)


def check_surrogates(names: Sequence[str]) -> None:
    unknown = [n for n in names if n not in SURROGATES]
    if unknown or not names:
        raise ConfigError(
            f"unknown surrogate learners {unknown or list(names)}",
            hint=f"choose one or more of {', '.join(SURROGATES)}",
        )


def new_estimator(name: str, seed: int) -> Any:
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.neural_network import MLPClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    check_surrogates([name])
    if name == "logistic":
        return make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000))
    if name == "forest":
        return RandomForestClassifier(n_estimators=100, n_jobs=-1, random_state=seed)
    return make_pipeline(
        StandardScaler(),
        MLPClassifier(hidden_layer_sizes=(64,), max_iter=500, random_state=seed),
    )


def fit_surrogate(name: str, x: FloatArray, labels: IntArray, *, seed: int = 0) -> Surrogate:
    """Surrogate ``name`` trained on queries ``x`` and the target's class indices."""
    from sklearn.exceptions import ConvergenceWarning

    classes = np.unique(labels)
    if classes.size == 1:
        return ConstantSurrogate(int(classes[0]))
    estimator = new_estimator(name, seed)
    with warnings.catch_warnings():
        # An unconverged surrogate is still a surrogate; fidelity measures how good it is.
        warnings.simplefilter("ignore", ConvergenceWarning)
        estimator.fit(x, labels)
    return FittedSurrogate(estimator)
