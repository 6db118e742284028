"""One protected model as the gateway runs it: its upstream, its features and schema, and
its detectors split by stage, with the action each one's verdict leads to."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from aisec.core.errors import ConfigError
from aisec.runtime.observation import INPUT, OUTPUT

if TYPE_CHECKING:
    from aisec.assurance.schema.feature_schema import FeatureSchema
    from aisec.runtime.config import ModelConfig
    from aisec.runtime.detectors.base import Detector
    from aisec.runtime.detectors.reference import Reference
    from aisec.runtime.observation import FloatArray


@dataclass
class ModelGuard:
    config: ModelConfig
    features: tuple[str, ...]
    schema: FeatureSchema | None
    reference: Reference | None
    input_detectors: list[Detector]
    output_detectors: list[Detector]
    actions: dict[str, str]

    def invalid_row(self, rows: FloatArray) -> str | None:
        """Why the first row the schema refuses is refused; None when all are valid."""
        if self.schema is None:
            return None
        from aisec.assurance.schema.column import SchemaError

        try:
            self.schema.check(rows)
        except SchemaError as exc:
            return exc.message
        return None


def build_guard(model: ModelConfig) -> ModelGuard:
    from aisec.runtime.detectors.catalogue import build_detectors

    reference = _reference(model)
    schema = _schema(model)
    features = model.features
    if not features and schema is not None:
        features = tuple(schema.names)
    if not features and reference is not None:
        features = tuple(reference.names)
    if schema is not None and list(features) != schema.names:
        raise ConfigError(f"model {model.name}: its features and its schema's columns differ")
    if reference is not None and list(features) != list(reference.names):
        raise ConfigError(
            f"model {model.name}: its features and its reference's columns differ",
            hint="rebuild the reference with the model's feature order",
        )
    specs = {d.name: dict(d.params) for d in model.detectors}
    try:
        detectors = build_detectors(specs, reference)
    except ConfigError as exc:
        raise ConfigError(f"model {model.name}: {exc.message}", hint=exc.hint) from None
    if model.protocol == "openai":
        tabular = [d.name for d in detectors if not d.name.startswith("llm.")]
        if tabular:
            raise ConfigError(f"model {model.name} is a chat model: {tabular[0]} reads features")
    return ModelGuard(
        config=model,
        features=features,
        schema=schema,
        reference=reference,
        input_detectors=[d for d in detectors if d.stage == INPUT],
        output_detectors=[d for d in detectors if d.stage == OUTPUT],
        actions={d.name: d.action for d in model.detectors},
    )


def _reference(model: ModelConfig) -> Reference | None:
    if model.reference is None:
        return None
    from aisec.runtime.detectors.reference import load_reference

    return load_reference(model.reference)


def _schema(model: ModelConfig) -> FeatureSchema | None:
    if model.schema is None:
        return None
    from aisec.assurance.plans.yaml_file import read_yaml
    from aisec.assurance.schema.feature_schema import FeatureSchema

    data = read_yaml(model.schema, "feature schema")
    if not isinstance(data, dict):
        raise ConfigError(f"feature schema {model.schema} must be a mapping with 'columns'")
    return FeatureSchema.from_mapping(data)
