"""The plan's model under test, built as a Target (docs/adr/0014).

``train`` fits a model here; ``model`` is a saved model: ONNX runs in onnxruntime, a
pickle or joblib file only with trust (after a clean scan, in a separate process);
``http`` is a JSON endpoint; ``predictions`` a file of recorded answers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from aisec.assurance.plans import trained
from aisec.assurance.plans.datasets import PreparedData
from aisec.assurance.plans.spec import Plan, PlanError
from aisec.assurance.targets.base import Target

_PICKLE_SUFFIXES = (".joblib", ".pkl", ".pickle")


@dataclass
class BuiltTarget:
    target: Target
    description: str
    # Makes an unfitted model like the target, for tests that retrain (shadow models,
    # poisoning sensitivity); None when the plan does not say how the model was made.
    factory: Callable[[], Any] | None = None


def build_target(plan: Plan, data: PreparedData, *, trust: bool = False) -> BuiltTarget:
    spec = plan.target
    if "train" in spec:
        return _train(_section(spec, "train"), plan.seed, data)
    if "model" in spec:
        return _saved(plan, spec, trust)
    if "onnx" in spec:
        return _onnx(plan, str(spec["onnx"]), spec)
    if "http" in spec:
        return _http(_section(spec, "http"))
    return _predictions(plan, spec, data)


def _section(spec: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = spec[key]
    if not isinstance(value, Mapping):
        raise PlanError(f"target.{key}", "must be a mapping")
    return value


def _classes(spec: Mapping[str, Any]) -> list[Any] | None:
    classes = spec.get("classes")
    if classes is not None and not isinstance(classes, list):
        raise PlanError("target.classes", "must be a list of labels")
    return classes


def _train(spec: Mapping[str, Any], seed: int, data: PreparedData) -> BuiltTarget:
    kind = spec.get("estimator")
    if kind == "torch_mlp":
        from aisec.assurance.targets import TorchTarget

        net, classes = trained.fit_torch_mlp(spec, seed, data.x_train, data.y_train)
        return BuiltTarget(TorchTarget(net, classes=classes, name="torch_mlp"), "torch_mlp")
    from aisec.assurance.targets import SklearnTarget

    factory = trained.estimator_factory(spec, seed)
    model = trained.fit(spec, seed, data.x_train, data.y_train)
    return BuiltTarget(
        SklearnTarget(model, name=str(kind)), f"{kind} (trained by the plan)", factory
    )


def _saved(plan: Plan, spec: Mapping[str, Any], trust: bool) -> BuiltTarget:
    path = plan.resolve(str(spec["model"]))
    if path.suffix.lower() == ".onnx":
        return _onnx(plan, str(spec["model"]), spec)
    if path.suffix.lower() not in _PICKLE_SUFFIXES:
        raise PlanError("target.model", f"{path.name}: expected .onnx, .joblib, .pkl or .pickle")
    from aisec.assurance.targets import PickledModelTarget

    return BuiltTarget(PickledModelTarget(path, trust=trust), str(path))


def _onnx(plan: Plan, file: str, spec: Mapping[str, Any]) -> BuiltTarget:
    from aisec.assurance.targets import OnnxTarget

    path = plan.resolve(file)
    softmax = bool(spec.get("softmax", False))
    return BuiltTarget(OnnxTarget(path, classes=_classes(spec), softmax=softmax), str(path))


def _http(spec: Mapping[str, Any]) -> BuiltTarget:
    from aisec.assurance.targets import HttpTarget

    options = dict(spec)
    url = options.pop("url", None)
    if not isinstance(url, str):
        raise PlanError("target.http.url", "needs the endpoint's URL")
    allowed = {
        "classes", "input_key", "label_key", "proba_key", "headers", "batch_size", "timeout",
        "retries", "backoff", "max_requests_per_second",
    }  # fmt: skip
    unknown = set(options) - allowed
    if unknown:
        raise PlanError("target.http", f"unknown keys {sorted(unknown)}")
    target = HttpTarget(url, **options)
    return BuiltTarget(target, target.display_url)


def _predictions(plan: Plan, spec: Mapping[str, Any], data: PreparedData) -> BuiltTarget:
    from aisec.assurance.targets import PredictionsFileTarget

    path = plan.resolve(str(spec["predictions"]))
    if path.suffix.lower() == ".npz":
        target = PredictionsFileTarget.from_npz(path, classes=_classes(spec))
    else:
        proba = spec.get("proba_columns")
        target = PredictionsFileTarget.from_csv(
            path,
            feature_columns=data.feature_names,
            label_column=str(spec.get("label_column", "prediction")),
            proba_columns=proba if isinstance(proba, list) else None,
            classes=_classes(spec),
        )
    return BuiltTarget(target, str(path))
