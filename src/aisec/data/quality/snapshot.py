"""A reference snapshot of a dataset: per-column statistics to compare later data with.

It records the schema (column roles), row count, content hash, class balance, and per
column a distribution sketch: for numbers (and for the lengths of free text) the
empirical CDF at 101 quantiles, decile bins and their shares; for categories the counts
of the 1000 most frequent values, and the count of the rest.

A snapshot is not anonymous. Category values are stored as unsalted SHA-256 digests
(first 16 hex digits) of their normalised text: that keeps them out of plain sight, but
anyone can recover a value by hashing guesses, so names, cities, codes and any other
guessable or low-cardinality value can be read back. Class labels are kept in clear, and
the numeric sketches hold quantiles, minimum and maximum of the data. Share a snapshot
only with those who may see the columns it describes.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd  # type: ignore[import-untyped]

from aisec.core.errors import InputError, LimitExceeded, MalformedInput
from aisec.data.quality.columns import FloatArray, Prepared
from aisec.data.quality.snapshot_checks import snapshot_problem
from aisec.data.quality.table import Table

FORMAT = "aisec-data-snapshot"
VERSION = 1
TOP_K = 1000  # enough that the shift test can choose its categories without bias
_GRID = np.linspace(0.0, 1.0, 101)
_MAX_BYTES = 64 * 1024 * 1024


def digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()[:16]


def numeric_sketch(values: FloatArray) -> dict[str, Any]:
    finite = np.sort(values[np.isfinite(values)])
    out: dict[str, Any] = {"count": int(finite.size), "nulls": int(values.size - finite.size)}
    if finite.size == 0:
        return out
    # Quantiles that are data values: interpolating between two values near the float
    # limits would overflow to infinity.
    grid = np.unique(np.quantile(finite, _GRID, method="inverted_cdf"))
    edges = np.unique(np.quantile(finite, np.linspace(0.1, 0.9, 9), method="inverted_cdf"))
    with np.errstate(over="ignore", invalid="ignore"):
        mean, std = float(finite.mean()), float(finite.std())
    out |= {
        "grid": grid.tolist(),
        "cdf": (np.searchsorted(finite, grid, side="right") / finite.size).tolist(),
        "edges": edges.tolist(),
        "bins": bin_counts(finite, edges).tolist(),
        "mean": mean if np.isfinite(mean) else None,  # None: overflowed
        "std": std if np.isfinite(std) else None,
        "min": float(finite[0]),
        "max": float(finite[-1]),
    }
    return out


def bin_counts(finite: FloatArray, edges: FloatArray) -> np.ndarray[Any, np.dtype[np.int64]]:
    """Counts in (-inf, e1], (e1, e2], ..., (ek, inf)."""
    idx = np.searchsorted(edges, finite, side="left")
    return np.bincount(idx, minlength=len(edges) + 1).astype(np.int64)


def category_sketch(values: pd.Series) -> dict[str, Any]:
    present = values.dropna()
    counts = present.map(digest).value_counts()
    top = counts.iloc[:TOP_K]
    return {
        "count": int(present.size),
        "nulls": int(values.size - present.size),
        "distinct": int(counts.size),
        "top": {str(k): int(v) for k, v in top.items()},
        "other": int(counts.iloc[TOP_K:].sum()),
    }


def text_lengths(values: pd.Series) -> FloatArray:
    return np.array([np.nan if v is None else len(v) for v in values], dtype=np.float64)


def build_snapshot(data: Prepared, table: Table | None = None) -> dict[str, Any]:
    columns: dict[str, Any] = {}
    for name, kind in data.kinds.items():
        entry: dict[str, Any] = {"kind": kind}
        if name in data.numeric:
            entry |= numeric_sketch(data.numeric[name])
        elif name in data.categorical:
            entry |= category_sketch(data.categorical[name])
        elif name in data.text:
            entry |= {"length": numeric_sketch(text_lengths(data.text[name]))}
        columns[name] = entry
    classes: dict[str, int] = {}
    for value in data.labels:
        if value is not None:
            classes[value] = classes.get(value, 0) + 1
    source: dict[str, Any] = {"rows": data.n_rows}
    if table is not None:
        source |= {
            "name": Path(table.path).name,
            "format": table.format,
            "sha256": table.sha256,
            "bytes": table.size,
            "truncated": table.truncated,
        }
    return {
        "format": FORMAT,
        "version": VERSION,
        "created": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "source": source,
        "label": data.label_name,
        "classes": dict(sorted(classes.items())),
        "columns": columns,
    }


def load_snapshot(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise InputError(f"{path}: no such snapshot file")
    if path.stat().st_size > _MAX_BYTES:
        raise LimitExceeded("snapshot bytes", _MAX_BYTES, hint=str(path))
    try:
        snap = json.loads(path.read_text(encoding="utf-8"))
    except RecursionError:
        raise MalformedInput(f"{path}: not a JSON snapshot: nested too deeply") from None
    except OSError as exc:
        raise MalformedInput(f"{path}: cannot be read: {exc.strerror or exc}") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise MalformedInput(f"{path}: not a JSON snapshot: {str(exc)[:120]}") from None
    if not isinstance(snap, dict) or snap.get("format") != FORMAT:
        raise MalformedInput(f"{path}: not an aisec data snapshot (format {FORMAT!r} expected)")
    if snap.get("version") != VERSION:
        raise MalformedInput(f"{path}: snapshot version {snap.get('version')!r} is not supported")
    problem = snapshot_problem(snap)
    if problem is not None:
        raise MalformedInput(f"{path}: malformed snapshot: {problem}")
    return snap
