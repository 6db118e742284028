"""``aisec gateway reference build``: the statistics the gateway's detectors compare live
traffic with, made from the data and model of a test plan (docs/test-plans.md), so that
the assurance tests and the runtime detectors see one encoding of one dataset.

Input statistics come from the plan's training rows; the model's answers (class shares,
probability margins) from its held-out rows, where the model is no more confident than
it will be on live traffic. The plan's feature schema is written beside, for the
gateway's input validation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from aisec.runtime.detectors.reference import Reference


@dataclass(frozen=True)
class BuiltReference:
    reference: Reference
    schema: dict[str, Any]  # the feature schema as a mapping (YAML-ready)
    description: dict[str, Any]


def reference_from_plan(plan_path: Path, *, trust: bool = False, sample: int = 2000,
                        seed: int = 0) -> BuiltReference:  # fmt: skip
    import numpy as np

    from aisec.assurance.plans.runner import prepare_plan
    from aisec.assurance.schema.column import Kind
    from aisec.assurance.targets.base import Capability
    from aisec.services.testing import load

    plan = load(plan_path)
    data, built = prepare_plan(plan, trust=trust)
    target = built.target
    categorical = [c.name for c in data.schema.columns if c.kind is Kind.CATEGORICAL]
    held_out = data.x_test if len(data.x_test) else data.x_train
    predictions = np.asarray(target.predict(held_out), dtype=np.float64)
    probabilities = None
    if Capability.SCORES in target.capabilities:
        probabilities = np.asarray(target.predict_proba(held_out), dtype=np.float64)
    reference = reference_with_answers(
        data.x_train, held_out, names=data.feature_names, categorical=categorical,
        predictions=predictions, probabilities=probabilities, sample=sample, seed=seed,
    )  # fmt: skip
    description = {
        "plan": str(plan_path), "target": built.description, "train_rows": len(data.x_train),
        "held_out_rows": len(held_out), "features": len(data.feature_names),
        "probabilities": probabilities is not None,
    }  # fmt: skip
    return BuiltReference(reference, data.schema.to_mapping(), description)


def reference_with_answers(
    x_train: Any, x_held_out: Any, *, names: Sequence[str], predictions: Any,
    probabilities: Any = None, categorical: Sequence[str] = (), sample: int = 2000,
    seed: int = 0,
) -> Reference:  # fmt: skip
    """Input statistics of the training rows, with the model's answers (``predictions``,
    ``probabilities``) on the held-out rows ``x_held_out``."""
    import dataclasses

    from aisec.runtime.detectors.reference import build_reference

    inputs = build_reference(x_train, names=names, categorical=categorical, sample=sample,
                             seed=seed)  # fmt: skip
    answers = build_reference(
        x_held_out, names=names, categorical=categorical, predictions=predictions,
        probabilities=probabilities, sample=sample, seed=seed,
    )  # fmt: skip
    return dataclasses.replace(
        inputs, prediction=answers.prediction, margins=answers.margins,
        low_margin=answers.low_margin, low_margin_rate=answers.low_margin_rate,
    )  # fmt: skip
