"""Fresh, unfitted copies of the model under test, for audits that must retrain it.

The label audit and the poisoning sensitivity both train new models on (altered) training
rows. A scikit-learn target gives its own estimator, cloned with ``sklearn.base.clone`` so
the fitted model under test is never touched; any other target needs a ``model_factory``
that returns an unfitted estimator with ``fit``, ``predict`` and ``predict_proba``; a
target with neither is missing a capability (:class:`CapabilityMissing`), so a plan skips
those audits rather than failing them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import NDArray

from aisec.assurance.targets.base import Target
from aisec.assurance.targets.errors import CapabilityMissing
from aisec.core.errors import ConfigError

ModelFactory = Callable[[], Any]
FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


def model_factory_for(
    target: Target, model_factory: ModelFactory | None, test: str
) -> ModelFactory:
    """The factory to use: the caller's, or a clone of a scikit-learn target's model."""
    if model_factory is not None:
        if not callable(model_factory):
            raise ConfigError(f"{test}: model_factory must be a callable returning a model")
        return model_factory
    model = getattr(target, "model", None)
    if model is None or not hasattr(model, "get_params"):
        # A missing capability of the target, not a bad parameter: the plan runner skips
        # the test (SKIPPED) instead of reporting it as an error.
        raise _not_trainable(target, test)
    from sklearn.base import clone

    def fresh() -> Any:
        return clone(model)

    return fresh


def _not_trainable(target: Target, test: str) -> CapabilityMissing:
    exc = CapabilityMissing(target.name, "a trainable model", "no model to retrain")
    # The constructor's message speaks of a capability; say what would make it work.
    exc.message = (
        f"{test} needs a trainable model: a scikit-learn target or a model_factory "
        f"(target {target.name!r} is neither)"
    )
    exc.hint = "pass model_factory=<callable returning an unfitted scikit-learn-style model>"
    exc.args = (exc.message,)
    return exc


def fit_fresh(factory: ModelFactory, x: FloatArray, y: IntArray) -> Any:
    """A new model trained on ``x``/``y`` (class indices)."""
    model = factory()
    for method in ("fit", "predict"):
        if not callable(getattr(model, method, None)):
            raise ConfigError(f"the model factory returned {type(model).__name__}: no {method}()")
    model.fit(x, y)
    return model


def full_probabilities(model: Any, x: FloatArray, n_classes: int) -> FloatArray:
    """``predict_proba`` spread over all ``n_classes`` columns.

    A model trained on a subset that lacks a class has fewer columns; that class gets 0.
    """
    if not callable(getattr(model, "predict_proba", None)):
        raise ConfigError(
            f"{type(model).__name__} gives no predict_proba; the label audit needs scores",
            hint="use a probabilistic classifier (e.g. LogisticRegression, RandomForest)",
        )
    raw = np.asarray(model.predict_proba(x), dtype=np.float64)
    seen = np.asarray(model.classes_, dtype=np.int64)
    out = np.zeros((raw.shape[0], n_classes), dtype=np.float64)  # x may be sparse: no len()
    out[:, seen] = raw
    return out


def predicted_indices(model: Any, x: FloatArray) -> IntArray:
    return np.asarray(model.predict(x), dtype=np.int64)
