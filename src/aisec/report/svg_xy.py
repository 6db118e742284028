"""The x-y plot under the line and ROC charts: series as lines with interval bands.

Points whose coordinates are NaN, infinite or None are left out (a gap), never drawn at 0.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from aisec.report import shorten
from aisec.report.svg_canvas import (
    LEFT,
    PLOT_HEIGHT,
    RIGHT,
    TOP,
    WIDTH,
    empty,
    frame,
    legend,
    legend_height,
    marker,
    open_svg,
    style,
)
from aisec.report.svg_scale import Axis, bounds, finite, make_axis, num, tick_label

Point = tuple[float, float, float | None, float | None]
_MAX_MARKERS = 24  # per series: a dense curve gets a marker every few points


@dataclass(frozen=True)
class Clean:
    x: float
    y: float | None  # None: a gap in the line
    low: float | None
    high: float | None


def clean_points(points: Sequence[Point], log_x: bool, sort: bool) -> list[Clean]:
    out = []
    for point in points:
        x, y, low, high = (*tuple(point), None, None, None, None)[:4]
        fx = finite(x)
        if fx is None or (log_x and fx <= 0):
            continue  # no place on the x axis at all
        fy = finite(y)
        fl, fh = (finite(low), finite(high)) if fy is not None else (None, None)
        out.append(Clean(fx, fy, fl, fh))
    return sorted(out, key=lambda p: p.x) if sort else out


def _runs(points: list[Clean]) -> list[list[Clean]]:
    """Maximal runs of points with a value: a missing value breaks the line."""
    runs: list[list[Clean]] = [[]]
    for point in points:
        if point.y is None:
            runs.append([])
        else:
            runs[-1].append(point)
    return [run for run in runs if run]


def _band(run: list[Clean], x_axis: Axis, y_axis: Axis, colour: str) -> list[str]:
    """The interval as a translucent band over runs of 2+ points, whiskers on lone ones."""
    out: list[str] = []
    segments: list[list[Clean]] = [[]]
    for point in run:
        if point.low is None or point.high is None:
            segments.append([])
        else:
            segments[-1].append(point)
    for segment in segments:
        if len(segment) >= 2:
            upper = [f"{num(x_axis(p.x))},{num(y_axis(p.high or 0.0))}" for p in segment]
            lower = [f"{num(x_axis(p.x))},{num(y_axis(p.low or 0.0))}" for p in segment]
            points = " ".join(upper + lower[::-1])
            out.append(f'<polygon points="{points}" fill="{colour}" fill-opacity="0.12"/>')
    for point in run:
        if point.low is not None and point.high is not None:
            x = num(x_axis(point.x))
            out.append(
                f'<line x1="{x}" y1="{num(y_axis(point.low))}" x2="{x}" '
                f'y2="{num(y_axis(point.high))}" stroke="{colour}" stroke-width="1" '
                'stroke-opacity="0.7"/>'
            )
    return out


def _series(index: int, points: list[Clean], x_axis: Axis, y_axis: Axis, bands: bool) -> list[str]:
    colour, dash, kind = style(index)
    out = [f'<g data-series="{index}">']
    dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
    for run in _runs(points):
        if bands:
            out.extend(_band(run, x_axis, y_axis, colour))
        coords = " ".join(f"{num(x_axis(p.x))},{num(y_axis(p.y or 0.0))}" for p in run)
        if len(run) >= 2:
            out.append(
                f'<polyline points="{coords}" fill="none" stroke="{colour}" '
                f'stroke-width="2"{dash_attr}/>'
            )
        every = max(1, math.ceil(len(run) / _MAX_MARKERS))
        for point in run[::every]:
            out.append(marker(kind, x_axis(point.x), y_axis(point.y or 0.0), colour))
    out.append("</g>")
    return out


def _chance(x_axis: Axis, y_axis: Axis) -> str:
    """The line y = x over the shared range: straight, or sampled where x is a log axis."""
    style_attr = 'stroke="#777777" stroke-dasharray="4 4" fill="none"'
    if not x_axis.log:
        low, high = max(x_axis.low, y_axis.low), min(x_axis.high, y_axis.high)
        return (
            f'<line x1="{num(x_axis(low))}" y1="{num(y_axis(low))}" x2="{num(x_axis(high))}" '
            f'y2="{num(y_axis(high))}" {style_attr}/>'
        )
    steps = 24
    xs = [10 ** (x_axis.low + (x_axis.high - x_axis.low) * i / steps) for i in range(steps + 1)]
    coords = " ".join(f"{num(x_axis(x))},{num(y_axis(x))}" for x in xs)
    return f'<polyline points="{coords}" {style_attr}/>'


def xy_chart(
    series: dict[str, list[Clean]],
    *,
    title: str,
    description: str,
    x_label: str,
    y_label: str,
    y_range: tuple[float, float] | None,
    x_range: tuple[float, float] | None = None,
    log_x: bool = False,
    bands: bool = True,
    diagonal: bool = False,
) -> str:
    names = list(series)
    legend_top = TOP + PLOT_HEIGHT + 58
    height = int(legend_top + legend_height(names) + 4)
    out = open_svg(title, description, height)
    xs = [p.x for pts in series.values() for p in pts]
    ys = [v for pts in series.values() for p in pts for v in (p.y, p.low, p.high) if v is not None]
    x_axis = make_axis(xs + bounds(x_range), LEFT, WIDTH - RIGHT, log=log_x)
    y_axis = make_axis(ys + bounds(y_range), TOP + PLOT_HEIGHT, TOP)
    out.extend(frame(x_axis, y_axis, x_label, y_label))
    if diagonal:
        out.append(_chance(x_axis, y_axis))
    for i, name in enumerate(names):
        out.extend(_series(i, series[name], x_axis, y_axis, bands))
    if not any(p.y is not None for pts in series.values() for p in pts):
        empty(out, (LEFT + WIDTH - RIGHT) / 2, TOP + PLOT_HEIGHT / 2)
    out.extend(legend(names, legend_top))
    out.append("</svg>")
    return "\n".join(out)


def summary(series: dict[str, list[Clean]]) -> str:
    """The plotted numbers in words, for the chart's ``<desc>`` (screen readers)."""
    parts = []
    for name, points in series.items():
        shown = [p for p in points if p.y is not None]
        if not shown:
            parts.append(f"{name}: no finite values")
            continue
        values = ", ".join(f"{tick_label(p.x)}: {tick_label(p.y or 0.0)}" for p in shown[:12])
        more = f" and {len(shown) - 12} more" if len(shown) > 12 else ""
        parts.append(f"{name}: {values}{more}")
    return shorten("; ".join(parts), 2000)
