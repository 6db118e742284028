"""The line chart: a value against a numeric param, one line per series, with intervals."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from aisec.report.svg_xy import Point, clean_points, summary, xy_chart


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
    clean = {str(name): clean_points(points, log_x, sort=True) for name, points in series.items()}
    description = f"Line chart of {y_label} against {x_label}. {summary(clean)}"
    return xy_chart(
        clean,
        title=title,
        description=description,
        x_label=x_label,
        y_label=y_label,
        y_range=y_range,
        log_x=log_x,
    )
