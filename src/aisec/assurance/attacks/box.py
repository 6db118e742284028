"""The per-feature epsilon box every evasion attack perturbs within, and its projection.

An L∞ threat model on tabular data needs one scale per feature: a change of 0.1 means
nothing to an income and everything to a ratio. With ``epsilon_unit="range"`` epsilon is
a fraction of each feature's range (the schema's bounds where it gives finite ones, else
the range observed over the training and test rows), as in the tabular adversarial
literature (Ballet et al., 2019, "Imperceptible adversarial attacks on tabular data");
with ``"absolute"`` it is in raw units. Immutable columns get zero width, so no attack
can move them; monotone columns (``direction`` +1: may only grow, -1: may only shrink,
as an account's age or a count of past events) are held on their side of the original.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from aisec.assurance.schema import FeatureSchema, Kind
from aisec.core.errors import ConfigError

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
EPSILON_UNITS = ("range", "absolute")


@dataclass(frozen=True)
class EpsilonBox:
    """``width`` scales epsilon per feature; ``low``/``high`` bound the valid domain."""

    width: FloatArray
    low: FloatArray
    high: FloatArray
    schema: FeatureSchema | None = None
    unit: str = "range"
    direction: FloatArray | None = None  # per feature: +1 only up, -1 only down, 0 free

    @property
    def mutable(self) -> BoolArray:
        return np.asarray(self.width > 0, dtype=np.bool_)

    def radius(self, eps: float) -> FloatArray:
        return np.asarray(eps * self.width, dtype=np.float64)

    def bounds(self, x_orig: FloatArray, eps: float) -> tuple[FloatArray, FloatArray]:
        """Per row and feature, the interval :meth:`clip` clips into (immutable columns
        pinned), for attacks that clip the same rows many times."""
        r = self.radius(eps)
        lo = np.maximum(self.low, x_orig - r)
        hi = np.minimum(self.high, x_orig + r)
        lo, hi = self._directed(lo, hi, x_orig)
        frozen = ~self.mutable
        lo[:, frozen] = x_orig[:, frozen]
        hi[:, frozen] = x_orig[:, frozen]
        return lo, hi

    def _directed(
        self, lo: FloatArray, hi: FloatArray, x_orig: FloatArray
    ) -> tuple[FloatArray, FloatArray]:
        if self.direction is None:
            return lo, hi
        lo = np.where(self.direction > 0, np.maximum(lo, x_orig), lo)
        hi = np.where(self.direction < 0, np.minimum(hi, x_orig), hi)
        return np.asarray(lo, dtype=np.float64), np.asarray(hi, dtype=np.float64)

    def clip(self, x: FloatArray, x_orig: FloatArray, eps: float | None) -> FloatArray:
        """``x`` clipped into the domain and, unless ``eps`` is None, the box around
        ``x_orig``; continuous, so iterative attacks can keep sub-step progress."""
        lo, hi = self.low, self.high
        if eps is not None:
            r = self.radius(eps)
            lo = np.maximum(lo, x_orig - r)
            hi = np.minimum(hi, x_orig + r)
        lo, hi = self._directed(np.broadcast_to(lo, x.shape), np.broadcast_to(hi, x.shape),
                                x_orig)  # fmt: skip
        out = np.clip(x, lo, hi)
        # Immutable columns have zero width but an unbounded domain box: pin them exactly.
        frozen = ~self.mutable
        out[:, frozen] = x_orig[:, frozen]
        return np.asarray(out, dtype=np.float64)

    def finalise(self, x: FloatArray, x_orig: FloatArray, eps: float | None) -> FloatArray:
        """The clipped batch made valid by ``schema.project``: what the model is shown.

        Projection may round an integer or categorical column to a grid value slightly
        outside the box (by at most half a step); :meth:`excess_rows` counts rows that
        leave it by more than that rounding.
        """
        out = self.clip(x, x_orig, eps)
        if self.schema is not None:
            out = self.schema.project(out, x_orig)
        return out

    def scaled_linf(self, x: FloatArray, x_orig: FloatArray) -> FloatArray:
        """Per row, the largest change in units of each feature's width."""
        delta = self._scaled(x, x_orig)
        return np.asarray(np.abs(delta).max(axis=1, initial=0.0), dtype=np.float64)

    def scaled_l2(self, x: FloatArray, x_orig: FloatArray) -> FloatArray:
        delta = self._scaled(x, x_orig)
        return np.asarray(np.sqrt((delta * delta).sum(axis=1)), dtype=np.float64)

    def _scaled(self, x: FloatArray, x_orig: FloatArray) -> FloatArray:
        m = self.mutable
        return np.asarray((x[:, m] - x_orig[:, m]) / self.width[m], dtype=np.float64)

    def excess_rows(self, x: FloatArray, x_orig: FloatArray, eps: float) -> int:
        """Rows whose final perturbation leaves the box by more than grid rounding."""
        allowed = self.radius(eps) + self._rounding_slack() + 1e-9 * (1.0 + np.abs(x_orig))
        return int((np.abs(x - x_orig) > allowed).any(axis=1).sum())

    def _rounding_slack(self) -> FloatArray:
        slack = np.zeros_like(self.width)
        if self.schema is None:
            return slack
        for j, column in enumerate(self.schema.columns):
            if column.kind is Kind.INTEGER and column.step is not None:
                slack[j] = column.step / 2
            elif column.kind is Kind.CATEGORICAL and len(column.values) > 1:
                slack[j] = float(np.diff(column.values).max()) / 2
        return slack


def build_box(
    x_test: FloatArray,
    x_train: FloatArray | None = None,
    schema: FeatureSchema | None = None,
    epsilon_unit: str = "range",
) -> EpsilonBox:
    """The box for these rows; a ConfigError for an unknown unit or a schema mismatch."""
    if epsilon_unit not in EPSILON_UNITS:
        raise ConfigError(
            f"epsilon_unit {epsilon_unit!r} is not one of {', '.join(EPSILON_UNITS)}",
            hint='use "range" (a fraction of each feature\'s range) or "absolute" (raw units)',
        )
    rows = x_test if x_train is None else np.vstack([x_train, x_test])
    rows = np.asarray(rows, dtype=np.float64)
    if not np.isfinite(rows).all():
        raise ConfigError("the rows hold NaN or infinite values", hint="impute them first")
    # Outside the schema's bounds, stay inside the data's support: inputs no real system
    # would send are not evidence of a vulnerability.
    low, high = rows.min(axis=0), rows.max(axis=0)
    immutable = np.zeros(rows.shape[1], dtype=bool)
    if schema is not None:
        if len(schema.columns) != rows.shape[1]:
            raise ConfigError(
                f"the schema has {len(schema.columns)} columns, the data {rows.shape[1]}",
                hint="give a schema that describes exactly the model's input columns",
            )
        low, high = _schema_bounds(schema, low, high)
        immutable = np.array([c.immutable for c in schema.columns], dtype=bool)
    width = (high - low) if epsilon_unit == "range" else np.ones_like(low)
    width = np.where(immutable, 0.0, width)
    return EpsilonBox(
        np.asarray(width, dtype=np.float64), low, high, schema=schema, unit=epsilon_unit
    )


def _schema_bounds(
    schema: FeatureSchema, low: FloatArray, high: FloatArray
) -> tuple[FloatArray, FloatArray]:
    lo, hi = low.copy(), high.copy()
    for j, column in enumerate(schema.columns):
        bounds: tuple[Any, Any] = (column.low, column.high)
        if column.kind is Kind.CATEGORICAL:
            bounds = (min(column.values), max(column.values))
        if bounds[0] is not None:
            lo[j] = float(bounds[0])
        if bounds[1] is not None:
            hi[j] = float(bounds[1])
    return lo, hi
