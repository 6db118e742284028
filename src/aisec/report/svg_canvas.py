"""Drawing primitives shared by the SVG charts: escaping, the document, frame, legend.

Every label passes through :func:`text`, since series names and categories come from
params that a plan or a dataset controls. Series differ by marker and dash pattern as well
as colour, so they stay distinct in greyscale print and for colour-blind readers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

from aisec.report import printable
from aisec.report.svg_scale import Axis, num, tick_label, ticks

# Okabe-Ito colours: distinguishable with the common colour-vision deficiencies, and dark
# enough on white for 3:1 contrast (the yellow of the palette is left out for that reason).
COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#8C6D00", "#56B4E9", "#000000")
DASHES = ("", "6 3", "2 3", "8 3 2 3", "1 3", "10 4")
MARKERS = ("circle", "square", "triangle", "diamond", "cross", "plus", "down")

WIDTH = 640
PLOT_HEIGHT = 260
LEFT, RIGHT, TOP = 64, 16, 36
LABEL_LIMIT = 40  # characters of a legend entry or bar label
LEGEND_ROW = 18
Y_LABEL_LIMIT = 44  # characters along the 260px plot height at 12px
# Rough advance of a 12px sans-serif character: enough to keep legend columns apart.
_CHAR_WIDTH = 7.0


def text(value: str, limit: int | None = None) -> str:
    """Escaped for XML text and attributes; control characters shown, never emitted."""
    clean = printable(value)
    if limit is not None and len(clean) > limit:
        clean = clean[: limit - 1] + "…"
    return escape(clean, quote=True)


def marker(kind: str, x: float, y: float, colour: str) -> str:
    r = 3.5
    fill = f'fill="{colour}" stroke="{colour}"'
    if kind == "circle":
        return f'<circle cx="{num(x)}" cy="{num(y)}" r="{r}" {fill}/>'
    if kind == "square":
        return f'<rect x="{num(x - r)}" y="{num(y - r)}" width="7" height="7" {fill}/>'
    shapes = {
        "triangle": ((0, -r - 1), (r + 0.5, r), (-r - 0.5, r)),
        "down": ((0, r + 1), (r + 0.5, -r), (-r - 0.5, -r)),
        "diamond": ((0, -r - 1), (r + 1, 0), (0, r + 1), (-r - 1, 0)),
    }
    if kind in shapes:
        points = " ".join(f"{num(x + dx)},{num(y + dy)}" for dx, dy in shapes[kind])
        return f'<polygon points="{points}" {fill}/>'
    if kind == "cross":
        d = f"M{num(x - r)} {num(y - r)}L{num(x + r)} {num(y + r)}"
        d += f"M{num(x - r)} {num(y + r)}L{num(x + r)} {num(y - r)}"
    else:  # plus
        d = f"M{num(x - r)} {num(y)}L{num(x + r)} {num(y)}"
        d += f"M{num(x)} {num(y - r)}L{num(x)} {num(y + r)}"
    return f'<path d="{d}" stroke="{colour}" stroke-width="2" fill="none"/>'


def style(index: int) -> tuple[str, str, str]:
    return (
        COLOURS[index % len(COLOURS)],
        DASHES[index % len(DASHES)],
        MARKERS[index % len(MARKERS)],
    )


def open_svg(title: str, description: str, height: int) -> list[str]:
    label = text(title)
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" role="img" aria-label="{label}" '
        'font-family="sans-serif" font-size="12" style="max-width:100%;height:auto">',
        f"<title>{label}</title>",
        f"<desc>{text(description)}</desc>",
        f'<rect x="0" y="0" width="{WIDTH}" height="{height}" fill="#ffffff"/>',
        f'<text x="{WIDTH // 2}" y="20" text-anchor="middle" font-size="14" '
        f'font-weight="bold" fill="#111111">{text(title, 80)}</text>',
    ]


def axis_label(x: str, y: float, label: str) -> str:
    return f'<text x="{x}" y="{num(y)}" text-anchor="middle">{text(label, 80)}</text>'


def frame(x_axis: Axis, y_axis: Axis, x_label: str, y_label: str) -> list[str]:
    """Grid, ticks and axis labels of an x-y plot."""
    left, right = x_axis.start, x_axis.end
    bottom, top = y_axis.start, y_axis.end
    out = ['<g stroke="#d0d0d0" stroke-width="1">']
    for tick in ticks(y_axis):
        y = num(y_axis(tick))
        out.append(f'<line x1="{num(left)}" y1="{y}" x2="{num(right)}" y2="{y}"/>')
    for tick in ticks(x_axis):
        x = num(x_axis(tick))
        out.append(f'<line x1="{x}" y1="{num(top)}" x2="{x}" y2="{num(bottom)}"/>')
    out.append("</g>")
    out.append(
        f'<rect x="{num(left)}" y="{num(top)}" width="{num(right - left)}" '
        f'height="{num(bottom - top)}" fill="none" stroke="#444444"/>'
    )
    out.append('<g fill="#222222">')
    for tick in ticks(y_axis):
        y = num(y_axis(tick) + 4)
        out.append(f'<text x="{num(left - 6)}" y="{y}" text-anchor="end">{tick_label(tick)}</text>')
    for tick in ticks(x_axis):
        x = num(x_axis(tick))
        label = tick_label(tick)
        out.append(f'<text x="{x}" y="{num(bottom + 16)}" text-anchor="middle">{label}</text>')
    out.append(axis_label(num((left + right) / 2), bottom + 34, x_label))
    y_middle = num((top + bottom) / 2)
    out.append(
        f'<text x="14" y="{y_middle}" text-anchor="middle" '
        f'transform="rotate(-90 14 {y_middle})">{text(y_label, Y_LABEL_LIMIT)}</text>'
    )
    out.append("</g>")
    return out


def _legend_grid(names: Sequence[str]) -> tuple[int, float]:
    """(columns, column width): short names share a row, so five attacks take two rows."""
    longest = max((len(printable(n)) for n in names), default=0)
    width = 44 + _CHAR_WIDTH * min(longest, LABEL_LIMIT * 2)
    columns = max(1, min(len(names), int((WIDTH - LEFT - RIGHT) // width)))
    return columns, width


def legend_height(names: Sequence[str]) -> int:
    columns, _ = _legend_grid(names)
    return LEGEND_ROW * math.ceil(len(names) / columns)


def legend(names: Sequence[str], top: float, offset: int = 0) -> list[str]:
    """Entries below the plot: line sample in the series' dash, marker, name."""
    columns, width = _legend_grid(names)
    out = []
    for i, name in enumerate(names):
        colour, dash, kind = style(i + offset)
        x = LEFT + width * (i % columns)
        y = top + LEGEND_ROW * (i // columns)
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(
            f'<line x1="{num(x)}" y1="{num(y)}" x2="{num(x + 28)}" y2="{num(y)}" '
            f'stroke="{colour}" stroke-width="2"{dash_attr}/>'
        )
        out.append(marker(kind, x + 14, y, colour))
        out.append(
            f'<text x="{num(x + 36)}" y="{num(y + 4)}" fill="#222222">'
            f"{text(name, LABEL_LIMIT * 2)}</text>"
        )
    return out


def empty(out: list[str], x: float, y: float) -> None:
    out.append(
        f'<text x="{num(x)}" y="{num(y)}" text-anchor="middle" fill="#555555">'
        "no finite values to plot</text>"
    )
