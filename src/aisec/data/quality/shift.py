"""Shifts against a reference snapshot: schema, class balance and feature distributions.

Class balance: a chi-square test of homogeneity on the 2 x classes table of reference
and current counts. Numeric features (and text lengths): the two-sample
Kolmogorov-Smirnov statistic evaluated on the reference's 101 quantile points (a lower
bound of the exact statistic, so the test errs towards not flagging) with the
asymptotic p-value; categorical features: chi-square on the categories chosen by their
pooled reference + current counts, plus one bin for the rest. PSI (population stability
index) for both, on the reference's decile bins or those categories. The p-values across
features are corrected with Benjamini-Hochberg before anything is flagged.

Choosing the categories by the reference's counts alone would bias the test: the values
that happened to be frequent in the reference sample regress towards their mean in any
fresh sample, and the test fires on unshifted data when there are many categories. Given
the pooled count of a category, its split between the two samples does not depend on the
choice, so pooled counts choose without that bias. Categories whose expected count is
below 5 in either sample join the rest, where the chi-square approximation holds.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd  # type: ignore[import-untyped]

from aisec.core.severity import Severity
from aisec.data.quality.columns import FloatArray, Prepared
from aisec.data.quality.indicator import Indicator, Statistic
from aisec.data.quality.snapshot import bin_counts, digest, text_lengths

_PSI_FLOOR = 1e-4  # keeps an empty bin from making PSI infinite
_COMPARED = 200  # categories tested at most; the stored sketch holds more to choose from
_MIN_EXPECTED = 5.0


def benjamini_hochberg(p: FloatArray) -> FloatArray:
    """Adjusted p-values (q-values) for the false discovery rate."""
    n = p.size
    if n == 0:
        return p
    order = np.argsort(p)
    scaled = p[order] * n / np.arange(1, n + 1)
    q = np.minimum.accumulate(scaled[::-1])[::-1]
    out = np.empty(n)
    out[order] = np.minimum(q, 1.0)
    return out


def psi(reference: FloatArray, current: FloatArray) -> float:
    r = np.maximum(reference / max(reference.sum(), 1), _PSI_FLOOR)
    c = np.maximum(current / max(current.sum(), 1), _PSI_FLOOR)
    return float(np.sum((c - r) * np.log(c / r)))


def chi_square(reference: FloatArray, current: FloatArray) -> tuple[float, float]:
    from scipy.stats import chi2_contingency  # type: ignore[import-untyped]

    table = np.vstack([reference, current])
    table = table[:, table.sum(axis=0) > 0]
    if table.shape[1] < 2 or (table.sum(axis=1) == 0).any():
        return 0.0, 1.0
    result = chi2_contingency(table, correction=False)
    return float(result.statistic), float(result.pvalue)


def ks_on_grid(sketch: dict[str, Any], values: FloatArray) -> tuple[float, float]:
    from scipy.stats import kstwobign

    finite = np.sort(values[np.isfinite(values)])
    n, m = int(sketch["count"]), finite.size
    if n == 0 or m == 0:
        return 0.0, 1.0
    grid = np.asarray(sketch["grid"], dtype=np.float64)
    current = np.searchsorted(finite, grid, side="right") / m
    d = float(np.max(np.abs(current - np.asarray(sketch["cdf"], dtype=np.float64))))
    en = np.sqrt(n * m / (n + m))
    return d, float(kstwobign.sf((en + 0.12 + 0.11 / en) * d))


def compare_column(sketch: dict[str, Any], data: Prepared, name: str) -> dict[str, Any] | None:
    kind = sketch["kind"]
    if kind == "numeric" and name in data.numeric:
        return _numeric(sketch, data.numeric[name], "KS")
    if kind == "text" and name in data.text:
        return _numeric(sketch["length"], text_lengths(data.text[name]), "KS on text length")
    if kind == "categorical" and name in data.categorical:
        counts = data.categorical[name].dropna().map(digest).value_counts()
        reference, current = category_table(sketch, {str(k): int(v) for k, v in counts.items()})
        stat, p = chi_square(reference, current)
        return {
            "test": "chi-square",
            "statistic": stat,
            "p_value": p,
            "psi": psi(reference, current),
        }
    return None


def category_table(
    sketch: dict[str, Any], current: dict[str, int]
) -> tuple[FloatArray, FloatArray]:
    """Reference and current counts over the compared categories, the rest in a last cell."""
    stored = {str(k): int(v) for k, v in sketch["top"].items()}
    ref_total = sum(stored.values()) + int(sketch["other"])
    cur_total = sum(current.values())
    pooled = sorted(stored, key=lambda k: (-(stored[k] + current.get(k, 0)), k))
    share = min(ref_total, cur_total) / max(ref_total + cur_total, 1)
    chosen = [
        k for k in pooled[:_COMPARED] if (stored[k] + current.get(k, 0)) * share >= _MIN_EXPECTED
    ]
    ref = [float(stored[k]) for k in chosen]
    cur = [float(current.get(k, 0)) for k in chosen]
    ref.append(ref_total - sum(ref))
    cur.append(cur_total - sum(cur))
    return np.array(ref, dtype=np.float64), np.array(cur, dtype=np.float64)


def _numeric(sketch: dict[str, Any], values: FloatArray, test: str) -> dict[str, Any] | None:
    if "grid" not in sketch:
        return None
    d, p = ks_on_grid(sketch, values)
    edges = np.asarray(sketch["edges"], dtype=np.float64)
    current = bin_counts(values[np.isfinite(values)], edges).astype(np.float64)
    reference = np.asarray(sketch["bins"], dtype=np.float64)
    return {"test": test, "statistic": d, "p_value": p, "psi": psi(reference, current)}


def feature_shift(snap: dict[str, Any], data: Prepared, *, fdr: float = 0.05) -> Indicator:
    rows = []
    for name, sketch in snap["columns"].items():
        result = compare_column(sketch, data, name)
        if result is not None:
            rows.append({"column": name} | result)
    q = benjamini_hochberg(np.array([r["p_value"] for r in rows], dtype=np.float64))
    for r, qv in zip(rows, q, strict=True):
        r["q_value"] = float(qv)
        r["shifted"] = bool(qv < fdr)
        r["statistic"], r["psi"] = round(r["statistic"], 6), round(r["psi"], 6)
    rows.sort(key=lambda r: (r["q_value"], -r["psi"]))
    flagged = [r for r in rows if r["shifted"]]
    worst_psi = max((r["psi"] for r in flagged), default=0.0)
    severity = (
        Severity.HIGH
        if worst_psi >= 0.25
        else Severity.MEDIUM
        if worst_psi >= 0.1
        else Severity.LOW
    )
    return Indicator(
        id="feature-shift",
        title="Feature distributions that moved away from the reference",
        severity=severity,
        fired=bool(flagged),
        count=len(flagged),
        total=len(rows),
        statistic=Statistic(
            "smallest q-value",
            float(q.min()) if q.size else 1.0,
            p_value=min((r["p_value"] for r in rows), default=1.0),
            method=f"KS / chi-square per feature, Benjamini-Hochberg at {fdr}",
        ),
        details={"features": rows[:100], "max_psi_of_shifted": round(worst_psi, 6)},
    )


def class_balance_shift(
    snap: dict[str, Any], data: Prepared, *, alpha: float = 0.01, min_change: float = 0.01
) -> Indicator:
    reference = {str(k): int(v) for k, v in snap["classes"].items()}
    current = pd.Series([v for v in data.labels if v is not None]).value_counts()
    names = sorted(set(reference) | {str(k) for k in current.index})
    ref = np.array([reference.get(c, 0) for c in names], dtype=np.float64)
    cur = np.array([int(current.get(c, 0)) for c in names], dtype=np.float64)
    stat, p = chi_square(ref, cur)
    change = cur / max(cur.sum(), 1) - ref / max(ref.sum(), 1)
    per_class = [
        {
            "class": c,
            "reference": int(r),
            "current": int(k),
            "share_change": round(float(d), 6),
        }
        for c, r, k, d in zip(names, ref, cur, change, strict=True)
    ]
    moved = float(np.abs(change).max()) if change.size else 0.0
    return Indicator(
        id="class-balance-shift",
        title="Class balance that moved away from the reference",
        severity=Severity.MEDIUM,
        fired=p < alpha and moved >= min_change,
        count=int(np.sum(np.abs(change) >= min_change)),
        total=len(names),
        statistic=Statistic("chi-square", stat, p_value=p, method="test of homogeneity"),
        details={"classes": per_class, "psi": round(psi(ref, cur), 6), "alpha": alpha},
    )


def schema_change(snap: dict[str, Any], data: Prepared) -> Indicator:
    before = {n: c["kind"] for n, c in snap["columns"].items()}
    after = dict(data.kinds)
    missing = sorted(set(before) - set(after))
    added = sorted(set(after) - set(before))
    retyped = sorted(n for n in set(before) & set(after) if before[n] != after[n])
    changed = len(missing) + len(added) + len(retyped)
    return Indicator(
        id="schema-change",
        title="Columns added, removed or changed in kind since the reference",
        severity=Severity.MEDIUM,
        fired=changed > 0,
        count=changed,
        total=len(set(before) | set(after)),
        details={"missing": missing, "added": added, "retyped": retyped},
    )
