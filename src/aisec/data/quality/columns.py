"""Column roles for the quality indicators: numeric, categorical, free text, identifier.

A column is numeric when nearly all its values parse as numbers (CSV cells arrive as
text); free text when its values are long and worded; an identifier when nearly every
value is distinct (row ids, hashes, names), which makes it useless as a feature and
would hide duplicated rows that differ only in their id. The label column is kept apart.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd  # type: ignore[import-untyped]
from numpy.typing import NDArray

from aisec.core.errors import ConfigError

Kind = Literal["numeric", "categorical", "text", "identifier", "empty"]
FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

_NUMERIC_SHARE = 0.98  # of non-null values parsing as numbers
_ID_DISTINCT = 0.99
_TEXT_CHARS = 24.0  # mean length of a free-text value
_TEXT_WORDS = 3.0
_SCALED_CAP = 1e6  # spreads from the median; farther is "very far" either way


@dataclass(frozen=True)
class Prepared:
    """A frame split by role; ``numeric`` holds NaN for nulls and unparsable cells."""

    n_rows: int
    kinds: dict[str, Kind]
    numeric: dict[str, FloatArray]
    categorical: dict[str, pd.Series]  # normalised text, None for null
    text: dict[str, pd.Series]
    label_name: str | None = None
    labels: list[str | None] = field(default_factory=list)  # the label as text per row

    @property
    def features(self) -> list[str]:
        return [c for c, k in self.kinds.items() if k in ("numeric", "categorical", "text")]

    def class_indices(self) -> tuple[IntArray, list[str], NDArray[np.bool_]]:
        """Labels as indices into the sorted class names; the mask marks rows with a label."""
        has = np.array([v is not None for v in self.labels], dtype=bool)
        classes = sorted({v for v in self.labels if v is not None})
        index = {c: i for i, c in enumerate(classes)}
        y = np.array([index[v] if v is not None else -1 for v in self.labels], dtype=np.int64)
        return y, classes, has


def normalise_text(value: object) -> str | None:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a label 1.0 read from Parquet and 1 read from CSV agree
    text = unicodedata.normalize("NFKC", str(value))
    return " ".join(text.split()).casefold()


def infer_kind(values: pd.Series) -> Kind:
    present = values.dropna()
    if present.empty:
        return "empty"
    numbers = pd.to_numeric(present, errors="coerce")
    if numbers.notna().mean() >= _NUMERIC_SHARE and not pd.api.types.is_bool_dtype(present):
        whole = bool(np.all(np.mod(numbers.dropna().to_numpy(dtype=float), 1.0) == 0))
        if whole and len(present) >= 20 and numbers.nunique() >= _ID_DISTINCT * len(present):
            return "identifier"
        return "numeric"
    text = present.astype(str)
    if text.str.len().mean() >= _TEXT_CHARS and text.str.split().str.len().mean() >= _TEXT_WORDS:
        return "text"
    if len(present) >= 20 and text.nunique() >= _ID_DISTINCT * len(present):
        return "identifier"
    return "categorical"


def prepare(
    frame: pd.DataFrame, *, label: str | None = None, kinds: dict[str, Kind] | None = None
) -> Prepared:
    """Split ``frame`` by role; ``kinds`` imposes another frame's roles (a test set)."""
    if label is not None and label not in frame.columns:
        raise ConfigError(
            f"label column {label!r} is not in the data",
            hint=f"columns: {', '.join(map(str, list(frame.columns)[:20]))}",
        )
    found: dict[str, Kind] = {}
    numeric: dict[str, FloatArray] = {}
    categorical: dict[str, pd.Series] = {}
    text: dict[str, pd.Series] = {}
    for name in frame.columns:
        if name == label:
            continue
        kind = kinds.get(name, "empty") if kinds is not None else infer_kind(frame[name])
        found[name] = kind
        column = frame[name]
        if kind == "numeric":
            parsed = pd.to_numeric(column, errors="coerce").to_numpy(dtype=np.float64)
            numeric[name] = np.where(np.isfinite(parsed), parsed, np.nan) + 0.0  # -0.0 -> 0.0
        elif kind == "categorical":
            categorical[name] = column.map(normalise_text).astype(object)
        elif kind == "text":
            text[name] = column.map(normalise_text).astype(object)
    labels: list[str | None] = []
    if label is not None:
        labels = [normalise_text(v) for v in frame[label].tolist()]
    return Prepared(len(frame), found, numeric, categorical, text, label, labels)


def robust_scale(values: FloatArray) -> FloatArray:
    """(x - median) / spread with nulls at the median; spread from the IQR, else the std."""
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return np.zeros_like(values)
    centre = float(np.median(finite))
    q1, q3 = np.percentile(finite, [25, 75])
    # Differences of values near the float limits overflow (1e308 - -1e308 is inf): the
    # spread falls back to 1 when not finite, and scaled values are clipped, so an extreme
    # but finite value is a far outlier rather than an infinity that breaks neighbours.
    with np.errstate(over="ignore", invalid="ignore"):
        spread = float(q3 - q1) / 1.349
        if not np.isfinite(spread) or spread == 0:
            spread = float(finite.std())
        if not np.isfinite(spread) or spread == 0:
            spread = 1.0
        scaled = (values - centre) / spread
    scaled = np.where(np.isfinite(values), scaled, 0.0)
    return np.nan_to_num(np.clip(scaled, -_SCALED_CAP, _SCALED_CAP), nan=0.0)
