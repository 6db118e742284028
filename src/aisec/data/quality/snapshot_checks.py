"""Validation of a loaded snapshot, so a hand-edited or hostile one is refused up front.

The shift tests index sketches by position and divide by counts: a grid longer than its
CDF, a negative count or a string where a number belongs would otherwise surface as an
exception deep inside a test, or as a silently wrong p-value.
"""

from __future__ import annotations

import itertools
import math
from typing import Any

_KINDS = ("numeric", "categorical", "text", "identifier", "empty")


def snapshot_problem(snap: dict[str, Any]) -> str | None:
    """What is wrong with the snapshot's columns and classes, or None when they are sound."""
    columns, classes = snap.get("columns"), snap.get("classes")
    if not isinstance(columns, dict) or not isinstance(classes, dict):
        return "it lacks its columns or classes"
    if not all(_count(v) for v in classes.values()):
        return "a class count is not a non-negative integer"
    for name, sketch in columns.items():
        problem = column_problem(sketch)
        if problem is not None:
            return f"column {str(name)[:60]!r}: {problem}"
    return None


def column_problem(sketch: object) -> str | None:
    if not isinstance(sketch, dict) or sketch.get("kind") not in _KINDS:
        return "no valid kind"
    kind = sketch["kind"]
    if kind == "numeric":
        return numeric_problem(sketch)
    if kind == "text":
        length = sketch.get("length")
        return numeric_problem(length) if isinstance(length, dict) else "no length sketch"
    if kind == "categorical":
        return category_problem(sketch)
    return None


def numeric_problem(sketch: dict[str, Any]) -> str | None:
    if not _count(sketch.get("count")) or not _count(sketch.get("nulls", 0)):
        return "count or nulls is not a non-negative integer"
    if "grid" not in sketch:
        return None
    grid, cdf, edges, bins = (sketch.get(k) for k in ("grid", "cdf", "edges", "bins"))
    if not (
        isinstance(grid, list)
        and isinstance(cdf, list)
        and isinstance(edges, list)
        and isinstance(bins, list)
        and all(_numbers(v) for v in (grid, cdf, edges))
    ):
        return "grid, cdf, edges or bins is not a list of finite numbers"
    if not grid or len(grid) != len(cdf):
        return "grid and cdf differ in length or are empty"
    if not (_sorted(grid) and _sorted(cdf) and all(0.0 <= c <= 1.0 for c in cdf)):
        return "grid or cdf is not increasing, or cdf leaves [0, 1]"
    if not _sorted(edges) or len(bins) != len(edges) + 1 or not all(_count(b) for b in bins):
        return "bins do not match edges or hold a negative count"
    return None


def category_problem(sketch: dict[str, Any]) -> str | None:
    top = sketch.get("top")
    if not isinstance(top, dict) or not all(_count(v) for v in top.values()):
        return "top is not a map of non-negative counts"
    if not _count(sketch.get("other")) or not _count(sketch.get("count")):
        return "other or count is not a non-negative integer"
    return None


def _count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _numbers(value: object) -> bool:
    return isinstance(value, list) and all(
        isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in value
    )


def _sorted(values: list[float]) -> bool:
    return all(a <= b for a, b in itertools.pairwise(values))
