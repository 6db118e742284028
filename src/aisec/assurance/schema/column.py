"""One column of a tabular feature schema, and how a value is made valid for it.

Columns work on numbers: categorical columns hold numeric codes (label-encoded or
one-hot columns), because attacks perturb float arrays. Every projection is idempotent:
a projected value projects to itself, which the schema's property tests check.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from aisec.core.errors import ConfigError

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    FloatArray = NDArray[np.float64]
    BoolArray = NDArray[np.bool_]
else:
    FloatArray = Any
    BoolArray = Any

# Values this close to a bound or to the grid count as on it: float steps such as 0.1
# cannot be hit exactly.
TOLERANCE = 1e-9


class SchemaError(ConfigError):
    """A schema or a batch that breaks it; ``column`` names the column at fault."""

    def __init__(self, column: str | None, message: str) -> None:
        where = f"column {column!r}: " if column is not None else ""
        super().__init__(
            f"{where}{message}", hint="fix the feature schema or the data it describes"
        )
        self.column = column


class Kind(StrEnum):
    NUMERIC = "numeric"
    INTEGER = "integer"  # numeric on a grid of ``step`` from ``low`` (or from 0)
    CATEGORICAL = "categorical"  # one of ``values``


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    kind: Kind = Kind.NUMERIC
    low: float | None = None
    high: float | None = None
    step: float | None = None
    values: tuple[float, ...] = ()
    immutable: bool = False

    def __post_init__(self) -> None:
        if self.low is not None and self.high is not None and self.low > self.high:
            raise SchemaError(self.name, f"min {self.low} is above max {self.high}")
        for bound in (self.low, self.high):
            if bound is not None and not math.isfinite(bound):
                raise SchemaError(self.name, f"bound {bound} is not a finite number")
        if self.kind is Kind.INTEGER:
            if self.step is None or not (self.step > 0 and math.isfinite(self.step)):
                raise SchemaError(self.name, f"an integer column needs a step > 0, got {self.step}")
            if self.low is not None and self.high is not None and self._grid_high() < self.low:
                raise SchemaError(self.name, f"no multiple of step {self.step} in the range")
        if self.kind is Kind.CATEGORICAL:
            if not self.values:
                raise SchemaError(self.name, "a categorical column needs at least one value")
            if any(not math.isfinite(v) for v in self.values):
                raise SchemaError(self.name, "categorical values must be finite numbers")
            if list(self.values) != sorted(set(self.values)):
                raise SchemaError(self.name, "categorical values must be sorted and distinct")

    def _base(self) -> float:
        return self.low if self.low is not None else 0.0

    def _grid_high(self) -> float:
        assert self.step is not None
        assert self.high is not None
        base = self._base()
        return base + math.floor((self.high - base) / self.step + TOLERANCE) * self.step

    def project(self, v: FloatArray) -> FloatArray:
        """The nearest valid value of every entry of ``v`` (one column of a batch)."""
        import numpy as np

        if self.kind is Kind.CATEGORICAL:
            allowed = np.asarray(self.values, dtype=np.float64)
            i = np.clip(np.searchsorted(allowed, v), 1, max(len(allowed) - 1, 1))
            if len(allowed) == 1:
                return np.full_like(v, allowed[0])
            left, right = allowed[i - 1], allowed[i]
            return np.where(np.abs(v - left) <= np.abs(right - v), left, right)
        out = np.clip(v, self.low, self.high) if self._bounded() else v.copy()
        if self.kind is Kind.INTEGER:
            assert self.step is not None
            base = self._base()
            # Work on grid indices, clipped to the indices inside the bounds, and compute
            # every value as base + k * step: stepping back by one step in floating point
            # lands next to the grid, and a second projection would then move it again.
            k = np.round((out - base) / self.step)
            if self.low is not None:
                k = np.maximum(k, math.ceil((self.low - base) / self.step - TOLERANCE))
            if self.high is not None:
                k = np.minimum(k, math.floor((self.high - base) / self.step + TOLERANCE))
            out = base + k * self.step
        return np.asarray(out, dtype=np.float64)

    def _bounded(self) -> bool:
        return self.low is not None or self.high is not None

    def valid(self, v: FloatArray) -> BoolArray:
        """Which entries of ``v`` are valid values of this column."""
        import numpy as np

        ok = np.isfinite(v)
        if self.kind is Kind.CATEGORICAL:
            allowed = np.asarray(self.values, dtype=np.float64)
            return ok & (np.abs(v[:, None] - allowed[None, :]) <= TOLERANCE).any(axis=1)
        if self.low is not None:
            ok &= v >= self.low - TOLERANCE
        if self.high is not None:
            ok &= v <= self.high + TOLERANCE
        if self.kind is Kind.INTEGER:
            assert self.step is not None
            k = (np.where(ok, v, self._base()) - self._base()) / self.step
            ok &= np.abs(k - np.round(k)) <= TOLERANCE * max(1.0, float(np.abs(k).max(initial=0)))
        return np.asarray(ok, dtype=np.bool_)

    def to_mapping(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": self.kind.value}
        if self.low is not None:
            out["min"] = self.low
        if self.high is not None:
            out["max"] = self.high
        if self.step is not None:
            out["step"] = self.step
        if self.values:
            out["values"] = list(self.values)
        if self.immutable:
            out["immutable"] = True
        return out
