"""Group fairness of a binary classifier's decisions, as Measurements with confidence intervals."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from aisec.assurance.fairness.bootstrap import Interval, bootstrap_intervals
from aisec.assurance.fairness.counts import cell_codes, confusion_counts
from aisec.assurance.fairness.inputs import encode
from aisec.assurance.fairness.rates import RATES, disparities
from aisec.assurance.fairness.reference import fairlearn_points
from aisec.core.errors import ConfigError
from aisec.core.run import Measurement

PREFIX = "fairness."
_UNDEFINED_REASON = {
    "false_positive_rate": "has no negatives (y_true = 0)",
    "false_negative_rate": "has no positives (y_true = 1)",
}


@dataclass(frozen=True, slots=True)
class FairnessReport:
    """Every measurement of one assessment, and notes on what could not be measured."""

    sensitive_feature: str
    groups: tuple[str, ...]
    measurements: tuple[Measurement, ...]
    notes: tuple[str, ...]

    def get(self, name: str, group: str | None = None) -> Measurement:
        """The measurement ``name`` (with or without the prefix), for ``group`` if per group."""
        full = name if name.startswith(PREFIX) else PREFIX + name
        for m in self.measurements:
            if m.name == full and m.params.get("group") == group:
                return m
        raise KeyError((full, group))


def assess_group_fairness(
    y_true: Any,
    y_pred: Any,
    sensitive: Any,
    *,
    sensitive_feature: str = "group",
    n_boot: int = 1000,
    alpha: float = 0.05,
    seed: int = 0,
) -> FairnessReport:
    """Selection rate, accuracy, FPR and FNR per group; demographic parity and equalized odds
    differences and ratios; each with a percentile bootstrap interval at level ``1 - alpha``.

    ``y_true`` and ``y_pred`` hold 0/1 (1 = the favourable or positive decision). A rate that
    is undefined (a group without negatives has no FPR) is NaN with a note, never 0.
    """
    if n_boot < 0:
        raise ConfigError(f"n_boot must be 0 or more, got {n_boot}")
    if not 0 < alpha < 1:
        raise ConfigError(f"alpha must be between 0 and 1, got {alpha}")
    data = encode(y_true, y_pred, sensitive)
    n_groups = len(data.labels)
    codes = cell_codes(data.y_true, data.y_pred, data.groups)
    counts = confusion_counts(codes, n_groups)
    points, overall_points = fairlearn_points(data)
    if n_boot:
        group_cis, overall_cis = bootstrap_intervals(codes, n_groups, n_boot, alpha, seed)
    else:
        group_cis, overall_cis = {}, {}
    params: dict[str, Any] = {
        "sensitive_feature": sensitive_feature,
        "n_boot": n_boot,
        "alpha": alpha,
        "seed": seed,
        "ci_method": "percentile bootstrap over rows" if n_boot else "none",
    }
    notes: list[str] = []
    if n_groups == 1:
        notes.append(
            f"only one group ({data.labels[0]!r}) in {sensitive_feature!r}: "
            "disparities are 0 and 1 by definition and say nothing"
        )
    out: list[Measurement] = []
    sizes = counts.sum(axis=-1)
    for name, rate in RATES.items():
        defined = ~np.isnan(rate(counts))
        for g, label in enumerate(data.labels):
            extra: dict[str, Any] = {"group": label}
            value = points[name][g]
            if not defined[g]:
                # fairlearn reports 0 here (sklearn's normalised confusion matrix); 0 would
                # read as "no errors", so the rate is reported as undefined instead.
                value = math.nan
                extra["note"] = f"undefined: group {label!r} {_UNDEFINED_REASON[name]}"
                notes.append(f"{name} {extra['note']}")
            ci = group_cis[name][g] if group_cis else None
            out.append(_measurement(name, value, ci, int(sizes[g]), "rate", params | extra))
    own = disparities(counts)
    for name, reference_value in overall_points.items():
        extra = {}
        value = reference_value
        if math.isnan(float(own[name])):
            value = math.nan
            extra["note"] = "undefined: a group's rate is undefined or every group's rate is 0"
            notes.append(f"{name} {extra['note']}")
        unit = "ratio" if name.endswith("ratio") else "difference"
        ci = overall_cis.get(name)
        out.append(_measurement(name, value, ci, int(codes.size), unit, params | extra))
    return FairnessReport(sensitive_feature, data.labels, tuple(out), tuple(notes))


def _measurement(
    name: str, value: float, ci: Interval | None, n: int, unit: str, params: dict[str, Any]
) -> Measurement:
    if ci is not None and ci.undefined:
        params = params | {"undefined_resamples": ci.undefined}
    return Measurement(
        name=PREFIX + name,
        value=value,
        ci_low=None if ci is None else ci.low,
        ci_high=None if ci is None else ci.high,
        n=n,
        unit=unit,
        params=params,
    )
