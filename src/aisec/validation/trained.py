"""Train on one dataset, test on another: a recipe (aisec.validation.recipes) fitted on a
training file, as a score source of ``aisec validate``.

Several training files and recipes side by side give the generalisation leaderboard: how
much a detector loses when the data it meets is not the data it learnt from. Rows that
appear in both files (same inputs) are counted and reported, since they inflate the
result.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from aisec.core.errors import ConfigError, InputError
from aisec.validation.labels import label_column
from aisec.validation.recipes import RECIPES, Scorer
from aisec.validation.sources import numeric_column, text_column

if TYPE_CHECKING:
    import pandas as pd  # type: ignore[import-untyped]

MAX_TRAIN_ROWS = 5_000_000


@dataclass
class TrainedScores:
    recipe: str
    train: Path
    label: str
    positive: str | None = None
    features: list[str] = field(default_factory=list)  # tabular recipes
    text: str | None = None  # text recipes
    seed: int = 0
    name: str = ""
    notes: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.recipe not in RECIPES:
            raise ConfigError(f"no recipe {self.recipe!r}", hint=f"recipes: {', '.join(RECIPES)}")
        self.kind = RECIPES[self.recipe].kind
        if self.kind == "text" and not self.text:
            raise ConfigError(f"recipe {self.recipe} reads text: name the column with --text")
        if self.kind == "tabular" and not self.features:
            raise ConfigError(f"recipe {self.recipe} needs feature columns (--features)")
        if not self.train.is_file():
            raise InputError(f"no such training file: {self.train}", hint="check the path")
        self.name = self.name or f"{self.recipe} trained on {self.train.name}"
        self._scorer: Scorer | None = None
        self._described: dict[str, Any] = {}

    @property
    def text_input(self) -> str | None:
        return self.text if self.kind == "text" else None

    @property
    def columns(self) -> list[str]:
        return [self.text] if self.kind == "text" and self.text else list(self.features)

    def describe(self) -> dict[str, Any]:
        return {"kind": "trained", "name": self.name, "recipe": self.recipe,
                "recipe_description": RECIPES[self.recipe].description,
                "inputs": self.columns, **self._described}  # fmt: skip

    def score(self, frame: pd.DataFrame) -> np.ndarray:
        scorer = self._fitted(frame)
        return scorer(self._inputs(frame))

    def score_texts(self, texts: list[str]) -> np.ndarray:
        if self._scorer is None:
            raise ConfigError("score the data before its rewrites: the recipe is not fitted")
        return self._scorer(texts)

    def _shared_rows(self, train_inputs: Any, test: pd.DataFrame) -> int:
        """Test rows whose inputs equal some training row's."""
        try:
            tested = self._inputs(test)
        except InputError:  # the test data lacks a column: score() will say so
            return 0
        seen = set(_keys(train_inputs))
        return sum(1 for key in _keys(tested) if key in seen)

    def _inputs(self, frame: pd.DataFrame) -> Any:
        if self.kind == "text":
            assert self.text is not None
            return text_column(frame, self.text)
        return np.column_stack([numeric_column(frame, c, "feature") for c in self.features])

    def _fitted(self, test: pd.DataFrame) -> Scorer:
        if self._scorer is not None:
            return self._scorer
        from aisec.data.quality.table import ReadCaps, read_table

        table = read_table(self.train, caps=ReadCaps(max_rows=MAX_TRAIN_ROWS))
        frame = table.frame
        labels = label_column(frame, self.label, self.positive)
        if labels.all() or not labels.any():
            raise InputError(f"{self.train}: the training file holds one class only")
        started = time.perf_counter()
        inputs = self._inputs(frame)
        try:
            self._scorer, params = RECIPES[self.recipe].fit(inputs, labels, self.seed)
        except InputError:
            raise
        except ValueError as exc:  # scikit-learn's refusals (too few rows of a class, ...)
            raise InputError(f"{self.train}: {self.recipe} cannot be trained: {exc}") from None
        shared = self._shared_rows(inputs, test)
        if shared:
            self.notes.append(
                f"{shared} of the {len(test)} rows validated also appear in the training "
                f"file {self.train.name} (same inputs): the result is optimistic"
            )
        if table.truncated:
            self.notes.append(f"trained on the first {len(frame)} rows of {self.train.name}")
        self._described = {
            "train": {"path": str(self.train), "sha256": table.sha256, "rows": len(frame),
                      "positives": int(labels.sum()), "negatives": int((~labels).sum()),
                      "label": self.label, "truncated": table.truncated},
            "params": params, "seed": self.seed, "shared_rows": shared,
            "train_seconds": round(time.perf_counter() - started, 3),
        }  # fmt: skip
        return self._scorer


def _keys(inputs: Any) -> list[Any]:
    """Rows as comparable keys: the texts, or each numeric row's bytes (so that a CSV's
    "1" and a Parquet file's 1.0 are the same row once read as the detector reads them)."""
    if isinstance(inputs, list):
        return inputs
    rows = np.ascontiguousarray(inputs, dtype=np.float64) + 0.0  # -0.0 reads as 0.0
    return [row.tobytes() for row in rows]
