"""A predictions-only target: recorded inputs and the model's answers, nothing else.

For models that cannot be run here (a vendor's, a production system's): the owner hands
over a file of inputs with the labels, and optionally the probabilities, the model gave.
The target answers only for rows it holds, matched exactly on their float64 values;
any other row is an :class:`UnknownRows` error, never a guess. NPZ files are read with
``allow_pickle=False`` so that a hostile file cannot run code.

* NPZ: arrays ``x`` (rows x features), ``y`` (labels) and optionally ``proba``
  (rows x classes, columns in the order of the sorted labels, or of ``classes``).
* CSV: a header; the feature columns, a label column and optionally one probability
  column per class (``proba_columns``), all numeric except the label.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aisec.assurance.targets.base import (
    BaseTarget,
    Capability,
    FloatArray,
    IntArray,
    answer_capabilities,
)
from aisec.assurance.targets.errors import UnknownRows

if TYPE_CHECKING:
    from numpy.typing import NDArray


class PredictionsFileTarget(BaseTarget):
    name = "predictions"

    def __init__(
        self,
        x: Any,
        labels: Any,
        proba: Any | None = None,
        *,
        classes: Sequence[Any] | None = None,
        budget: int | None = None,
        name: str | None = None,
    ) -> None:
        import numpy as np

        super().__init__(budget=budget, name=name)
        self._x = np.ascontiguousarray(np.asarray(x, dtype=np.float64))
        raw = np.asarray(labels).reshape(-1)
        if self._x.ndim != 2 or len(raw) != len(self._x):
            raise ValueError("x must be rows x features with one label per row")
        self._class_values = np.asarray(sorted(set(raw.tolist())) if classes is None else classes)
        self._y = np.asarray(np.searchsorted(self._class_values, raw), dtype=np.int64)
        self._proba = None if proba is None else np.asarray(proba, dtype=np.float64)
        if self._proba is not None and self._proba.shape != (len(self._x), len(self._class_values)):
            raise ValueError(
                f"proba must be {len(self._x)} x {len(self._class_values)} (rows x classes)"
            )
        # Exact byte keys: a perturbed row is a different input, whatever its distance.
        self._index = {row.tobytes(): i for i, row in enumerate(self._x)}

    @classmethod
    def from_npz(cls, path: str | Path, **kwargs: Any) -> PredictionsFileTarget:
        import numpy as np

        with np.load(path, allow_pickle=False) as data:
            proba = data["proba"] if "proba" in data.files else None
            return cls(
                data["x"], data["y"], proba, name=kwargs.pop("name", Path(path).name), **kwargs
            )

    @classmethod
    def from_csv(
        cls,
        path: str | Path,
        *,
        feature_columns: Sequence[str],
        label_column: str,
        proba_columns: Sequence[str] | None = None,
        **kwargs: Any,
    ) -> PredictionsFileTarget:
        with Path(path).open(newline="") as handle:
            rows = list(csv.DictReader(handle))
        if not rows:
            raise ValueError(f"{path}: no rows")
        missing = [
            c for c in (*feature_columns, label_column, *(proba_columns or ())) if c not in rows[0]
        ]
        if missing:
            raise ValueError(f"{path}: no column(s) {', '.join(missing)}")
        x = [[_float(r, c, i) for c in feature_columns] for i, r in enumerate(rows)]
        labels = [_label(r[label_column]) for r in rows]
        proba = (
            None
            if proba_columns is None
            else [[_float(r, c, i) for c in proba_columns] for i, r in enumerate(rows)]
        )
        return cls(x, labels, proba, name=kwargs.pop("name", Path(path).name), **kwargs)

    @property
    def capabilities(self) -> frozenset[Capability]:
        return answer_capabilities(self._proba is not None)

    @property
    def classes(self) -> NDArray[Any]:
        return self._class_values

    @property
    def inputs(self) -> FloatArray:
        """The recorded inputs, the only rows this target can answer for."""
        return self._x.copy()

    def _rows(self, x: FloatArray) -> IntArray:
        import numpy as np

        found = [self._index.get(np.ascontiguousarray(row).tobytes(), -1) for row in x]
        rows = np.asarray(found, dtype=np.int64)
        unknown = np.flatnonzero(rows < 0)
        if len(unknown):
            raise UnknownRows(self.name, len(unknown), int(unknown[0]))
        return rows

    def _labels(self, x: FloatArray) -> IntArray:
        return self._y[self._rows(x)]

    def _scores(self, x: FloatArray) -> FloatArray:
        assert self._proba is not None  # guarded by the SCORES capability
        return self._proba[self._rows(x)]


def _float(row: dict[str, str], column: str, index: int) -> float:
    try:
        return float(row[column])
    except ValueError:
        # Line numbers count the header, as an editor shows them.
        raise ValueError(
            f"line {index + 2}, column {column!r}: {row[column]!r} is not a number"
        ) from None


def _label(text: str) -> Any:
    # Integer labels stay integers so that they sort as numbers, not as strings.
    try:
        return int(text)
    except ValueError:
        return text
