"""Group fairness as a plan test: the target's decisions on the test rows, per sensitive
attribute, through :func:`assess_group_fairness`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from aisec.assurance.outcome import AssuranceData, TestResult, class_indices
from aisec.assurance.targets.base import Target
from aisec.core.errors import ConfigError


def run_fairness(
    target: Target,
    data: AssuranceData,
    *,
    sensitive: Sequence[str] = (),
    favourable: Any = None,
    n_boot: int = 1000,
    seed: int = 0,
) -> TestResult:
    """``favourable`` is the raw label of the favourable decision (default: the target's
    last class, 1 for 0/1 labels); every other class counts as unfavourable."""
    chosen_names = [sensitive] if isinstance(sensitive, str) else list(sensitive)
    names = chosen_names or list(data.sensitive)
    if not names:
        raise ConfigError("fairness needs a sensitive attribute: list it in data.sensitive")
    missing = [n for n in names if n not in data.sensitive]
    if missing:
        raise ConfigError(f"no sensitive values for {missing}; list them in data.sensitive")
    from aisec.assurance.fairness import assess_group_fairness

    classes = np.asarray(target.classes)
    chosen = classes[-1] if favourable is None else favourable
    positive = int(class_indices(target, [chosen])[0])
    y_true = (data.y_test == positive).astype(int)
    y_pred = (target.predict(data.x_test) == positive).astype(int)
    result = TestResult(details={"favourable": _plain(chosen), "groups": {}})
    for name in names:
        report = assess_group_fairness(
            y_true, y_pred, data.sensitive[name], sensitive_feature=name, n_boot=n_boot, seed=seed
        )
        result.measurements.extend(report.measurements)
        result.notes.extend(f"{name}: {note}" for note in report.notes)
        result.details["groups"][name] = list(report.groups)
    return result


def _plain(value: Any) -> Any:
    return value.item() if hasattr(value, "item") else value
