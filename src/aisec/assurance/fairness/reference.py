"""Point estimates through fairlearn's ``MetricFrame``, the field's reference implementation."""

from __future__ import annotations

from functools import partial
from typing import Any

from aisec.assurance.fairness.inputs import Encoded
from aisec.core.errors import ConfigError

HINT = "pip install 'aisec[fairness]'"

# fairlearn's names for the equalized-odds components, kept apart from the reported rates.
_EO = ("_tpr", "_fpr")


def fairlearn_points(data: Encoded) -> tuple[dict[str, list[float]], dict[str, float]]:
    """Per-group rates (in ``data.labels`` order) and disparities, as fairlearn computes them."""
    try:
        from fairlearn import metrics as flm
        from sklearn.metrics import accuracy_score
    except ImportError as exc:
        raise ConfigError("group fairness metrics need fairlearn", hint=HINT) from exc

    # pos_label fixed to 1: fairlearn otherwise takes the largest label present, which
    # changes meaning in a group that holds one label only.
    functions: dict[str, Any] = {
        "selection_rate": flm.selection_rate,
        "accuracy": accuracy_score,
        "false_positive_rate": partial(flm.false_positive_rate, pos_label=1),
        "false_negative_rate": partial(flm.false_negative_rate, pos_label=1),
        "_tpr": partial(flm.true_positive_rate, pos_label=1),
        "_fpr": partial(flm.false_positive_rate, pos_label=1),
    }
    names = [data.labels[g] for g in data.groups]
    frame = flm.MetricFrame(
        metrics=functions, y_true=data.y_true, y_pred=data.y_pred, sensitive_features=names
    )
    by_group = frame.by_group
    per_group = {
        name: [float(by_group.loc[label, name]) for label in data.labels]
        for name in functions
        if name not in _EO
    }
    diff, ratio = frame.difference(), frame.ratio()
    disparities = {
        "demographic_parity_difference": float(diff["selection_rate"]),
        "demographic_parity_ratio": float(ratio["selection_rate"]),
        "equalized_odds_difference": max(float(diff[k]) for k in _EO),
        "equalized_odds_ratio": min(float(ratio[k]) for k in _EO),
    }
    return per_group, disparities
