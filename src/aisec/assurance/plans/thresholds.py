"""Thresholds judged against measurements.

A threshold names a metric (in full, ``evasion.robust_accuracy``, or by its last part,
``robust_accuracy``) and may narrow it with ``where`` (params that must match). Every
matching measurement is judged; none matching is an error, never a silent pass. An
undefined value (NaN) fails: a number that cannot be computed cannot show compliance.
By default the point estimate is judged; ``judge_on: ci_low`` / ``ci_high`` judges an
interval bound instead (the conservative choice for a minimum is ``ci_low``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from aisec.assurance.plans.result import Judgement
from aisec.assurance.plans.spec import Threshold
from aisec.core.run import Measurement
from aisec.core.severity import Severity


def _name_matches(metric: str, name: str) -> bool:
    return name == metric or name.endswith("." + metric)


def _param_matches(actual: Any, wanted: Any) -> bool:
    if isinstance(actual, bool) or isinstance(wanted, bool):
        return actual is wanted or actual == wanted
    if isinstance(actual, (int, float)) and isinstance(wanted, (int, float)):
        return math.isclose(float(actual), float(wanted), rel_tol=1e-9, abs_tol=1e-12)
    return str(actual) == str(wanted)


def matching(threshold: Threshold, measurements: Sequence[Measurement]) -> list[Measurement]:
    return [
        m
        for m in measurements
        if _name_matches(threshold.metric, m.name)
        and all(
            k in m.params and _param_matches(m.params[k], v) for k, v in threshold.where.items()
        )
    ]


def _label(threshold: Threshold, m: Measurement, varying: set[str]) -> str:
    # Only the params that tell the matched measurements apart (epsilon, attack, group)
    # name a judgement; the rest (counts, interval method) is in the measurement.
    shown = {k: m.params[k] for k in sorted(varying) if k in m.params and _is_key(m.params[k])}
    base = threshold.describe()
    if not shown:
        return base
    extra = ", ".join(f"{k}={v}" for k, v in shown.items())
    return f"{base} @ {extra}"


def _is_key(value: Any) -> bool:
    return isinstance(value, (str, int, float)) and len(str(value)) < 60


def _varying(found: Sequence[Measurement], fixed: Any) -> set[str]:
    keys = {k for m in found for k in m.params} - set(fixed)
    return {k for k in keys if len({repr(m.params.get(k)) for m in found}) > 1}


def judge(
    threshold: Threshold, measurements: Sequence[Measurement], default: Severity
) -> list[Judgement]:
    severity = (threshold.severity or default).label
    found = matching(threshold, measurements)
    if not found:
        return [
            Judgement(
                threshold.describe(), threshold.metric, False, severity, None,
                threshold.judge_on, None,
                reason="no measurement matched this threshold (check the metric name and where)",
            )
        ]  # fmt: skip
    out = []
    varying = _varying(found, threshold.where)
    for m in found:
        value = getattr(m, threshold.judge_on)
        judged = None if value is None else float(value)
        reason = ""
        if judged is None or math.isnan(judged):
            passed = False
            reason = f"{threshold.judge_on} is undefined for this measurement"
        else:
            passed = True
            if threshold.min is not None and judged < threshold.min:
                passed, reason = False, f"{threshold.judge_on} {judged:.4g} < {threshold.min:g}"
            if threshold.max is not None and judged > threshold.max:
                passed, reason = False, f"{threshold.judge_on} {judged:.4g} > {threshold.max:g}"
        out.append(
            Judgement(
                _label(threshold, m, varying), threshold.metric, passed, severity, judged,
                threshold.judge_on, m, reason,
            )
        )  # fmt: skip
    return out
