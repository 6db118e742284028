"""JSON form of a ``Reference``: written plainly, read back as hostile input.

A reference file is configuration the gateway trusts for its alarms, so loading is
bounded (64 MiB) and every field is checked for type, shape and finiteness; anything
wrong is one ``ConfigError`` saying where, never a numpy or KeyError deep in a detector.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from aisec.core.errors import ConfigError
from aisec.runtime.detectors.reference import (
    CATEGORICAL,
    FORMAT,
    NUMERIC,
    FeatureStats,
    Reference,
)

if TYPE_CHECKING:
    from aisec.runtime.observation import FloatArray

MAX_BYTES = 64 * 1024 * 1024
MAX_FEATURES = 10_000
HINT = "rebuild it with: aisec gateway reference build"


BOUND = 1e12  # largest magnitude of a mean, scale or precision entry (and 1/BOUND the least scale)


def _floats(a: FloatArray) -> list[float]:
    return [float(v) for v in a]


def _feature_json(f: FeatureStats) -> dict[str, Any]:
    return {
        "name": f.name,
        "kind": f.kind,
        "mean": f.mean,
        "std": f.std,
        "edges": _floats(f.edges),
        "proportions": _floats(f.proportions),
        "sample": _floats(f.sample),
        "categories": _floats(f.categories),
    }


def reference_to_json(ref: Reference) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "n_rows": ref.n_rows,
        "features": [_feature_json(f) for f in ref.features],
        "mahalanobis": {
            "mean": _floats(ref.mean),
            "scale": _floats(ref.scale),
            "precision": [_floats(row) for row in ref.precision],
            "shrinkage": ref.shrinkage,
            "distances": _floats(ref.distances),
            "quantiles": ref.distance_quantiles(),
            "tail": {"start": ref.tail_start, "rate": ref.tail_rate, "index": ref.tail_index},
        },
        "prediction": None if ref.prediction is None else _feature_json(ref.prediction),
        "margins": None
        if ref.margins is None
        else {
            "sample": _floats(ref.margins),
            "low": ref.low_margin,
            "low_rate": ref.low_margin_rate,
        },
    }


class _Reader:
    """Typed accessors that raise ConfigError naming the offending field."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, where: str, problem: str) -> ConfigError:
        return ConfigError(f"reference {self.source}: {where} {problem}", hint=HINT)

    def obj(self, v: Any, where: str) -> dict[str, Any]:
        if not isinstance(v, dict):
            raise self.fail(where, "must be an object")
        return v

    def num(self, v: Any, where: str, lo: float = -math.inf, hi: float = math.inf) -> float:
        if isinstance(v, bool) or not isinstance(v, int | float):
            raise self.fail(where, "must be a number")
        try:
            f = float(v)
        except OverflowError:
            raise self.fail(where, "is out of range") from None
        if not (math.isfinite(f) and lo <= f <= hi):
            raise self.fail(where, f"must be a finite number in [{lo}, {hi}]")
        return f

    def int_(self, v: Any, where: str, lo: int, hi: int) -> int:
        if isinstance(v, bool) or not isinstance(v, int) or not lo <= v <= hi:
            raise self.fail(where, f"must be an integer in [{lo}, {hi}]")
        return v

    def vec(
        self,
        v: Any,
        where: str,
        *,
        size: int | None = None,
        ordered: bool = False,
        lo: float = -math.inf,
        hi: float = math.inf,
    ) -> FloatArray:
        if not isinstance(v, list) or (size is not None and len(v) != size):
            raise self.fail(where, f"must be a list of {size if size is not None else ''} numbers")
        if any(isinstance(e, bool) or not isinstance(e, int | float) for e in v):
            raise self.fail(where, "must hold numbers only")
        try:
            a = np.array(v, dtype=np.float64)
        except OverflowError:
            raise self.fail(where, "holds a number out of range") from None
        if not np.isfinite(a).all() or (a.size and (a.min() < lo or a.max() > hi)):
            raise self.fail(where, f"must hold finite numbers in [{lo}, {hi}]")
        if ordered and a.size > 1 and bool(np.any(np.diff(a) < 0)):
            raise self.fail(where, "must be sorted")
        return a

    def feature(self, v: Any, where: str) -> FeatureStats:
        o = self.obj(v, where)
        name = o.get("name")
        if not isinstance(name, str) or not name or len(name) > 256:
            raise self.fail(f"{where}.name", "must be a non-empty string (<= 256 chars)")
        kind = o.get("kind")
        if kind not in (NUMERIC, CATEGORICAL):
            raise self.fail(f"{where}.kind", f"must be {NUMERIC!r} or {CATEGORICAL!r}")
        edges = self.vec(o.get("edges"), f"{where}.edges", ordered=True)
        cats = self.vec(o.get("categories"), f"{where}.categories", ordered=True)
        bins = len(edges) + 1 if kind == NUMERIC else len(cats) + 1
        props = self.vec(o.get("proportions"), f"{where}.proportions", size=bins, lo=0, hi=1)
        if abs(float(props.sum()) - 1.0) > 1e-6:
            raise self.fail(f"{where}.proportions", "must sum to 1")
        sample = self.vec(o.get("sample"), f"{where}.sample", ordered=True)
        if kind == NUMERIC and len(sample) < 2:
            raise self.fail(f"{where}.sample", "needs at least 2 values")
        return FeatureStats(
            name=name,
            kind=kind,
            mean=self.num(o.get("mean"), f"{where}.mean"),
            std=self.num(o.get("std"), f"{where}.std", lo=1e-300),
            edges=edges,
            proportions=props,
            sample=sample,
            categories=cats,
        )


def reference_from_json(doc: Any, source: str = "<json>") -> Reference:
    r = _Reader(source)
    top = r.obj(doc, "document")
    if top.get("format") != FORMAT:
        raise r.fail("format", f"must be {FORMAT!r}")
    n_rows = r.int_(top.get("n_rows"), "n_rows", 1, 10**12)
    raw = top.get("features")
    if not isinstance(raw, list) or not 1 <= len(raw) <= MAX_FEATURES:
        raise r.fail("features", f"must be a list of 1..{MAX_FEATURES} features")
    features = tuple(r.feature(f, f"features[{i}]") for i, f in enumerate(raw))
    if len({f.name for f in features}) != len(features):
        raise r.fail("features", "have duplicate names")
    d = len(features)
    m = r.obj(top.get("mahalanobis"), "mahalanobis")
    rows = m.get("precision")
    if not isinstance(rows, list) or len(rows) != d:
        raise r.fail("mahalanobis.precision", f"must be a {d}x{d} matrix")
    # Bounded so that a standardised row of sane values cannot overflow to inf when
    # squared and summed: a file must not make every request look infinitely far.
    precision = np.array(
        [r.vec(row, "mahalanobis.precision", size=d, lo=-BOUND, hi=BOUND) for row in rows]
    )
    if not np.allclose(precision, precision.T, rtol=1e-6, atol=1e-9):
        raise r.fail("mahalanobis.precision", "must be symmetric")
    distances = r.vec(m.get("distances"), "mahalanobis.distances", ordered=True, lo=0)
    if len(distances) < 2:
        raise r.fail("mahalanobis.distances", "needs at least 2 values")
    tail = r.obj(m.get("tail"), "mahalanobis.tail")
    ref = Reference(
        n_rows=n_rows,
        features=features,
        mean=r.vec(m.get("mean"), "mahalanobis.mean", size=d, lo=-BOUND, hi=BOUND),
        scale=r.vec(m.get("scale"), "mahalanobis.scale", size=d, lo=1 / BOUND, hi=BOUND),
        precision=precision,
        shrinkage=r.num(m.get("shrinkage"), "mahalanobis.shrinkage", 0, 1),
        distances=distances,
        tail_start=r.num(tail.get("start"), "mahalanobis.tail.start", lo=1e-12),
        tail_rate=r.num(tail.get("rate"), "mahalanobis.tail.rate", 1e-300, 1),
        tail_index=r.num(tail.get("index"), "mahalanobis.tail.index", 1e-3, 1e6),
    )
    probe = np.vstack([ref.mean, ref.mean + ref.scale])
    if not np.isfinite(ref.distance(probe)).all():
        raise r.fail("mahalanobis", "gives no finite distance for rows near the mean")
    pred = top.get("prediction")
    if pred is not None:
        ref = _replace(ref, prediction=r.feature(pred, "prediction"))
    margins = top.get("margins")
    if margins is not None:
        mo = r.obj(margins, "margins")
        sample = r.vec(mo.get("sample"), "margins.sample", ordered=True, lo=0, hi=1)
        if len(sample) < 2:
            raise r.fail("margins.sample", "needs at least 2 values")
        ref = _replace(
            ref,
            margins=sample,
            low_margin=r.num(mo.get("low"), "margins.low", 0, 1),
            low_margin_rate=r.num(mo.get("low_rate"), "margins.low_rate", 1e-300, 1),
        )
    return ref


def _replace(ref: Reference, **changes: Any) -> Reference:
    from dataclasses import replace

    return replace(ref, **changes)


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def load_reference(path: str | os.PathLike[str]) -> Reference:
    source = str(path)
    p = Path(path)
    try:
        with p.open("rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        raise ConfigError(f"cannot read reference {source}: {exc.strerror}", hint=HINT) from None
    if len(data) > MAX_BYTES:
        raise ConfigError(
            f"reference {source} is larger than {MAX_BYTES // (1024 * 1024)} MiB",
            hint="build it with a smaller --sample",
        )
    try:
        doc = json.loads(data.decode("utf-8"), parse_constant=_no_constants)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise ConfigError(f"reference {source} is not valid JSON: {exc}", hint=HINT) from None
    return reference_from_json(doc, source)
