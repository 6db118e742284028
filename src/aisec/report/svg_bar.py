"""The bar chart: one horizontal bar per category, from zero, with interval whiskers."""

from __future__ import annotations

from collections.abc import Sequence

from aisec.report import shorten
from aisec.report.svg_canvas import COLOURS, RIGHT, TOP, WIDTH, axis_label, empty, open_svg, text
from aisec.report.svg_scale import Axis, bounds, finite, make_axis, num, tick_label, ticks

Bar = tuple[str, float, float | None, float | None]

_BAR_ROW = 22
_BAR_LABEL_WIDTH = 200  # at most; short labels (attacks, groups) leave the bars more room
_CHAR_WIDTH = 6.8
# Characters of a bar label: about what fits in the label column at 12px.
_BAR_LABEL_LIMIT = 30


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
    rows = [(str(label), finite(v), finite(lo), finite(hi)) for label, v, lo, hi in bars]
    plot_top = TOP + 8
    plot_bottom = plot_top + _BAR_ROW * max(len(rows), 1)
    height = int(plot_bottom + 50 + (18 if note else 0))
    described = "; ".join(
        f"{label}: {tick_label(v) if v is not None else 'undefined'}"
        for label, v, _, _ in rows[:30]
    )
    out = open_svg(title, shorten(f"Bar chart of {x_label}. {described}. {note}", 2000), height)
    values = [v for row in rows for v in row[1:] if v is not None]
    longest = max((len(text(r[0], _BAR_LABEL_LIMIT)) for r in rows), default=0)
    label_right = min(max(_CHAR_WIDTH * longest + 12, 60.0), _BAR_LABEL_WIDTH)
    left = label_right + 8
    x_axis = make_axis([0.0, *values, *bounds(x_range)], left, WIDTH - RIGHT - 40)
    out.extend(_bar_axis(x_axis, plot_top, plot_bottom, x_label))
    for i, (label, value, low, high) in enumerate(rows):
        row = _bar_row(plot_top + _BAR_ROW * i, label_right, label, (value, low, high), x_axis)
        out.extend(row)
    if not rows:
        empty(out, (left + WIDTH) / 2, plot_top + _BAR_ROW / 2 + 4)
    if note:
        out.append(
            f'<text x="{left}" y="{plot_bottom + 56}" fill="#333333">{text(note, 90)}</text>'
        )
    out.append("</svg>")
    return "\n".join(out)


def _bar_axis(x_axis: Axis, top: float, bottom: float, x_label: str) -> list[str]:
    out = ['<g stroke="#d0d0d0" stroke-width="1">']
    marks = ticks(x_axis)
    for tick in marks:
        x = num(x_axis(tick))
        out.append(f'<line x1="{x}" y1="{num(top)}" x2="{x}" y2="{num(bottom)}"/>')
    out.append("</g>")
    zero = num(x_axis(0.0))
    out.append(
        f'<line x1="{zero}" y1="{num(top)}" x2="{zero}" y2="{num(bottom)}" stroke="#444444"/>'
    )
    out.append('<g fill="#222222">')
    for tick in marks:
        x = num(x_axis(tick))
        out.append(
            f'<text x="{x}" y="{num(bottom + 16)}" text-anchor="middle">{tick_label(tick)}</text>'
        )
    out.append(axis_label(num((x_axis.start + x_axis.end) / 2), bottom + 34, x_label))
    out.append("</g>")
    return out


def _bar_row(
    y: float,
    label_right: float,
    label: str,
    numbers: tuple[float | None, float | None, float | None],
    x_axis: Axis,
) -> list[str]:
    value, low, high = numbers
    zero = x_axis(0.0)
    middle = y + _BAR_ROW / 2
    out = [
        f'<text x="{num(label_right)}" y="{num(middle + 4)}" text-anchor="end" '
        f'fill="#222222">{text(label, _BAR_LABEL_LIMIT)}</text>'
    ]
    if value is None:
        out.append(
            f'<text x="{num(zero + 4)}" y="{num(middle + 4)}" fill="#555555" '
            'font-style="italic">undefined</text>'
        )
        return out
    end = x_axis(value)
    x0, x1 = min(zero, end), max(zero, end)
    out.append(
        f'<rect x="{num(x0)}" y="{num(y + 4)}" width="{num(max(x1 - x0, 0.5))}" '
        f'height="{_BAR_ROW - 8}" fill="{COLOURS[0]}" fill-opacity="0.8"/>'
    )
    if low is not None and high is not None:
        a, b = num(x_axis(low)), num(x_axis(high))
        out.append(
            f'<path d="M{a} {num(middle)}H{b}M{a} {num(middle - 5)}V{num(middle + 5)}'
            f'M{b} {num(middle - 5)}V{num(middle + 5)}" stroke="#000000" stroke-width="1.5" '
            'fill="none"/>'
        )
    tip = max(x1, x_axis(high) if high is not None else x1)
    out.append(
        f'<text x="{num(tip + 4)}" y="{num(middle + 4)}" fill="#222222">{tick_label(value)}</text>'
    )
    return out
