"""The ROC chart: true against false positive rate, one curve per attack or score.

Membership inference is judged at low false positive rates, so the convention is a log x
axis; the linear chart, with the chance diagonal, shows the whole curve and its area.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from aisec.report.svg_xy import Clean, clean_points, xy_chart

# A log axis needs a left end: below 1e-5 an FPR comes from 100,000+ non-members, which no
# test here has, and the decades in between would squeeze the part that matters.
_LOWEST_FPR = 1e-5


def _anchored(points: list[Clean], log_x: bool) -> list[Clean]:
    """The curve from (0, 0) to (1, 1): a downsampled ROC may have lost its end points."""
    if not any(p.y is not None for p in points):
        return points  # nothing measured: no curve to complete
    # A ROC curve rises in both rates, so sorting by both puts a staircase in order.
    out = sorted(points, key=lambda p: (p.x, -math.inf if p.y is None else p.y))
    if not log_x and (out[0].x, out[0].y) != (0.0, 0.0):
        out.insert(0, Clean(0.0, 0.0, None, None))
    if (out[-1].x, out[-1].y) != (1.0, 1.0):
        out.append(Clean(1.0, 1.0, None, None))
    return out


def _log_floor(curves: dict[str, list[Clean]]) -> float:
    positive = [p.x for points in curves.values() for p in points if p.x > 0]
    if not positive:
        return 1e-3
    return max(10.0 ** math.floor(math.log10(min(positive))), _LOWEST_FPR)


def roc_chart(
    curves: Mapping[str, tuple[Sequence[float], Sequence[float]]],
    *,
    title: str = "ROC curve",
    log_x: bool = False,
) -> str:
    """Each curve's ``(fpr, tpr)`` lists, and chance (the diagonal, a curve on log x)."""
    clean = {}
    for name, (fpr, tpr) in curves.items():
        points = [(x, y, None, None) for x, y in zip(fpr, tpr, strict=False)]
        clean[str(name)] = _anchored(clean_points(points, log_x, sort=False), log_x)
    low = _log_floor(clean) if log_x else 0.0
    if log_x:
        clean = {name: [p for p in points if p.x >= low] for name, points in clean.items()}
    scale = "log-scaled false positive rate" if log_x else "false positive rate"
    description = (
        f"ROC chart: true positive rate against {scale}; the dashed line is chance. "
        f"Curves: {', '.join(clean) or 'none'}."
    )
    return xy_chart(
        clean,
        title=title,
        description=description,
        x_label="false positive rate" + (" (log scale)" if log_x else ""),
        y_label="true positive rate",
        y_range=(0.0, 1.0),
        x_range=(low, 1.0),
        log_x=log_x,
        bands=False,
        diagonal=True,
    )
