"""Which charts a test's outcome gets, read off its measurements alone.

No test type is special-cased, so a new test gets charts without a change here. Per
measurement name, counting only params that every measurement of that name has:

* exactly one numeric param varies (epsilon, budget, fpr): a line of the value against
  it, one series per combination of the categorical params that vary too;
* no numeric param varies, some categorical one does (group, attack, feature): bars with
  their intervals;
* anything else: no chart, since any axis chosen would mislead.

A param only some measurements carry (``n_shadow`` on the shadow attack alone) is never an
axis: one point on it is not a trend. Names measured once each (a fairness test's
disparities) are gathered into one bar chart per family and unit. ROC curves come from the
details: ``details["roc"]`` and ``details["attacks"][name]["roc"]``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from numbers import Real
from typing import Any

from aisec.assurance.plans.result import TestOutcome
from aisec.core.run import Measurement
from aisec.report import printable, shorten
from aisec.report.svg_charts import Bar, Point, bar_chart, line_chart, roc_chart

# Params that record how a number was computed, not what it is about: they may differ
# between measurements (a fallback interval method, a per-group seed, the rows one attack
# was scored on) without being an axis. A constant param (``sensitive_feature`` in one
# fairness test) needs no entry: only params that vary are ever considered.
BOOKKEEPING_PARAMS = frozenset(
    {
        "ci_method",
        "confidence",
        "n_boot",
        "seed",
        "alpha",
        "epsilon_unit",
        "note",
        "unit",
        "test",
        "members",
        "non_members",
        "attacker_pool",
        "evaluation",
        "eval_rows",
        "threshold_selection",
        "threshold_rows",
        "evaluated_rows",
        "n_shadow",
        "rows",
        "queries",
        "undefined_resamples",
    }
)
MAX_BARS = 30
MAX_SERIES = 8  # more lines than this on one plot cannot be told apart
# At this ratio of largest to smallest x a linear axis squashes the small values (an FPR of
# 0.001 beside 0.01 would sit on the y axis).
_LOG_RATIO = 10.0
_AXIS_LABEL = 40
_LOW_FPR = 0.01

Chart = tuple[str, str]  # (caption, svg)


def _is_number(value: object) -> bool:
    return isinstance(value, Real) and not isinstance(value, bool)


def _key(value: object) -> str:
    # Params may hold unhashable values (lists); compare them by their text.
    return repr(float(value)) if _is_number(value) else repr(value)  # type: ignore[arg-type]


def _axes(group: list[Measurement]) -> tuple[list[str], list[str]]:
    """The params on every measurement of ``group`` that vary: (numeric, categorical)."""
    names: list[str] = []
    for m in group:
        names.extend(k for k in m.params if k not in names and k not in BOOKKEEPING_PARAMS)
    numeric: list[str] = []
    categorical: list[str] = []
    for name in names:
        values = [m.params.get(name) for m in group]
        if any(v is None for v in values) or len({_key(v) for v in values}) < 2:
            continue
        (numeric if all(map(_is_number, values)) else categorical).append(name)
    return numeric, categorical


def _label(params: Mapping[str, Any], keys: list[str]) -> str:
    if len(keys) == 1:
        return printable(str(params.get(keys[0], "(none)")))
    parts = [f"{k}={printable(str(params[k]))}" for k in keys if k in params]
    return ", ".join(parts) or "(none)"


def _unique(group: list[Measurement], keys: list[str]) -> bool:
    # Two measurements on one spot would make a line zigzag or two bars share a label.
    spots = {tuple(_key(m.params.get(k)) for k in keys) for m in group}
    return len(spots) == len(group)


def _float(value: object) -> float:
    return float(value) if _is_number(value) else math.nan  # type: ignore[arg-type]


def _value_range(group: list[Measurement]) -> tuple[float, float] | None:
    """The least range a rate's axis shows: from 0, and to 1 unless every value is small.

    A TPR of 0.002 to 0.05 on a 0-1 axis is a flat line on the floor; from 0 to its
    largest value it shows the differences, and starting at 0 keeps them honest.
    """
    values = [_float(v) for m in group for v in (m.value, m.ci_low, m.ci_high) if v is not None]
    finite = [v for v in values if math.isfinite(v)]
    if not finite or not all(0.0 <= v <= 1.0 for v in finite):
        return None
    return (0.0, 1.0) if max(finite) >= 0.5 else (0.0, 0.0)


def _y_label(name: str, group: list[Measurement]) -> str:
    # An axis label has room for about 40 characters; the title names the metric in full.
    short = name.rsplit(".", 1)[-1]
    unit = next((m.unit for m in group if m.unit), "")
    label = f"{short} ({unit})" if unit else short
    return label if len(label) <= _AXIS_LABEL else short


def _unit_note(name: str, group: list[Measurement]) -> str:
    # The unit a too-long axis label left out, said in the caption instead.
    unit = next((m.unit for m in group if m.unit), "")
    return f"; values in {printable(unit)}" if unit and unit not in _y_label(name, group) else ""


def _line(name: str, group: list[Measurement], x: str, categorical: list[str]) -> Chart:
    series: dict[str, list[Point]] = {}
    for m in group:
        label = _label(m.params, categorical) if categorical else name
        point = (_float(m.params.get(x)), _float(m.value), m.ci_low, m.ci_high)
        series.setdefault(label, []).append(point)
    hidden = len(series) - MAX_SERIES
    shown = dict(list(series.items())[:MAX_SERIES])
    xs = [p[0] for points in shown.values() for p in points if math.isfinite(p[0])]
    log_x = bool(xs) and min(xs) > 0 and max(xs) / min(xs) >= _LOG_RATIO
    title = f"{name} by {x}"
    svg = line_chart(
        shown,
        x_label=x + (" (log scale)" if log_x else ""),
        y_label=_y_label(name, group),
        title=title,
        y_range=_value_range(group),
        log_x=log_x,
    )
    by = f", one line per {', '.join(categorical)}" if categorical else ""
    caption = f"{title}{by}{_unit_note(name, group)}; shaded bands and bars are 95% intervals"
    if hidden > 0:
        caption += f"; the first {MAX_SERIES} lines are shown, {hidden} more are in the table"
    return caption, svg


def _sort_value(bar: Bar) -> float:
    value = _float(bar[1])
    return -value if math.isfinite(value) else math.inf  # undefined values last


def _bars(
    title: str, bars: list[Bar], group: list[Measurement], x_label: str, extra: str = ""
) -> Chart:
    bars.sort(key=_sort_value)
    hidden = len(bars) - MAX_BARS
    note = f"and {hidden} more (the {MAX_BARS} largest are shown)" if hidden > 0 else ""
    svg = bar_chart(
        bars[:MAX_BARS],
        x_label=x_label,
        title=title,
        x_range=_value_range(group),
        note=note,
    )
    caption = f"{title}{extra}; whiskers are 95% intervals"
    return (f"{caption}; {note}" if note else caption), svg


def _chart(name: str, group: list[Measurement]) -> Chart | None:
    numeric, categorical = _axes(group)
    if len(numeric) == 1 and _unique(group, numeric + categorical):
        return _line(name, group, numeric[0], categorical)
    if not numeric and categorical and _unique(group, categorical):
        bars: list[Bar] = [
            (_label(m.params, categorical), _float(m.value), m.ci_low, m.ci_high) for m in group
        ]
        title = f"{name} by {', '.join(categorical)}"
        label = _y_label(name, group)
        return _bars(title, bars, group, label, _unit_note(name, group))
    return None


def _singletons(groups: dict[str, list[Measurement]]) -> list[Chart]:
    """Names measured once, side by side per family (``fairness``) and unit (``ratio``)."""
    families: dict[tuple[str, str], list[Measurement]] = {}
    for name, group in groups.items():
        if len(group) == 1 and "." in name:
            families.setdefault((name.rsplit(".", 1)[0], group[0].unit), []).append(group[0])
    charts = []
    for (family, unit), group in families.items():
        if len(group) < 2:
            continue
        bars: list[Bar] = [
            (m.name.rsplit(".", 1)[1], _float(m.value), m.ci_low, m.ci_high) for m in group
        ]
        title = f"{family} metrics" + (f" ({unit})" if unit else "")
        charts.append(_bars(title, bars, group, unit or "value"))
    return charts


def measurement_charts(measurements: list[Measurement]) -> list[Chart]:
    """A chart per measurement name whose params vary in a way that one chart can show."""
    groups: dict[str, list[Measurement]] = {}
    for m in measurements:
        groups.setdefault(m.name, []).append(m)
    charts = [_chart(name, group) for name, group in groups.items() if len(group) >= 2]
    return [c for c in charts if c is not None] + _singletons(groups)


def _curve(value: object) -> tuple[list[float], list[float]] | None:
    if not isinstance(value, Mapping):
        return None
    fpr, tpr = value.get("fpr"), value.get("tpr")
    if not isinstance(fpr, list | tuple) or not isinstance(tpr, list | tuple):
        return None
    return [_float(v) for v in fpr], [_float(v) for v in tpr]


def _curves(details: Mapping[str, Any]) -> dict[str, tuple[list[float], list[float]]]:
    found: list[tuple[str, object]] = []
    roc = details.get("roc")
    if isinstance(roc, Mapping):
        # One curve, or curves by series name.
        found += [("roc", roc)] if "fpr" in roc else list(roc.items())
    attacks = details.get("attacks")
    if isinstance(attacks, Mapping):
        found += [(n, a.get("roc")) for n, a in attacks.items() if isinstance(a, Mapping)]
    curves: dict[str, tuple[list[float], list[float]]] = {}
    for name, value in found:
        curve = _curve(value)
        if curve is None:
            continue
        label = base = shorten(printable(str(name)), 80)
        count = 1
        while label in curves:  # the same name in both places: keep both curves
            count += 1
            label = f"{base} ({count})"
        curves[label] = curve
    return curves


def roc_charts(details: Mapping[str, Any]) -> list[Chart]:
    """ROC curves from ``details["roc"]`` (``{series: {"fpr": [...], "tpr": [...]}}``) and
    ``details["attacks"][name]["roc"]``, on one chart: log-scaled FPR, then linear."""
    curves = _curves(details)
    if not curves:
        return []
    charts = []
    positive = [x for fpr, _ in curves.values() for x in fpr if math.isfinite(x) and x > 0]
    # A log axis shows the low-FPR end; a curve with no point below 0.01 has no such end.
    if positive and min(positive) <= _LOW_FPR:
        log = roc_chart(curves, title="ROC curves (log false positive rate)", log_x=True)
        caption = (
            "ROC curves on a log false positive rate: the low-FPR end, where a membership "
            "attack matters; the dashed curve is chance"
        )
        charts.append((caption, log))
    linear = roc_chart(curves, title="ROC curves")
    caption = "ROC curves: true positive rate against false positive rate; diagonal is chance"
    return [*charts, (caption, linear)]


MAX_CURVE_POINTS = 2000  # a curve drawn from more points is no clearer, only heavier


def curve_charts(details: Mapping[str, Any]) -> list[Chart]:
    """A precision-recall curve from ``details["pr"]`` (``recall``, ``precision``) and a
    reliability curve from ``details["reliability"]`` (``prob_pred``, ``prob_true``)."""
    charts: list[Chart] = []
    pr = details.get("pr")
    if isinstance(pr, Mapping) and isinstance(pr.get("recall"), list | tuple):
        points = _thinned(list(zip(pr["recall"], pr.get("precision") or [], strict=False)))
        svg = line_chart({"precision": points}, x_label="recall", y_label="precision",
                         title="Precision against recall")  # fmt: skip
        charts.append(("Precision-recall curve: each point a threshold", svg))
    reliability = details.get("reliability")
    if isinstance(reliability, Mapping) and isinstance(reliability.get("prob_pred"), list | tuple):
        pairs = zip(reliability["prob_pred"], reliability.get("prob_true") or [], strict=False)
        diagonal: list[Point] = [(0.0, 0.0, None, None), (1.0, 1.0, None, None)]
        series = {"observed": _thinned(list(pairs)), "perfectly calibrated": diagonal}
        svg = line_chart(series, x_label="mean predicted probability",
                         y_label="share malicious", title="Reliability")  # fmt: skip
        caption = ("Reliability curve: per score bin, the share of rows that are malicious "
                   "against the mean score; the diagonal is perfect calibration")  # fmt: skip
        charts.append((caption, svg))
    return charts


def _thinned(pairs: list[tuple[Any, Any]]) -> list[Point]:
    step = max(1, math.ceil(len(pairs) / MAX_CURVE_POINTS))
    kept = pairs[::step] + ([pairs[-1]] if pairs and (len(pairs) - 1) % step else [])
    return [(_float(x), _float(y), None, None) for x, y in kept]


def charts_for(outcome: TestOutcome) -> list[Chart]:
    """The (caption, svg) pairs for ``outcome``: its measurements' charts, then ROC, PR
    and reliability curves."""
    return (measurement_charts(outcome.measurements) + roc_charts(outcome.details)
            + curve_charts(outcome.details))  # fmt: skip
