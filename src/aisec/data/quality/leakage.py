"""Label leakage: a single feature that predicts the label almost perfectly.

A column that gives the label away (a copy of it, an id assigned per class, a field
filled in after the outcome was known) lets a model score well without learning the
task. A numeric column is sorted (ties in random order) and each row asks whether its
label matches a sorted neighbour's: a column that separates the classes scores 1, a
column unrelated to the label scores about the chance that a neighbour shares a label.
A categorical column, when it has few enough distinct values for this to mean
something, scores the share of rows whose label is their value's most common one.
A column is flagged at 0.99 when always guessing the majority class would score
under 0.9.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from aisec.core.errors import AnalysisError
from aisec.core.severity import Severity
from aisec.data.quality.columns import FloatArray, IntArray, Prepared
from aisec.data.quality.indicator import Indicator, Statistic
from aisec.data.quality.neighbours import sample

_AGREEMENT = 0.99
_BASELINE = 0.9


def neighbour_agreement(values: FloatArray, y: IntArray, rng: np.random.Generator) -> float:
    shuffled = rng.permutation(len(values))
    order = shuffled[np.argsort(values[shuffled], kind="stable")]
    labels = y[order]
    same_prev = np.concatenate([[False], labels[1:] == labels[:-1]])
    same_next = np.concatenate([labels[:-1] == labels[1:], [False]])
    return float(np.mean(same_prev | same_next))


def purity(values: list[Any], y: IntArray) -> float:
    joint: dict[tuple[Any, int], int] = {}
    for v, label in zip(values, y.tolist(), strict=True):
        joint[(v, label)] = joint.get((v, label), 0) + 1
    best: dict[Any, int] = {}
    for (v, _), count in joint.items():
        best[v] = max(best.get(v, 0), count)
    return sum(best.values()) / max(len(values), 1)


def label_leakage(data: Prepared, *, cap: int = 20_000, seed: int = 0) -> Indicator:
    y_all, classes, has = data.class_indices()
    if len(classes) < 2:
        raise AnalysisError("label leakage needs two classes or more")
    labelled = np.flatnonzero(has)
    chosen, sampled = sample(len(labelled), cap, seed)
    rows = labelled[chosen]
    y = y_all[rows]
    counts = np.bincount(y, minlength=len(classes))
    baseline = float(counts.max() / max(len(y), 1))
    rng = np.random.default_rng(seed)
    results: list[dict[str, Any]] = []
    if baseline < _BASELINE and len(rows) >= 20:
        for name, values in data.numeric.items():
            # Nulls get a value of their own below the rest: missingness can leak too.
            part = values[rows]
            floor = float(np.nanmin(part)) - 1.0 if np.isfinite(part).any() else 0.0
            x = np.where(np.isfinite(part), part, floor)
            score = neighbour_agreement(x, y, rng)
            results.append({"column": name, "score": round(score, 4), "how": "neighbours"})
        for name, series in data.categorical.items():
            cells = series.iloc[rows].fillna("\x00null").tolist()
            if len(set(cells)) <= len(rows) / 10:
                score = purity(cells, y)
                results.append({"column": name, "score": round(score, 4), "how": "purity"})
    results.sort(key=lambda r: -float(r["score"]))
    leaking = [r for r in results if float(r["score"]) >= _AGREEMENT]
    notes = [f"tested on {len(rows)} labelled rows drawn at random"] if sampled else []
    if baseline >= _BASELINE or len(rows) < 20:
        notes.append("not tested: fewer than 20 labelled rows or one class is 90% of them")
    return Indicator(
        id="label-leakage",
        title="Features that predict the label almost perfectly on their own",
        severity=Severity.HIGH,
        fired=bool(leaking),
        count=len(leaking),
        total=len(results),
        statistic=Statistic(
            "best single-feature agreement",
            float(results[0]["score"]) if results else 0.0,
            method=f"sorted-neighbour label agreement; majority baseline {baseline:.3f}",
        ),
        details={"leaking": leaking, "top": results[:10], "baseline": round(baseline, 4)},
        notes=tuple(notes),
    )
