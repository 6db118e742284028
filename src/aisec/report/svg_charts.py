"""Small self-contained SVG charts for the HTML report: lines with intervals, bars, ROC.

The output is plain SVG 1.1: no script, no external font, stylesheet or image, so a report
opens offline and passes a strict Content-Security-Policy. It is deterministic (same input,
same bytes) so reports diff. Every label is escaped, since series names and categories
come from params that a plan or a dataset controls. Each chart carries ``<title>``,
``<desc>``, ``role="img"`` and an ``aria-label``; series differ by marker and dash pattern
as well as colour, so they stay distinct in greyscale print and for colour-blind readers.
Points whose coordinates are NaN, infinite or None are left out (a gap), never drawn at 0.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape
from numbers import Real

from aisec.report import printable, shorten

Point = tuple[float, float, float | None, float | None]
Bar = tuple[str, float, float | None, float | None]

# Okabe-Ito colours: distinguishable with the common colour-vision deficiencies, and dark
# enough on white for 3:1 contrast (the yellow of the palette is left out for that reason).
COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#8C6D00", "#56B4E9", "#000000")
DASHES = ("", "6 3", "2 3", "8 3 2 3", "1 3", "10 4")
MARKERS = ("circle", "square", "triangle", "diamond", "cross", "plus", "down")

_WIDTH = 640
_PLOT_HEIGHT = 260
_LEFT, _RIGHT, _TOP = 64, 16, 36
_LABEL_LIMIT = 40  # characters of a legend entry or bar label
_MAX_MARKERS = 24  # per series: a dense curve gets a marker every few points


def _text(text: str, limit: int | None = None) -> str:
    """Escaped for XML text and attributes; control characters shown, never emitted."""
    clean = printable(text)
    if limit is not None and len(clean) > limit:
        clean = clean[: limit - 1] + "…"
    return escape(clean, quote=True)


def _num(value: float) -> str:
    # Two decimals of a 640-unit canvas is finer than any screen; fixed for determinism.
    return f"{value:.2f}"


def _finite(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, Real):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


@dataclass(frozen=True)
class _Axis:
    """A linear or log10 map from data to pixels, on a range that is never empty."""

    low: float
    high: float
    start: float  # pixel of ``low``
    end: float  # pixel of ``high``
    log: bool = False

    def _t(self, value: float) -> float:
        if self.log:
            value = math.log10(value)
        # Halves first, so that a span near the float maximum does not overflow.
        return (value / 2 - self.low / 2) / (self.high / 2 - self.low / 2)

    def __call__(self, value: float) -> float:
        t = min(max(self._t(value), -0.05), 1.05)  # clamp: nothing drawn far off the plot
        return self.start + t * (self.end - self.start)

    def contains(self, value: float) -> bool:
        return -1e-9 <= self._t(value) <= 1 + 1e-9


def _axis(values: list[float], start: float, end: float, *, log: bool = False) -> _Axis:
    data = [math.log10(v) for v in values if v > 0] if log else values
    if not data:
        return _Axis(0.0, 1.0, start, end, log)
    low, high = min(data), max(data)
    if log:
        # In decades; half a decade of margin, inside what a float's power of ten can hold.
        if high - low < 1e-9:
            low, high = low - 0.5, high + 0.5
        return _Axis(low, high, start, end, log)
    if high - low <= abs(high) * 1e-12:
        pad = max(abs(high) * 0.1, 0.5)
        low, high = low - pad, high + pad
        if not math.isfinite(high - low):
            low, high = -1e300, 1e300
    return _Axis(low, high, start, end, log)


def _ticks(axis: _Axis, count: int = 5) -> list[float]:
    """Round-number ticks inside the axis (data units; powers of ten on a log axis)."""
    if axis.log:
        # Powers of ten a float can hold: 1e-323 (subnormal) to 1e308.
        first = max(math.ceil(axis.low - 1e-9), -323)
        last = min(math.floor(axis.high + 1e-9), 308)
        stride = max(1, math.ceil((last - first + 1) / 8))
        return [10.0**e for e in range(first, last + 1, stride)][:10]
    raw = (axis.high / 2 - axis.low / 2) * 2 / count
    if not math.isfinite(raw) or raw <= 0:
        return [axis.low, axis.high]
    magnitude = 10.0 ** math.floor(math.log10(raw))
    step = next((m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw), raw)
    if not math.isfinite(axis.low / step):
        return [axis.low, axis.high]
    first = math.ceil(axis.low / step)
    ticks = []
    for k in range(first, first + count + 3):  # bounded: never loops on a tiny step
        value = k * step
        if value > axis.high + step * 1e-9:
            break
        ticks.append(0.0 if abs(value) < step * 1e-9 else value)
    return ticks or [axis.low, axis.high]


def _tick_label(value: float) -> str:
    text = format(value, ".4g")
    return "0" if text in ("-0", "0") else text


def _marker(kind: str, x: float, y: float, colour: str) -> str:
    r = 3.5
    fill = f'fill="{colour}" stroke="{colour}"'
    if kind == "circle":
        return f'<circle cx="{_num(x)}" cy="{_num(y)}" r="{r}" {fill}/>'
    if kind == "square":
        return f'<rect x="{_num(x - r)}" y="{_num(y - r)}" width="7" height="7" {fill}/>'
    shapes = {
        "triangle": ((0, -r - 1), (r + 0.5, r), (-r - 0.5, r)),
        "down": ((0, r + 1), (r + 0.5, -r), (-r - 0.5, -r)),
        "diamond": ((0, -r - 1), (r + 1, 0), (0, r + 1), (-r - 1, 0)),
    }
    if kind in shapes:
        points = " ".join(f"{_num(x + dx)},{_num(y + dy)}" for dx, dy in shapes[kind])
        return f'<polygon points="{points}" {fill}/>'
    if kind == "cross":
        d = f"M{_num(x - r)} {_num(y - r)}L{_num(x + r)} {_num(y + r)}"
        d += f"M{_num(x - r)} {_num(y + r)}L{_num(x + r)} {_num(y - r)}"
    else:  # plus
        d = f"M{_num(x - r)} {_num(y)}L{_num(x + r)} {_num(y)}"
        d += f"M{_num(x)} {_num(y - r)}L{_num(x)} {_num(y + r)}"
    return f'<path d="{d}" stroke="{colour}" stroke-width="2" fill="none"/>'


def _style(index: int) -> tuple[str, str, str]:
    return (
        COLOURS[index % len(COLOURS)],
        DASHES[index % len(DASHES)],
        MARKERS[index % len(MARKERS)],
    )


def _open(title: str, description: str, height: int) -> list[str]:
    label = _text(title)
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_WIDTH} {height}" '
        f'width="{_WIDTH}" height="{height}" role="img" aria-label="{label}" '
        'font-family="sans-serif" font-size="12" style="max-width:100%;height:auto">',
        f"<title>{label}</title>",
        f"<desc>{_text(description)}</desc>",
        f'<rect x="0" y="0" width="{_WIDTH}" height="{height}" fill="#ffffff"/>',
        f'<text x="{_WIDTH // 2}" y="20" text-anchor="middle" font-size="14" '
        f'font-weight="bold" fill="#111111">{_text(title, 80)}</text>',
    ]


def _axis_label(x: str, y: float, label: str) -> str:
    return f'<text x="{x}" y="{_num(y)}" text-anchor="middle">{_text(label, 80)}</text>'


def _frame(x_axis: _Axis, y_axis: _Axis, x_label: str, y_label: str) -> list[str]:
    """Grid, ticks and axis labels of an x-y plot."""
    left, right = x_axis.start, x_axis.end
    bottom, top = y_axis.start, y_axis.end
    out = ['<g stroke="#d0d0d0" stroke-width="1">']
    for tick in _ticks(y_axis):
        y = _num(y_axis(tick))
        out.append(f'<line x1="{_num(left)}" y1="{y}" x2="{_num(right)}" y2="{y}"/>')
    for tick in _ticks(x_axis):
        x = _num(x_axis(tick))
        out.append(f'<line x1="{x}" y1="{_num(top)}" x2="{x}" y2="{_num(bottom)}"/>')
    out.append("</g>")
    out.append(
        f'<rect x="{_num(left)}" y="{_num(top)}" width="{_num(right - left)}" '
        f'height="{_num(bottom - top)}" fill="none" stroke="#444444"/>'
    )
    out.append('<g fill="#222222">')
    for tick in _ticks(y_axis):
        y = _num(y_axis(tick) + 4)
        out.append(
            f'<text x="{_num(left - 6)}" y="{y}" text-anchor="end">{_tick_label(tick)}</text>'
        )
    for tick in _ticks(x_axis):
        x = _num(x_axis(tick))
        label = _tick_label(tick)
        out.append(f'<text x="{x}" y="{_num(bottom + 16)}" text-anchor="middle">{label}</text>')
    middle = _num((left + right) / 2)
    out.append(_axis_label(middle, bottom + 34, x_label))
    y_middle = _num((top + bottom) / 2)
    out.append(
        f'<text x="14" y="{y_middle}" text-anchor="middle" '
        f'transform="rotate(-90 14 {y_middle})">{_text(y_label, 60)}</text>'
    )
    out.append("</g>")
    return out


def _legend(names: Sequence[str], top: float, offset: int = 0) -> list[str]:
    """One row per entry below the plot: line sample in the series' dash, marker, name."""
    out = []
    for i, name in enumerate(names):
        colour, dash, marker = _style(i + offset)
        y = top + 16 * i
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(
            f'<line x1="{_LEFT}" y1="{_num(y)}" x2="{_LEFT + 28}" y2="{_num(y)}" '
            f'stroke="{colour}" stroke-width="2"{dash_attr}/>'
        )
        out.append(_marker(marker, _LEFT + 14, y, colour))
        out.append(
            f'<text x="{_LEFT + 36}" y="{_num(y + 4)}" fill="#222222">'
            f"{_text(name, _LABEL_LIMIT * 2)}</text>"
        )
    return out


def _empty(out: list[str], x: float, y: float) -> None:
    out.append(
        f'<text x="{_num(x)}" y="{_num(y)}" text-anchor="middle" fill="#555555">'
        "no finite values to plot</text>"
    )


def _bounds(extent: tuple[float, float] | None) -> list[float]:
    values = [_finite(v) for v in extent or ()]
    return [v for v in values if v is not None]


@dataclass(frozen=True)
class _Clean:
    x: float
    y: float | None  # None: a gap in the line
    low: float | None
    high: float | None


def _clean_points(points: Sequence[Point], log_x: bool, sort: bool) -> list[_Clean]:
    out = []
    for point in points:
        x, y, low, high = (*tuple(point), None, None, None, None)[:4]
        fx = _finite(x)
        if fx is None or (log_x and fx <= 0):
            continue  # no place on the x axis at all
        fy = _finite(y)
        fl, fh = (_finite(low), _finite(high)) if fy is not None else (None, None)
        out.append(_Clean(fx, fy, fl, fh))
    return sorted(out, key=lambda p: p.x) if sort else out


def _runs(points: list[_Clean]) -> list[list[_Clean]]:
    """Maximal runs of points with a value: a missing value breaks the line."""
    runs: list[list[_Clean]] = [[]]
    for point in points:
        if point.y is None:
            runs.append([])
        else:
            runs[-1].append(point)
    return [run for run in runs if run]


def _band(run: list[_Clean], x_axis: _Axis, y_axis: _Axis, colour: str) -> list[str]:
    """The interval as a translucent band over runs of 2+ points, whiskers on lone ones."""
    out: list[str] = []
    segments: list[list[_Clean]] = [[]]
    for point in run:
        if point.low is None or point.high is None:
            segments.append([])
        else:
            segments[-1].append(point)
    for segment in segments:
        if len(segment) >= 2:
            upper = [f"{_num(x_axis(p.x))},{_num(y_axis(p.high or 0.0))}" for p in segment]
            lower = [f"{_num(x_axis(p.x))},{_num(y_axis(p.low or 0.0))}" for p in segment]
            points = " ".join(upper + lower[::-1])
            out.append(f'<polygon points="{points}" fill="{colour}" fill-opacity="0.15"/>')
    for point in run:
        if point.low is not None and point.high is not None:
            x = _num(x_axis(point.x))
            out.append(
                f'<line x1="{x}" y1="{_num(y_axis(point.low))}" x2="{x}" '
                f'y2="{_num(y_axis(point.high))}" stroke="{colour}" stroke-width="1" '
                'stroke-opacity="0.7"/>'
            )
    return out


def _series(
    index: int, points: list[_Clean], x_axis: _Axis, y_axis: _Axis, bands: bool
) -> list[str]:
    colour, dash, marker = _style(index)
    out = [f'<g data-series="{index}">']
    dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
    for run in _runs(points):
        if bands:
            out.extend(_band(run, x_axis, y_axis, colour))
        coords = " ".join(f"{_num(x_axis(p.x))},{_num(y_axis(p.y or 0.0))}" for p in run)
        if len(run) >= 2:
            out.append(
                f'<polyline points="{coords}" fill="none" stroke="{colour}" '
                f'stroke-width="2"{dash_attr}/>'
            )
        every = max(1, math.ceil(len(run) / _MAX_MARKERS))
        for point in run[::every]:
            out.append(_marker(marker, x_axis(point.x), y_axis(point.y or 0.0), colour))
    out.append("</g>")
    return out


def _xy_chart(
    series: dict[str, list[_Clean]],
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
    legend_top = _TOP + _PLOT_HEIGHT + 58
    height = int(legend_top + 16 * len(names) + 8)
    out = _open(title, description, height)
    xs = [p.x for pts in series.values() for p in pts]
    ys = [v for pts in series.values() for p in pts for v in (p.y, p.low, p.high) if v is not None]
    x_axis = _axis(xs + _bounds(x_range), _LEFT, _WIDTH - _RIGHT, log=log_x)
    y_axis = _axis(ys + _bounds(y_range), _TOP + _PLOT_HEIGHT, _TOP)
    out.extend(_frame(x_axis, y_axis, x_label, y_label))
    if diagonal:
        low, high = max(x_axis.low, y_axis.low), min(x_axis.high, y_axis.high)
        out.append(
            f'<line x1="{_num(x_axis(low))}" y1="{_num(y_axis(low))}" x2="{_num(x_axis(high))}" '
            f'y2="{_num(y_axis(high))}" stroke="#777777" stroke-dasharray="4 4"/>'
        )
    for i, name in enumerate(names):
        out.extend(_series(i, series[name], x_axis, y_axis, bands))
    if not any(p.y is not None for pts in series.values() for p in pts):
        _empty(out, (_LEFT + _WIDTH - _RIGHT) / 2, _TOP + _PLOT_HEIGHT / 2)
    out.extend(_legend(names, legend_top))
    out.append("</svg>")
    return "\n".join(out)


def _summary(series: dict[str, list[_Clean]]) -> str:
    parts = []
    for name, points in series.items():
        shown = [p for p in points if p.y is not None]
        if not shown:
            parts.append(f"{name}: no finite values")
            continue
        values = ", ".join(f"{_tick_label(p.x)}: {_tick_label(p.y or 0.0)}" for p in shown[:12])
        more = f" and {len(shown) - 12} more" if len(shown) > 12 else ""
        parts.append(f"{name}: {values}{more}")
    return shorten("; ".join(parts), 2000)


def line_chart(
    series: Mapping[str, Sequence[Point]],
    *,
    x_label: str,
    y_label: str,
    title: str,
    y_range: tuple[float, float] | None = (0.0, 1.0),
    log_x: bool = False,
) -> str:
    """Each series' ``(x, y, ci_low, ci_high)`` points as a line with its interval band.

    ``y_range`` is the least range shown (data outside it widens it); None fits the data.
    """
    clean = {str(name): _clean_points(points, log_x, sort=True) for name, points in series.items()}
    description = f"Line chart of {y_label} against {x_label}. {_summary(clean)}"
    return _xy_chart(
        clean,
        title=title,
        description=description,
        x_label=x_label,
        y_label=y_label,
        y_range=y_range,
        log_x=log_x,
    )


def roc_chart(
    curves: Mapping[str, tuple[Sequence[float], Sequence[float]]],
    *,
    title: str = "ROC curve",
) -> str:
    """Each curve's ``(fpr, tpr)`` lists, in their given order, and the chance diagonal."""
    clean = {}
    for name, (fpr, tpr) in curves.items():
        points = [(x, y, None, None) for x, y in zip(fpr, tpr, strict=False)]
        clean[str(name)] = _clean_points(points, log_x=False, sort=False)
    description = (
        "ROC chart: true positive rate against false positive rate; the dashed diagonal "
        f"is chance. Curves: {', '.join(clean) or 'none'}."
    )
    return _xy_chart(
        clean,
        title=title,
        description=description,
        x_label="false positive rate",
        y_label="true positive rate",
        y_range=(0.0, 1.0),
        x_range=(0.0, 1.0),
        bands=False,
        diagonal=True,
    )


_BAR_ROW = 22
_BAR_LABEL_WIDTH = 200


def bar_chart(
    bars: Sequence[Bar],
    *,
    x_label: str,
    title: str,
    x_range: tuple[float, float] | None = None,
    note: str = "",
) -> str:
    """Horizontal bars from zero with interval whiskers, one row per ``(label, value, lo, hi)``.

    A bar whose value is not finite is listed as "undefined", with no bar.
    """
    rows = [(str(label), _finite(v), _finite(lo), _finite(hi)) for label, v, lo, hi in bars]
    plot_top = _TOP + 8
    plot_bottom = plot_top + _BAR_ROW * max(len(rows), 1)
    height = int(plot_bottom + 50 + (18 if note else 0))
    described = "; ".join(
        f"{label}: {_tick_label(v) if v is not None else 'undefined'}"
        for label, v, _, _ in rows[:30]
    )
    out = _open(title, shorten(f"Bar chart of {x_label}. {described}. {note}", 2000), height)
    values = [v for row in rows for v in row[1:] if v is not None]
    left = _BAR_LABEL_WIDTH + 8
    x_axis = _axis([0.0, *values, *_bounds(x_range)], left, _WIDTH - _RIGHT - 40)
    out.extend(_bar_axis(x_axis, plot_top, plot_bottom, x_label))
    zero = x_axis(0.0)
    for i, (label, value, low, high) in enumerate(rows):
        out.extend(_bar_row(i, plot_top, label, value, low, high, x_axis, zero))
    if not rows:
        _empty(out, (left + _WIDTH) / 2, plot_top + _BAR_ROW / 2 + 4)
    if note:
        out.append(
            f'<text x="{left}" y="{plot_bottom + 56}" fill="#333333">{_text(note, 90)}</text>'
        )
    out.append("</svg>")
    return "\n".join(out)


def _bar_axis(x_axis: _Axis, top: float, bottom: float, x_label: str) -> list[str]:
    out = ['<g stroke="#d0d0d0" stroke-width="1">']
    ticks = _ticks(x_axis)
    for tick in ticks:
        x = _num(x_axis(tick))
        out.append(f'<line x1="{x}" y1="{_num(top)}" x2="{x}" y2="{_num(bottom)}"/>')
    out.append("</g>")
    zero = _num(x_axis(0.0))
    out.append(
        f'<line x1="{zero}" y1="{_num(top)}" x2="{zero}" y2="{_num(bottom)}" stroke="#444444"/>'
    )
    out.append('<g fill="#222222">')
    for tick in ticks:
        x = _num(x_axis(tick))
        out.append(
            f'<text x="{x}" y="{_num(bottom + 16)}" text-anchor="middle">{_tick_label(tick)}</text>'
        )
    middle = _num((x_axis.start + x_axis.end) / 2)
    out.append(_axis_label(middle, bottom + 34, x_label))
    out.append("</g>")
    return out


def _bar_row(
    index: int,
    plot_top: float,
    label: str,
    value: float | None,
    low: float | None,
    high: float | None,
    x_axis: _Axis,
    zero: float,
) -> list[str]:
    y = plot_top + _BAR_ROW * index
    middle = y + _BAR_ROW / 2
    out = [
        f'<text x="{_BAR_LABEL_WIDTH}" y="{_num(middle + 4)}" text-anchor="end" '
        f'fill="#222222">{_text(label, 32)}</text>'
    ]
    if value is None:
        out.append(
            f'<text x="{_num(zero + 4)}" y="{_num(middle + 4)}" fill="#555555" '
            'font-style="italic">undefined</text>'
        )
        return out
    end = x_axis(value)
    x0, x1 = min(zero, end), max(zero, end)
    out.append(
        f'<rect x="{_num(x0)}" y="{_num(y + 4)}" width="{_num(max(x1 - x0, 0.5))}" '
        f'height="{_BAR_ROW - 8}" fill="{COLOURS[0]}" fill-opacity="0.8"/>'
    )
    if low is not None and high is not None:
        a, b = _num(x_axis(low)), _num(x_axis(high))
        out.append(
            f'<path d="M{a} {_num(middle)}H{b}M{a} {_num(middle - 5)}V{_num(middle + 5)}'
            f'M{b} {_num(middle - 5)}V{_num(middle + 5)}" stroke="#000000" stroke-width="1.5" '
            'fill="none"/>'
        )
    tip = max(x1, x_axis(high) if high is not None else x1)
    value_label = _tick_label(value)
    out.append(
        f'<text x="{_num(tip + 4)}" y="{_num(middle + 4)}" fill="#222222">{value_label}</text>'
    )
    return out
