"""Near-duplicate rows: close neighbours in scaled feature space, or similar texts.

Numeric columns are robust-scaled (median and IQR) and categorical columns one-hot
encoded, so one unit is one typical spread in every column. Two rows are near
duplicates when their distance is below ``scale`` times the median distance of a row to
its nearest distinct neighbour: relative to how close rows of this dataset usually are,
so the same setting works for four features and for sixty-four. Tables with free-text
columns compare their texts instead, by MinHash (:mod:`.minhash`).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from aisec.data.quality.columns import FloatArray, IntArray, Prepared, robust_scale

_TOP_LEVELS = 30  # one-hot columns per categorical column; rarer values share one


def feature_matrix(data: Prepared) -> FloatArray:
    """Robust-scaled numeric columns and one-hot categorical ones, rows in file order."""
    blocks: list[FloatArray] = [robust_scale(v)[:, None] for v in data.numeric.values()]
    for values in data.categorical.values():
        counts = values.value_counts(dropna=False)
        top = list(counts.index[:_TOP_LEVELS])
        codes = values.map({v: i for i, v in enumerate(top)}).fillna(len(top))
        onehot = np.zeros((data.n_rows, len(top) + 1), dtype=np.float64)
        onehot[np.arange(data.n_rows), codes.to_numpy(dtype=np.int64)] = 1.0
        blocks.append(onehot)
    if not blocks:
        return np.zeros((data.n_rows, 0), dtype=np.float64)
    return np.hstack(blocks)


def close_pairs(
    x: FloatArray, scale: float, *, neighbours: int = 5, radius: float | None = None
) -> tuple[list[tuple[int, int]], float]:
    """Pairs of rows of ``x`` closer than the radius, and the radius used."""
    from sklearn.neighbors import NearestNeighbors

    n = len(x)
    k = min(neighbours + 1, n)
    if n < 2 or x.shape[1] == 0:
        return [], 0.0
    dist, idx = NearestNeighbors(n_neighbors=k).fit(x).kneighbors(x)
    if radius is None:
        radius = scale * typical_distance(dist[:, 1:])
    pairs = {
        (min(i, int(j)), max(i, int(j)))
        for i in range(n)
        for d, j in zip(dist[i, 1:], idx[i, 1:], strict=True)
        if d <= radius and int(j) != i
    }
    return sorted(pairs), radius


def typical_distance(dist: FloatArray) -> float:
    """Median distance to the nearest neighbour at a positive distance."""
    positive = np.where(dist > 0, dist, np.inf).min(axis=1)
    positive = positive[np.isfinite(positive)]
    return float(np.median(positive)) if positive.size else 0.0


def clusters(n: int, pairs: Iterable[tuple[int, int]]) -> list[IntArray]:
    """Connected components (size > 1) of the pair graph over ``n`` items."""
    parent = np.arange(n)

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = int(parent[a])
        return a

    for a, b in pairs:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    roots = np.array([find(i) for i in range(n)], dtype=np.int64)
    order = np.argsort(roots, kind="stable")
    cuts = np.flatnonzero(np.diff(roots[order])) + 1
    return [g.astype(np.int64) for g in np.split(order, cuts) if len(g) > 1]


def sample(n: int, cap: int, seed: int) -> tuple[IntArray, bool]:
    """All row indices, or ``cap`` of them drawn at random (sorted) when there are more."""
    if n <= cap:
        return np.arange(n, dtype=np.int64), False
    rng = np.random.default_rng(seed)
    return np.sort(rng.choice(n, size=cap, replace=False)).astype(np.int64), True


def text_of(data: Prepared) -> list[str | None]:
    """The free-text columns of each row joined into one text (None when all are null)."""
    if not data.text:
        return []
    columns = [s.tolist() for s in data.text.values()]
    return [" | ".join(v for v in row if v) or None for row in zip(*columns, strict=True)]
