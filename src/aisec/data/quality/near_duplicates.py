"""Clusters of near-duplicate rows whose labels disagree.

Exact copies are collapsed first (they are :mod:`.duplicates`' business), so the search
runs over distinct rows; a cluster is reported when its rows, copies included, carry
more than one label. Above ``cap`` distinct rows a random sample is searched, which
finds a near pair only when both rows are drawn: the indicator says so in its notes.
"""

from __future__ import annotations

import numpy as np

from aisec.data.quality import minhash
from aisec.data.quality.columns import IntArray, Prepared
from aisec.data.quality.duplicates import conflict_indicator, row_hashes
from aisec.data.quality.indicator import Indicator
from aisec.data.quality.neighbours import (
    close_pairs,
    clusters,
    feature_matrix,
    sample,
    text_of,
)


def near_duplicate_conflicts(
    data: Prepared, *, cap: int = 20_000, scale: float = 0.2, jaccard: float = 0.8, seed: int = 0
) -> Indicator:
    hashes = row_hashes(data)
    _, first, inverse = np.unique(hashes, return_index=True, return_inverse=True)
    members: dict[int, list[int]] = {}
    for row, group in enumerate(inverse.tolist()):
        members.setdefault(group, []).append(row)
    chosen, sampled = sample(len(first), cap, seed)
    reps = first[chosen].astype(np.int64)
    notes: list[str] = []
    if sampled:
        notes.append(
            f"searched {len(reps)} of {len(first)} distinct rows drawn at random (seed {seed});"
            " a near pair is found only when both rows were drawn"
        )
    if data.text:
        texts = text_of(data)
        sig = minhash.signatures([texts[r] for r in reps], seed=seed)
        pairs = minhash.similar_pairs(sig, threshold=jaccard)
        method = f"MinHash over 5-byte shingles of the text columns, Jaccard >= {jaccard}"
    else:
        x = feature_matrix(data)[reps]
        pairs, radius = close_pairs(x, scale)
        method = f"distance <= {scale} x median nearest-neighbour distance ({radius:.4g})"
    found: list[IntArray] = []
    for cluster in clusters(len(reps), pairs):
        rows = sorted(r for c in cluster for r in members[int(inverse[reps[c]])])
        if len({data.labels[r] for r in rows}) > 1:
            found.append(np.array(rows, dtype=np.int64))
    found.sort(key=lambda c: int(c[0]))
    return conflict_indicator(data, found, len(reps), near=True, notes=tuple(notes), method=method)
