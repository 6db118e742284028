"""Which rows are malicious: a label column read as booleans."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from aisec.core.errors import InputError

if TYPE_CHECKING:
    import pandas as pd  # type: ignore[import-untyped]

TRUE_WORDS = frozenset({"1", "1.0", "true", "yes", "y", "t", "malicious", "attack", "fraud"})
FALSE_WORDS = frozenset({"0", "0.0", "false", "no", "n", "f", "benign", "normal", "legit"})


def label_column(frame: pd.DataFrame, column: str, positive: str | None) -> np.ndarray:
    """Booleans, True for malicious: rows equal to ``positive``, or, without it, labels
    that read as 0/1, true/false, benign/malicious."""
    if column not in frame.columns:
        raise InputError(f"no label column {column!r}", hint=f"columns: {list(frame.columns)[:20]}")
    raw = ["" if is_missing(v) else str(v).strip() for v in frame[column].tolist()]
    if "" in raw:
        row = raw.index("")
        raise InputError(
            f"label column {column!r}: row {row + 1} has no label "
            f"({raw.count('')} rows without one)",
            hint="label every row, or leave the unlabelled rows out of the file",
        )
    if positive is not None:
        wanted = positive.strip()
        number = _number(wanted)
        if number is not None and all(_number(v) is not None for v in raw):
            return np.array([_number(v) == number for v in raw], dtype=bool)
        return np.array([v == wanted for v in raw], dtype=bool)
    words = {v.lower() for v in raw}
    if words <= TRUE_WORDS | FALSE_WORDS:
        return np.array([v.lower() in TRUE_WORDS for v in raw], dtype=bool)
    sample = ", ".join(sorted(words)[:6])
    raise InputError(
        f"label column {column!r} holds {sample}: which of them means malicious?",
        hint="say it with --positive VALUE",
    )


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def is_missing(value: Any) -> bool:
    """None, a float NaN (pandas' empty cell) or pandas' NA (a nullable column's)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return True
    return type(value).__name__ == "NAType"
