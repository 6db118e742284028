"""Exact duplicate rows, and duplicated feature values that carry different labels.

Rows are compared on their normalised features only: the label is left out (a copy
with a flipped label is the case that matters) and so are identifier columns (a copy
with a fresh row id is still a copy). Each row becomes one 64-bit hash of its
normalised cells; with a million rows the chance of any collision is about 3e-8.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd  # type: ignore[import-untyped]
from numpy.typing import NDArray

from aisec.core.errors import AnalysisError
from aisec.core.severity import Severity
from aisec.data.quality.columns import Prepared
from aisec.data.quality.indicator import Indicator, Statistic

U64Array = NDArray[np.uint64]
_EXAMPLES = 20


def row_hashes(data: Prepared, columns: Sequence[str] | None = None) -> U64Array:
    """One hash per row over ``columns`` (default: every feature), in name order."""
    names = sorted(columns if columns is not None else data.features)
    if not names:
        # Rows with no features in common would all hash alike: nothing can be compared.
        raise AnalysisError("no feature columns to compare rows on")
    parts: dict[str, object] = {}
    for name in names:
        if name in data.numeric:
            parts[name] = data.numeric[name]
        elif name in data.categorical:
            parts[name] = data.categorical[name].fillna("\x00null").to_numpy(dtype=object)
        elif name in data.text:
            parts[name] = data.text[name].fillna("\x00null").to_numpy(dtype=object)
    frame = pd.DataFrame(parts, index=pd.RangeIndex(data.n_rows))
    hashed = pd.util.hash_pandas_object(frame, index=False)
    return np.asarray(hashed.to_numpy(), dtype=np.uint64)


def groups_of(hashes: U64Array) -> list[NDArray[np.int64]]:
    """Row indices of every hash that occurs more than once, first occurrence order."""
    order = np.argsort(hashes, kind="stable")
    ordered = hashes[order]
    cuts = np.flatnonzero(np.diff(ordered)) + 1
    out = [g for g in np.split(order.astype(np.int64), cuts) if len(g) > 1]
    out.sort(key=lambda g: int(g[0]))
    return out


def exact_duplicates(data: Prepared) -> list[Indicator]:
    hashes = row_hashes(data)
    groups = groups_of(hashes)
    extra = sum(len(g) - 1 for g in groups)
    duplicates = Indicator(
        id="duplicate-rows",
        title="Rows whose features repeat another row's",
        severity=Severity.LOW,
        fired=extra > 0,
        count=extra,
        total=data.n_rows,
        rows=tuple(int(r) for g in groups[:_EXAMPLES] for r in g[1:]),
        statistic=Statistic("share of repeated rows", extra / max(data.n_rows, 1)),
        details={"groups": len(groups)},
    )
    if not data.labels:
        return [duplicates]
    conflicting = [g for g in groups if len({data.labels[i] for i in g}) > 1]
    return [duplicates, conflict_indicator(data, conflicting, len(groups), near=False)]


def conflict_indicator(
    data: Prepared,
    clusters: list[NDArray[np.int64]],
    examined: int,
    *,
    near: bool,
    notes: tuple[str, ...] = (),
    method: str = "",
) -> Indicator:
    rows = sum(len(c) for c in clusters)
    examples = [
        {"rows": [int(r) for r in c[:10]], "labels": sorted({str(data.labels[r]) for r in c})}
        for c in clusters[:_EXAMPLES]
    ]
    kind = "near-duplicate" if near else "duplicate"
    return Indicator(
        id=f"{kind}-conflicting-labels",
        title=f"{kind.capitalize()} rows with different labels",
        severity=Severity.MEDIUM if near else Severity.HIGH,
        fired=bool(clusters),
        count=len(clusters),
        total=examined,
        rows=tuple(int(r) for c in clusters[:_EXAMPLES] for r in c[:10]),
        statistic=Statistic("rows in conflicting clusters", float(rows)),
        details={"clusters": examples, "rows_in_clusters": rows, "method": method},
        notes=notes,
    )
