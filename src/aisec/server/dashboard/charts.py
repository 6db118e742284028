"""The dashboard's charts, drawn on the server as inline SVG (no script, no external
resource: they pass the Content-Security-Policy and work offline).

The report's helpers (:mod:`aisec.report.svg_charts`) draw the measurement bars; the
stacked bar of open findings is drawn here, since the report has no stacked chart. Every
label is escaped by :func:`aisec.report.svg_canvas.text`; each chart has a title and a
description for screen readers, and the page shows the same numbers as a table.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from aisec.core.run import Measurement
from aisec.report.svg_canvas import COLOURS, text
from aisec.report.svg_charts import Bar, bar_chart

_WIDTH = 640
_LABEL = 90
_ROW = 26
_TOP = 34
MAX_CHARTS = 12  # measurement names beyond these are in the table only
MAX_BARS = 30
# Params that say how a number was computed, not what it is about: never a bar's label.
_BOOKKEEPING = frozenset({"ci_method", "confidence", "n_boot", "seed", "alpha", "test", "unit"})


def stacked_bars(
    rows: Mapping[str, Mapping[str, int]], series: Sequence[str], *, title: str
) -> str:
    """One horizontal bar per row (``rows[label][series] = count``), stacked by series,
    with a legend; zero rows keep their label so the scale reads the same every time."""
    totals = {label: sum(values.values()) for label, values in rows.items()}
    largest = max(totals.values(), default=0) or 1
    plot_right = _WIDTH - 50
    scale = (plot_right - _LABEL - 10) / largest
    legend_y = _TOP + _ROW * len(rows) + 20
    height = legend_y + 24
    described = "; ".join(
        f"{label}: {totals[label]} ("
        + ", ".join(f"{s} {rows[label].get(s, 0)}" for s in series)
        + ")"
        for label in rows
    )
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_WIDTH} {height}" '
        f'width="{_WIDTH}" height="{height}" role="img" aria-label="{text(title)}" '
        'font-family="sans-serif" font-size="12">',
        f"<title>{text(title)}</title>",
        f"<desc>{text(described, 2000)}</desc>",
        f'<text x="0" y="16" font-size="14" font-weight="bold">{text(title, 80)}</text>',
    ]
    for i, (label, values) in enumerate(rows.items()):
        y = _TOP + _ROW * i
        out.append(f'<text x="{_LABEL}" y="{y + 16}" text-anchor="end">{text(label, 14)}</text>')
        x = float(_LABEL + 10)
        for j, name in enumerate(series):
            count = values.get(name, 0)
            if count <= 0:
                continue
            width = count * scale
            out.append(
                f'<rect x="{x:.1f}" y="{y + 4}" width="{max(width, 1):.1f}" height="{_ROW - 8}" '
                f'fill="{COLOURS[j % len(COLOURS)]}"><title>{text(label)} {text(name)}: '
                f"{count}</title></rect>"
            )
            x += width
        out.append(f'<text x="{x + 6:.1f}" y="{y + 16}">{totals[label]}</text>')
    x = float(_LABEL + 10)
    for j, name in enumerate(series):
        colour = COLOURS[j % len(COLOURS)]
        out.append(
            f'<rect x="{x:.1f}" y="{legend_y - 10}" width="12" height="12" fill="{colour}"/>'
        )
        out.append(f'<text x="{x + 16:.1f}" y="{legend_y}">{text(name, 20)}</text>')
        x += 28 + 7 * len(name)
    out.append("</svg>")
    return "\n".join(out)


@dataclass(frozen=True)
class MeasurementChart:
    name: str
    unit: str
    svg: str


def measurement_charts(measurements: Sequence[Measurement]) -> list[MeasurementChart]:
    """One bar chart per measurement name, a bar per measurement with its interval as
    whiskers, labelled by the params that tell the measurements of the name apart."""
    groups: dict[str, list[Measurement]] = {}
    for m in measurements:
        groups.setdefault(m.name, []).append(m)
    charts = []
    for name, group in list(groups.items())[:MAX_CHARTS]:
        keys = _varying(group)
        bars: list[Bar] = [
            (
                _label(m, keys, i),
                _value(m.value),
                _number(m.ci_low),
                _number(m.ci_high),
            )
            for i, m in enumerate(group[:MAX_BARS])
        ]
        unit = group[0].unit or ""
        note = f"{len(group) - MAX_BARS} more in the table" if len(group) > MAX_BARS else ""
        svg = bar_chart(bars, x_label=unit or "value", title=name, note=note)
        charts.append(MeasurementChart(name, unit, svg))
    return charts


def _varying(group: Sequence[Measurement]) -> list[str]:
    names: list[str] = []
    for m in group:
        names.extend(k for k in m.params if k not in names and k not in _BOOKKEEPING)
    return [k for k in names if len({repr(m.params.get(k)) for m in group}) > 1]


def _label(m: Measurement, keys: Sequence[str], index: int) -> str:
    if not keys:
        return m.name if index == 0 else f"{m.name} #{index + 1}"
    return ", ".join(str(m.params.get(k, "—")) for k in keys)


def _value(value: object) -> float:
    # A bar without a finite value is drawn as "undefined" (bar_chart reads NaN so).
    number = _number(value)
    return math.nan if number is None else number


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    return number if math.isfinite(number) else None
