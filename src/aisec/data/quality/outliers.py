"""Outlying rows: robust z-scores per numeric column and an isolation forest over all.

Per column the modified z-score 0.6745 (x - median) / MAD (Iglewicz & Hoaglin 1993)
flags |z| > 3.5; a column whose MAD is zero uses 1.2533 times the mean absolute
deviation instead, and one with no spread at all is skipped. Across columns an
isolation forest (Liu et al. 2008) scores every row; a row is flagged when its anomaly
score lies beyond the far-out fence of the scores themselves (Q3 + 3 IQR), a cut that
adapts to the dataset instead of assuming a share of outliers.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from aisec.core.severity import Severity
from aisec.data.quality.columns import FloatArray, Prepared
from aisec.data.quality.indicator import Indicator, Statistic
from aisec.data.quality.neighbours import feature_matrix, sample

_Z_CUT = 3.5
_TOP = 20


def robust_z(values: FloatArray) -> FloatArray | None:
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return None
    centre = float(np.median(finite))
    mad = float(np.median(np.abs(finite - centre)))
    if mad > 0:
        z = 0.6745 * (values - centre) / mad
    else:
        mean_ad = float(np.mean(np.abs(finite - centre)))
        if mean_ad == 0:
            return None
        z = (values - centre) / (1.2533 * mean_ad)
    return np.where(np.isfinite(z), z, 0.0)


def anomaly_scores(x: FloatArray, *, cap: int, seed: int) -> tuple[FloatArray, bool]:
    """Isolation-forest anomaly score per row (higher = more isolated)."""
    from sklearn.ensemble import IsolationForest

    fit_rows, sampled = sample(len(x), cap, seed)
    forest = IsolationForest(n_estimators=100, random_state=seed).fit(x[fit_rows])
    return -np.asarray(forest.score_samples(x), dtype=np.float64), sampled


def outliers(data: Prepared, *, cap: int = 20_000, share: float = 0.02, seed: int = 0) -> Indicator:
    per_column: dict[str, int] = {}
    extreme = np.zeros(data.n_rows, dtype=bool)
    for name, values in data.numeric.items():
        z = robust_z(values)
        if z is None:
            continue
        hit = np.abs(z) > _Z_CUT
        per_column[name] = int(hit.sum())
        extreme |= hit
    x = feature_matrix(data)
    notes: list[str] = []
    details: dict[str, Any] = {
        "robust_z_flagged_rows": int(extreme.sum()),
        "robust_z_by_column": dict(sorted(per_column.items(), key=lambda kv: -kv[1])[:_TOP]),
    }
    if x.shape[1] == 0 or data.n_rows < 10:
        flagged = extreme
        top = np.flatnonzero(extreme)[:_TOP]
        method = "robust z-scores only (no features for the isolation forest)"
    else:
        scores, sampled = anomaly_scores(x, cap=cap, seed=seed)
        if sampled:
            notes.append(f"isolation forest fitted on {cap} rows drawn at random; all scored")
        q1, q3 = np.percentile(scores, [25, 75])
        fence = float(q3 + 3 * (q3 - q1))
        flagged = scores > fence
        top = np.argsort(-scores, kind="stable")[:_TOP]
        details["fence"] = round(fence, 4)
        details["top"] = [
            {"row": int(r), "score": round(float(scores[r]), 4), "robust_z": bool(extreme[r])}
            for r in top
        ]
        method = "isolation forest, anomaly score beyond Q3 + 3 IQR"
    n_flagged = int(flagged.sum())
    return Indicator(
        id="outliers",
        title="Rows far from the rest of the data",
        severity=Severity.LOW,
        fired=n_flagged / max(data.n_rows, 1) > share,
        count=n_flagged,
        total=data.n_rows,
        rows=tuple(int(r) for r in top if flagged[r]),
        statistic=Statistic(
            "share of outlying rows", n_flagged / max(data.n_rows, 1), method=method
        ),
        details=details | {"fires_above_share": share},
        notes=tuple(notes),
    )
