"""Models a plan trains itself on its training split (``target: {train: ...}``).

This lets a plan audit a training recipe end to end, and gives the demo and the tests
real models on real data. Tabular models sit behind a StandardScaler where they need one,
so that analytic gradients pass back to the raw features (docs/adr/0014).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial
from typing import Any

import numpy as np
from numpy.typing import NDArray

from aisec.assurance.plans.spec import PlanError


def _logistic(params: Mapping[str, Any], seed: int) -> Any:
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    options = {"max_iter": 2000} | dict(params)
    return make_pipeline(StandardScaler(), LogisticRegression(random_state=seed, **options))


def _mlp(params: Mapping[str, Any], seed: int) -> Any:
    from sklearn.neural_network import MLPClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    options = {"hidden_layer_sizes": (64,), "max_iter": 500} | dict(params)
    if isinstance(options["hidden_layer_sizes"], list):  # YAML has no tuples
        options["hidden_layer_sizes"] = tuple(options["hidden_layer_sizes"])
    return make_pipeline(StandardScaler(), MLPClassifier(random_state=seed, **options))


def _forest(params: Mapping[str, Any], seed: int) -> Any:
    from sklearn.ensemble import RandomForestClassifier

    options = {"n_estimators": 200, "n_jobs": -1} | dict(params)
    return RandomForestClassifier(random_state=seed, **options)


def _boosting(params: Mapping[str, Any], seed: int) -> Any:
    from sklearn.ensemble import HistGradientBoostingClassifier

    return HistGradientBoostingClassifier(random_state=seed, **dict(params))


ESTIMATORS: dict[str, Callable[[Mapping[str, Any], int], Any]] = {
    "logistic_regression": _logistic,
    "mlp": _mlp,
    "random_forest": _forest,
    "gradient_boosting": _boosting,
}
KINDS = (*ESTIMATORS, "torch_mlp")


def estimator_factory(spec: Mapping[str, Any], seed: int) -> Callable[[], Any]:
    """A function that makes an unfitted estimator as the plan describes it."""
    kind = spec.get("estimator")
    if kind not in ESTIMATORS:
        raise PlanError("target.train.estimator", f"{kind!r} is not one of {', '.join(KINDS)}")
    params = spec.get("params", {})
    if not isinstance(params, Mapping):
        raise PlanError("target.train.params", "must be a mapping")
    make = ESTIMATORS[str(kind)]
    make(params, seed)  # fail on bad parameters now, at plan time
    # A partial of a module-level function, not a lambda: it travels to worker processes.
    return partial(make, dict(params), seed)


def fit(spec: Mapping[str, Any], seed: int, x: NDArray[np.float64], y: NDArray[Any]) -> Any:
    try:
        return estimator_factory(spec, seed)().fit(x, y)
    except (TypeError, ValueError) as exc:
        raise PlanError("target.train", f"training failed: {exc}") from None


def fit_torch_mlp(
    spec: Mapping[str, Any], seed: int, x: NDArray[np.float64], y: NDArray[Any]
) -> tuple[Any, list[Any]]:
    """A small torch MLP (standardisation folded into the first layer) and its classes."""
    import torch

    params = dict(spec.get("params", {}))
    hidden = int(params.pop("hidden", 64))
    epochs = int(params.pop("epochs", 60))
    if params:
        raise PlanError("target.train.params", f"unknown torch_mlp parameters {sorted(params)}")
    torch.manual_seed(seed)
    classes, codes = np.unique(y, return_inverse=True)
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    from aisec.assurance.plans.torch_net import Standardise

    net = torch.nn.Sequential(
        Standardise(mean, scale),
        torch.nn.Linear(x.shape[1], hidden),
        torch.nn.ReLU(),
        torch.nn.Linear(hidden, len(classes)),
    )
    inputs = torch.as_tensor(x, dtype=torch.float32)
    targets = torch.as_tensor(codes, dtype=torch.long)
    optimiser = torch.optim.Adam(net.parameters(), lr=1e-2)
    generator = torch.Generator().manual_seed(seed)
    for _ in range(epochs):
        order: Any = torch.randperm(len(inputs), generator=generator)
        for batch in order.split(128):
            optimiser.zero_grad()
            loss: Any = torch.nn.functional.cross_entropy(net(inputs[batch]), targets[batch])
            loss.backward()
            optimiser.step()
    return net.eval(), [c.item() if hasattr(c, "item") else c for c in classes]
