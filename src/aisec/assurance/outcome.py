"""What one assurance test gives back, and the data it runs on.

Every test (evasion, extraction, membership inference, poisoning, fairness, explanations)
is a function ``run_x(target, data, **params) -> TestResult``: measurements with intervals
(``aisec.core.run.Measurement``), JSON-safe ``details`` for the report's tables and charts,
and ``notes`` for anything a reader must know (a skipped attack, an undefined metric).
Thresholds, findings and reports are the plan's business, not the test's.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from aisec.assurance.schema import FeatureSchema
from aisec.assurance.targets.base import Target
from aisec.core.errors import ConfigError
from aisec.core.run import Measurement


@dataclass
class TestResult:
    measurements: list[Measurement] = field(default_factory=list)
    # JSON-safe values only (numbers, strings, lists, dicts): curves, per-sample tables.
    details: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    __test__ = False  # not a pytest test class

    def get(self, name: str, **params: Any) -> Measurement:
        """The measurement ``name`` whose params include all of ``params``."""
        for m in self.measurements:
            if m.name == name and all(_same(m.params.get(k), v) for k, v in params.items()):
                return m
        raise KeyError((name, params))


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, (int, float)):
        return math.isclose(a, float(b), rel_tol=1e-9, abs_tol=1e-12)
    return bool(a == b)


@dataclass
class AssuranceData:
    """Rows as float arrays and labels as the target's class indices.

    ``x_train``/``y_train`` are the rows the model was trained on (membership inference
    and the poisoning audit need them; ``None`` when unknown); ``x_test``/``y_test`` are
    held out. ``sensitive`` holds, per sensitive attribute, one value per test row.
    """

    x_test: NDArray[np.float64]
    y_test: NDArray[np.int64]
    x_train: NDArray[np.float64] | None = None
    y_train: NDArray[np.int64] | None = None
    feature_names: list[str] = field(default_factory=list)
    schema: FeatureSchema | None = None
    sensitive: dict[str, NDArray[Any]] = field(default_factory=dict)
    sensitive_train: dict[str, NDArray[Any]] = field(default_factory=dict)
    name: str = "data"

    def __post_init__(self) -> None:
        if len(self.x_test) != len(self.y_test):
            raise ConfigError(f"{len(self.x_test)} test rows but {len(self.y_test)} labels")
        if (self.x_train is None) != (self.y_train is None):
            raise ConfigError("give both x_train and y_train, or neither")
        if (
            self.x_train is not None
            and self.y_train is not None
            and len(self.x_train) != len(self.y_train)
        ):
            raise ConfigError(f"{len(self.x_train)} training rows but {len(self.y_train)} labels")
        if not self.feature_names:
            self.feature_names = [f"x{i}" for i in range(self.x_test.shape[1])]

    def require_train(self, test: str) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
        if self.x_train is None or self.y_train is None:
            raise ConfigError(f"{test} needs the training rows (x_train, y_train)")
        return self.x_train, self.y_train


def class_indices(target: Target, labels: Any) -> NDArray[np.int64]:
    """Raw labels as indices into ``target.classes``; an unknown label is a ConfigError."""
    classes = np.asarray(target.classes)
    raw = np.asarray(labels).reshape(-1)
    lookup = {c.item() if hasattr(c, "item") else c: i for i, c in enumerate(classes)}
    out = np.empty(raw.size, dtype=np.int64)
    for i, value in enumerate(raw):
        key = value.item() if hasattr(value, "item") else value
        if key not in lookup:
            raise ConfigError(f"label {key!r} is not one of the target's classes {list(lookup)}")
        out[i] = lookup[key]
    return out
