"""A detector that is a Python function: ``package.module:function`` or
``path/to/file.py:function`` (:func:`aisec.core.user_code.resolve`), called with a
DataFrame of the ``inputs`` columns and answering one score per row (higher = more
malicious)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from aisec.core.errors import ConfigError, InputError
from aisec.core.user_code import resolve

if TYPE_CHECKING:
    import pandas as pd  # type: ignore[import-untyped]


@dataclass
class CallableScores:
    """A Python function as a detector. ``function`` is a callable, or the spec string
    :func:`aisec.core.user_code.resolve` reads. Columns holding only numbers reach it as numbers."""

    function: Callable[..., Any] | str
    inputs: list[str]
    name: str = ""
    digest: str = field(default="", init=False)

    def __post_init__(self) -> None:
        if isinstance(self.function, str):
            self.spec = self.function
            self.function, self.digest = resolve(self.function)
        else:
            self.spec = getattr(self.function, "__qualname__", repr(self.function))
        if not self.inputs:
            raise ConfigError("a Python detector needs its input columns")
        self.name = self.name or self.spec

    @property
    def text_input(self) -> str | None:
        return self.inputs[0] if len(self.inputs) == 1 else None

    def describe(self) -> dict[str, Any]:
        return {"kind": "callable", "name": self.name, "callable": self.spec,
                "inputs": self.inputs, "sha256": self.digest}  # fmt: skip

    def score(self, frame: pd.DataFrame) -> np.ndarray:
        missing = [c for c in self.inputs if c not in frame.columns]
        if missing:
            raise InputError(f"no input column {missing[0]!r}")
        return self._call(_typed(frame[self.inputs].reset_index(drop=True)))

    def score_texts(self, texts: list[str]) -> np.ndarray:
        import pandas as pd

        return self._call(pd.DataFrame({self.inputs[0]: texts}))

    def _call(self, rows: pd.DataFrame) -> np.ndarray:
        assert callable(self.function)
        try:
            answer = self.function(rows)
        except Exception as exc:  # the detector's own failure, reported as such
            raise InputError(f"{self.name} failed: {type(exc).__name__}: {exc}") from None
        try:
            scores = np.asarray(answer, dtype=np.float64).reshape(-1)
        except (TypeError, ValueError):
            raise InputError(f"{self.name} answered something that is not scores") from None
        if scores.shape[0] != len(rows):
            raise InputError(f"{self.name} answered {scores.shape[0]} scores for {len(rows)} rows")
        if not np.isfinite(scores).all():
            raise InputError(f"{self.name} answered a score that is not a finite number")
        return scores


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    """Columns that are all numbers as numbers (a CSV reader keeps every cell as text),
    the others as they are."""
    import pandas as pd

    typed = {}
    for column in frame.columns:
        numbers = pd.to_numeric(frame[column], errors="coerce")
        same = int(numbers.notna().sum()) == int(frame[column].notna().sum())
        typed[column] = numbers if same else frame[column]
    return pd.DataFrame(typed)
