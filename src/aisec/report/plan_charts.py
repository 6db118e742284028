"""Which charts a test's outcome gets, read off its measurements alone.

No test type is special-cased, so a new test gets charts without a change here. Per
measurement name: when exactly one numeric param varies (epsilon, budget, fpr, rows,
fraction), a line of the value against it, one series per combination of the categorical
params that vary too; when only categorical params vary (group, feature, attack, class),
bars with their intervals. A ``roc`` entry in the details gives a ROC chart.
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
# between measurements (a fallback interval method, a per-group seed) without being an axis.
BOOKKEEPING_PARAMS = frozenset(
    {
        "ci_method",
        "confidence",
        "n_boot",
        "seed",
        "alpha",
        "epsilon_unit",
        "note",
        "members",
        "non_members",
        "unit",
    }
)
MAX_BARS = 30
# Above this ratio of largest to smallest x, a linear axis squashes the small values.
_LOG_RATIO = 100.0

Chart = tuple[str, str]  # (caption, svg)


def _is_number(value: object) -> bool:
    return isinstance(value, Real) and not isinstance(value, bool)


def _key(value: object) -> str:
    # Params may hold unhashable values (lists); compare them by their text.
    return repr(float(value)) if _is_number(value) else repr(value)  # type: ignore[arg-type]


def _varying(group: list[Measurement]) -> tuple[list[str], list[str]]:
    """The params that take more than one value in ``group``: (numeric, categorical)."""
    names: list[str] = []
    for m in group:
        names.extend(k for k in m.params if k not in names and k not in BOOKKEEPING_PARAMS)
    numeric: list[str] = []
    categorical: list[str] = []
    for name in names:
        values = [m.params.get(name) for m in group]
        if len({_key(v) for v in values}) < 2:
            continue
        present = [v for v in values if v is not None]
        (numeric if present and all(map(_is_number, present)) else categorical).append(name)
    return numeric, categorical


def _label(params: Mapping[str, Any], keys: list[str]) -> str:
    if len(keys) == 1:
        return printable(str(params.get(keys[0], "(none)")))
    # A param a measurement does not have is left out of its label, not shown as None.
    parts = [f"{k}={printable(str(params[k]))}" for k in keys if k in params]
    return ", ".join(parts) or "(none)"


def _float(value: object) -> float:
    return float(value) if _is_number(value) else math.nan  # type: ignore[arg-type]


def _in_unit_interval(group: list[Measurement]) -> bool:
    values = [_float(v) for m in group for v in (m.value, m.ci_low, m.ci_high) if v is not None]
    finite = [v for v in values if math.isfinite(v)]
    return bool(finite) and all(0.0 <= v <= 1.0 for v in finite)


def _y_label(name: str, group: list[Measurement]) -> str:
    unit = next((m.unit for m in group if m.unit), "")
    return f"{name} ({unit})" if unit else name


def _line(name: str, group: list[Measurement], x: str, categorical: list[str]) -> Chart:
    series: dict[str, list[Point]] = {}
    for m in group:
        label = _label(m.params, categorical) if categorical else name
        point = (_float(m.params.get(x)), _float(m.value), m.ci_low, m.ci_high)
        series.setdefault(label, []).append(point)
    xs = [p[0] for points in series.values() for p in points if math.isfinite(p[0])]
    log_x = bool(xs) and min(xs) > 0 and max(xs) / min(xs) >= _LOG_RATIO
    title = f"{name} by {x}"
    svg = line_chart(
        series,
        x_label=x + (" (log scale)" if log_x else ""),
        y_label=_y_label(name, group),
        title=title,
        y_range=(0.0, 1.0) if _in_unit_interval(group) else None,
        log_x=log_x,
    )
    by = f", one line per {', '.join(categorical)}" if categorical else ""
    return f"{title}{by}; shaded bands and bars are 95% intervals", svg


def _sort_value(bar: Bar) -> float:
    value = _float(bar[1])
    return -value if math.isfinite(value) else math.inf  # undefined values last


def _bars(name: str, group: list[Measurement], categorical: list[str]) -> Chart:
    bars: list[Bar] = [
        (_label(m.params, categorical), _float(m.value), m.ci_low, m.ci_high) for m in group
    ]
    bars.sort(key=_sort_value)
    hidden = len(bars) - MAX_BARS
    note = f"and {hidden} more (the {MAX_BARS} largest are shown)" if hidden > 0 else ""
    title = f"{name} by {', '.join(categorical)}"
    svg = bar_chart(
        bars[:MAX_BARS],
        x_label=_y_label(name, group),
        title=title,
        x_range=(0.0, 1.0) if _in_unit_interval(group) else None,
        note=note,
    )
    caption = f"{title}; whiskers are 95% intervals"
    return (f"{caption}; {note}" if note else caption), svg


def measurement_charts(measurements: list[Measurement]) -> list[Chart]:
    """A chart per measurement name whose params vary in a way that one chart can show."""
    groups: dict[str, list[Measurement]] = {}
    for m in measurements:
        groups.setdefault(m.name, []).append(m)
    charts = []
    for name, group in groups.items():
        if len(group) < 2:
            continue
        numeric, categorical = _varying(group)
        if len(numeric) == 1:
            charts.append(_line(name, group, numeric[0], categorical))
        elif not numeric and categorical:
            charts.append(_bars(name, group, categorical))
    return charts


def _curve(value: object) -> tuple[list[float], list[float]] | None:
    if not isinstance(value, Mapping):
        return None
    fpr, tpr = value.get("fpr"), value.get("tpr")
    if not isinstance(fpr, list | tuple) or not isinstance(tpr, list | tuple):
        return None
    return [_float(v) for v in fpr], [_float(v) for v in tpr]


def roc_charts(details: Mapping[str, Any]) -> list[Chart]:
    """The ROC chart of ``details["roc"]`` (``{series: {"fpr": [...], "tpr": [...]}}``)."""
    roc = details.get("roc")
    if not isinstance(roc, Mapping):
        return []
    curves = {}
    for name, value in roc.items():
        curve = _curve(value)
        if curve is not None:
            curves[shorten(printable(str(name)), 80)] = curve
    if not curves:
        return []
    caption = "ROC curves: true positive rate against false positive rate; diagonal is chance"
    return [(caption, roc_chart(curves))]


def charts_for(outcome: TestOutcome) -> list[Chart]:
    """The (caption, svg) pairs for ``outcome``: its measurements' charts, then ROC."""
    return measurement_charts(outcome.measurements) + roc_charts(outcome.details)
