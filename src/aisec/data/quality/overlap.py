"""Rows shared between a training and a test set, exactly or nearly.

A test row whose features also occur in the training set measures memory, not
generalisation. Both sets are hashed on the feature columns they share (in the training
set's roles); near copies are found as for near duplicates within one set: the nearest
training row of each test row within the training set's own near-duplicate radius, or
MinHash similarity of the texts. Above ``cap`` rows per set, random samples are compared.
"""

from __future__ import annotations

import numpy as np

from aisec.core.severity import Severity
from aisec.data.quality import minhash
from aisec.data.quality.columns import FloatArray, IntArray, Prepared
from aisec.data.quality.duplicates import row_hashes
from aisec.data.quality.indicator import Indicator, Statistic
from aisec.data.quality.neighbours import close_pairs, feature_matrix, sample, text_of

_EXAMPLES = 20


def shared_features(train: Prepared, test: Prepared) -> list[str]:
    return [c for c in train.features if test.kinds.get(c) == train.kinds[c]]


def exact_overlap(train: Prepared, test: Prepared) -> Indicator:
    columns = shared_features(train, test)
    train_h, test_h = row_hashes(train, columns), row_hashes(test, columns)
    first_train: dict[int, int] = {}
    for i, h in enumerate(train_h.tolist()):
        first_train.setdefault(h, i)
    pairs = [(j, first_train[h]) for j, h in enumerate(test_h.tolist()) if h in first_train]
    disagree = [
        (j, i)
        for j, i in pairs
        if test.labels and train.labels and test.labels[j] != train.labels[i]
    ]
    share = len(pairs) / max(test.n_rows, 1)
    return Indicator(
        id="train-test-overlap",
        title="Test rows whose features also occur in the training set",
        severity=Severity.HIGH if share >= 0.01 else Severity.MEDIUM,
        fired=bool(pairs),
        count=len(pairs),
        total=test.n_rows,
        rows=tuple(i for _, i in pairs[:_EXAMPLES]),
        statistic=Statistic("share of test rows", share),
        details={
            "pairs": [{"test_row": j, "train_row": i} for j, i in pairs[:_EXAMPLES]],
            "distinct_train_rows": len({i for _, i in pairs}),
            "with_different_label": len(disagree),
            "columns_compared": len(columns),
        },
    )


def near_overlap(
    train: Prepared, test: Prepared, *, cap: int = 20_000, scale: float = 0.2, seed: int = 0
) -> Indicator:
    columns = set(shared_features(train, test))
    train_rows, cut_train = sample(train.n_rows, cap, seed)
    test_rows, cut_test = sample(test.n_rows, cap, seed + 1)
    notes = []
    if cut_train or cut_test:
        notes.append(f"compared {len(test_rows)} test rows with {len(train_rows)} training rows")
    exact = set(row_hashes(train, sorted(columns)).tolist())
    test_h = row_hashes(test, sorted(columns))
    pairs: list[tuple[int, int]] = []
    if train.text and all(c in columns for c in train.text):
        texts = [text_of(train)[r] for r in train_rows] + [text_of(test)[r] for r in test_rows]
        sig = minhash.signatures(texts, seed=seed)
        split = len(train_rows)
        for a, b in minhash.similar_pairs(sig):
            if a < split <= b:
                pairs.append((int(test_rows[b - split]), int(train_rows[a])))
        method = "MinHash over the text columns, Jaccard >= 0.8"
    else:
        keep = [c for c in train.numeric if c in columns]
        sub_train = _restrict(train, keep + [c for c in train.categorical if c in columns])
        sub_test = _restrict(test, list(sub_train.kinds))
        both = _scaled_together(sub_train, sub_test, train_rows, test_rows)
        split = len(train_rows)
        _, radius = close_pairs(both[:split], scale)
        found, _ = close_pairs(both, scale, radius=radius)
        pairs = [
            (int(test_rows[b - split]), int(train_rows[a])) for a, b in found if a < split <= b
        ]
        method = f"distance <= {scale} x median nearest-neighbour distance of the training set"
    near = sorted({(j, i) for j, i in pairs if int(test_h[j]) not in exact})
    by_test = dict(near)
    return Indicator(
        id="train-test-near-overlap",
        title="Test rows that nearly copy a training row",
        severity=Severity.MEDIUM,
        fired=bool(by_test),
        count=len(by_test),
        total=len(test_rows),
        rows=tuple(i for _, i in near[:_EXAMPLES]),
        statistic=Statistic("share of test rows", len(by_test) / max(len(test_rows), 1)),
        details={
            "pairs": [
                {"test_row": j, "train_row": i} for j, i in list(by_test.items())[:_EXAMPLES]
            ],
            "method": method,
        },
        notes=tuple(notes),
    )


def _restrict(data: Prepared, columns: list[str]) -> Prepared:
    return Prepared(
        data.n_rows,
        {c: data.kinds[c] for c in columns},
        {c: v for c, v in data.numeric.items() if c in columns},
        {c: v for c, v in data.categorical.items() if c in columns},
        {},
    )


def _scaled_together(
    train: Prepared, test: Prepared, train_rows: IntArray, test_rows: IntArray
) -> FloatArray:
    """Train and test rows stacked, scaled together so that distances compare."""
    import pandas as pd  # type: ignore[import-untyped]

    numeric = {c: np.concatenate([train.numeric[c], test.numeric[c]]) for c in train.numeric}
    categorical = {
        c: pd.concat([train.categorical[c], test.categorical[c]], ignore_index=True)
        for c in train.categorical
    }
    joined = Prepared(train.n_rows + test.n_rows, dict(train.kinds), numeric, categorical, {})
    x = feature_matrix(joined)
    return np.vstack([x[train_rows], x[train.n_rows + test_rows]])
