"""Reference statistics of a model's training (or validation) data, built once offline.

The gateway never sees the training data: drift, OOD and boundary detectors compare live
traffic with these summaries. Built by ``aisec gateway reference build``, stored as plain
JSON (``aisec.gateway-reference/1``; never pickle) and validated on load (``reference_io``).
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from aisec.core.errors import ConfigError
from aisec.runtime.detectors import stats

if TYPE_CHECKING:
    from aisec.runtime.observation import FloatArray

FORMAT = "aisec.gateway-reference/1"
NUMERIC = "numeric"
CATEGORICAL = "categorical"
QUANTILES = (0.5, 0.9, 0.99, 0.999)
MAX_CATEGORIES = 50  # rarer values are pooled as "other": chi² needs sizeable cells
# Distances beyond this quantile get a Pareto tail (Hill estimator). Tabular features are
# heavy-tailed: an exponential tail put benign held-out rows (breast cancer, digits) at
# p < 1e-5; a power law does not, while points far outside still score high.
TAIL_FROM = 0.95
FOLDS = 5
MAX_Z = 5.0  # see robust_scale
MAX_FIT_ROWS = 100_000  # covariance fitting cost is linear in rows; more adds nothing


@dataclass(frozen=True, eq=False)
class FeatureStats:
    name: str
    kind: str  # NUMERIC or CATEGORICAL
    mean: float
    std: float  # 1.0 for a constant feature, so z-scores stay finite
    edges: FloatArray  # numeric: interior PSI bin edges (right-closed bins)
    proportions: FloatArray  # numeric: per bin; categorical: per category, then "other"
    sample: FloatArray  # numeric: sorted sample (KS, Wasserstein); categorical: empty
    categories: FloatArray  # categorical: sorted category codes; numeric: empty

    def counts(self, values: FloatArray) -> FloatArray:
        """Counts of ``values`` per bin (numeric) or per category then "other"."""
        if self.kind == NUMERIC:
            idx = np.searchsorted(self.edges, values, side="left")
            return np.bincount(idx, minlength=len(self.edges) + 1).astype(np.float64)
        k = len(self.categories)
        pos = np.searchsorted(self.categories, values)
        pos = np.minimum(pos, max(k - 1, 0))
        known = (self.categories[pos] == values) if k else np.zeros(len(values), dtype=bool)
        idx = np.where(known, pos, k)
        return np.bincount(idx, minlength=k + 1).astype(np.float64)


@dataclass(frozen=True, eq=False)
class Reference:
    n_rows: int
    features: tuple[FeatureStats, ...]
    mean: FloatArray  # per feature, for standardising (all features, categorical codes too)
    scale: FloatArray  # robust_scale: std floored by the training range
    precision: FloatArray  # inverse shrunk covariance of the standardised features
    shrinkage: float
    distances: FloatArray  # sorted out-of-fold Mahalanobis distances of reference rows
    tail_start: float  # Pareto tail beyond this distance ...
    tail_rate: float  # ... holding this share of the reference ...
    tail_index: float  # ... with this Hill tail index: P(D > d) = rate * (d / start)^-index
    prediction: FeatureStats | None = None  # class shares (categorical) or predicted values
    margins: FloatArray | None = None  # sorted top1-top2 probability margins
    low_margin: float = 0.0  # 5% quantile of the margins
    low_margin_rate: float = 0.0  # share of reference answers below low_margin

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.features)

    @property
    def n_features(self) -> int:
        return len(self.features)

    def standardise(self, x: FloatArray) -> FloatArray:
        result: FloatArray = (x - self.mean) / self.scale
        return result

    def distance(self, x: FloatArray) -> FloatArray:
        """Mahalanobis distance of raw feature rows."""
        return stats.mahalanobis(self.standardise(x), self.precision)

    def distance_tail(self, d: FloatArray) -> FloatArray:
        """P(reference distance >= d): empirical in the body, exponential beyond
        ``tail_start`` (Pareto) so a small reference still grades points far outside it."""
        body = stats.upper_tail(self.distances, d)
        ratio = np.maximum(d / self.tail_start, 1.0)
        tail = self.tail_rate * ratio ** (-self.tail_index)
        result: FloatArray = np.where(d > self.tail_start, tail, body)
        return np.maximum(result, 1e-300)

    def distance_quantiles(self) -> dict[str, float]:
        return {str(q): float(np.quantile(self.distances, q)) for q in QUANTILES}

    def to_json(self) -> dict[str, Any]:
        from aisec.runtime.detectors.reference_io import reference_to_json

        return reference_to_json(self)

    def save(self, path: str | os.PathLike[str]) -> None:
        target = Path(path)
        tmp = target.with_name(target.name + ".tmp")
        tmp.write_text(json.dumps(self.to_json(), separators=(",", ":")), encoding="utf-8")
        tmp.replace(target)  # atomic: a running gateway never reads half a file


def load_reference(path: str | os.PathLike[str]) -> Reference:
    from aisec.runtime.detectors.reference_io import load_reference as load

    return load(path)


def build_reference(
    x: Any,
    *,
    names: Sequence[str],
    categorical: Sequence[str] = (),
    predictions: Any = None,
    probabilities: Any = None,
    sample: int = 2000,
    bins: int = 10,
    seed: int = 0,
) -> Reference:
    """Summarise a training matrix (rows, features in schema order).

    ``probabilities`` should come from held-out predictions (e.g. cross-validation): on the
    training rows themselves a model is over-confident and live margins look unusually low.
    """
    names = [str(n) for n in names]  # numpy string scalars would leak into JSON details
    data = _matrix(x, names)
    unknown = sorted(set(categorical) - set(names))
    if unknown:
        raise ConfigError(f"categorical features not in the schema: {', '.join(unknown)}")
    if sample < 10 or bins < 2:
        raise ConfigError(f"sample must be >= 10 and bins >= 2 (got {sample}, {bins})")
    rng = np.random.default_rng(seed)
    n = data.shape[0]
    picked = np.sort(rng.choice(n, size=min(sample, n), replace=False))
    features = tuple(
        _feature(name, data[:, j], name in categorical, picked, bins)
        for j, name in enumerate(names)
    )
    mean = data.mean(axis=0)
    scale = robust_scale(data)
    fit = data if n <= MAX_FIT_ROWS else data[rng.choice(n, MAX_FIT_ROWS, replace=False)]
    cov, shrinkage = stats.shrunk_covariance((fit - mean) / scale)
    distances = _out_of_fold_distances(fit, rng)
    if len(distances) > sample:
        distances = rng.choice(distances, size=sample, replace=False)
    distances = np.sort(distances)
    start = max(float(np.quantile(distances, TAIL_FROM)), 1e-9)
    logs = np.log(distances[distances > start] / start) if start > 0 else np.empty(0)
    ref = Reference(
        n_rows=n,
        features=features,
        mean=mean,
        scale=scale,
        precision=stats.precision_of(cov),
        shrinkage=shrinkage,
        distances=distances,
        tail_start=start,
        tail_rate=max(float(np.mean(distances > start)), 1.0 / (len(distances) + 1)),
        tail_index=1.0 / float(logs.mean()) if len(logs) and logs.mean() > 0 else 1.0,
    )
    return _with_outputs(ref, predictions, probabilities, picked, bins)


def _matrix(x: Any, names: Sequence[str]) -> FloatArray:
    try:
        data = np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"reference data is not numeric: {exc}") from None
    if data.ndim != 2 or data.shape[0] < FOLDS * 2 or data.shape[1] != len(names):
        raise ConfigError(
            f"reference data must be (rows >= {FOLDS * 2}, {len(names)} features), "
            f"not {data.shape}",
            hint="pass one column per schema feature, in schema order",
        )
    if len(set(names)) != len(names):
        raise ConfigError("feature names must be unique")
    if not np.isfinite(data).all():
        raise ConfigError("reference data holds NaN or infinite values: impute or drop them")
    return data


def _feature(name: str, col: FloatArray, is_cat: bool, picked: Any, bins: int) -> FeatureStats:
    std = float(col.std())
    mean, scale = float(col.mean()), std if std > 0 else 1.0
    empty = np.empty(0)
    if is_cat:
        values, counts = np.unique(col, return_counts=True)
        top = np.sort(values[np.argsort(-counts, kind="stable")[:MAX_CATEGORIES]])
        probe = FeatureStats(name, CATEGORICAL, mean, scale, empty, empty, empty, top)
        props = probe.counts(col) / len(col)
        return FeatureStats(name, CATEGORICAL, mean, scale, empty, props, empty, top)
    edges = np.unique(np.quantile(col, np.arange(1, bins) / bins))
    hist = np.bincount(np.searchsorted(edges, col, side="left"), minlength=len(edges) + 1)
    props = hist.astype(np.float64) / len(col)
    return FeatureStats(name, NUMERIC, mean, scale, edges, props, np.sort(col[picked]), empty)


def robust_scale(data: FloatArray) -> FloatArray:
    """Standard deviation, floored so no training value lies beyond ``MAX_Z`` scale units.

    A feature that is almost always 0 (an image border pixel) has a tiny std, and one
    natural non-zero value would then dominate every distance (digits: z = 88 on a benign
    held-out row). The training data itself shows such values occur, so they may not
    look more extreme than ``MAX_Z``; constant features get scale 1.
    """
    std = data.std(axis=0)
    reach = np.abs(data - data.mean(axis=0)).max(axis=0) / MAX_Z
    scale = np.maximum(std, reach)
    return np.where(scale > 0, scale, 1.0)


def _out_of_fold_distances(fit: FloatArray, rng: np.random.Generator) -> FloatArray:
    """Distances of rows to statistics fitted without them: in-sample distances are
    optimistic (30 features, 400 rows) and would put OOD thresholds too low."""
    folds = rng.permutation(len(fit)) % FOLDS
    out = np.empty(len(fit))
    for k in range(FOLDS):
        train, test = fit[folds != k], fit[folds == k]
        mean, std = train.mean(axis=0), robust_scale(train)
        cov, _ = stats.shrunk_covariance((train - mean) / std)
        out[folds == k] = stats.mahalanobis((test - mean) / std, stats.precision_of(cov))
    return out


def _with_outputs(
    ref: Reference, predictions: Any, probabilities: Any, picked: Any, bins: int
) -> Reference:
    from dataclasses import replace

    n = ref.n_rows
    if probabilities is not None:
        p = np.asarray(probabilities, dtype=np.float64)
        if p.ndim != 2 or p.shape[0] != n or p.shape[1] < 2 or not np.isfinite(p).all():
            raise ConfigError(f"probabilities must be finite, ({n}, classes >= 2); got {p.shape}")
        top2 = np.sort(p, axis=1)[:, -2:]
        m = top2[:, 1] - top2[:, 0]
        low = float(np.quantile(m, 0.05))
        rate = max(float(np.mean(m < low)), 1.0 / (n + 1))
        sampled = np.sort(m[picked])
        ref = replace(ref, margins=sampled, low_margin=low, low_margin_rate=rate)
        if predictions is None:
            predictions = np.argmax(p, axis=1)
    if predictions is not None:
        y = np.asarray(predictions, dtype=np.float64).reshape(-1)
        if y.shape[0] != n or not np.isfinite(y).all():
            raise ConfigError(f"predictions must be {n} finite values, got shape {y.shape}")
        classes = np.unique(y)
        is_cat = probabilities is not None or (
            len(classes) <= MAX_CATEGORIES and bool(np.all(classes == np.round(classes)))
        )
        ref = replace(ref, prediction=_feature("prediction", y, is_cat, picked, bins))
    return ref
