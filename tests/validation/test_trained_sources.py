"""Train-on-one sources: rows shared by the training file and the data validated are
counted whatever the files' formats, and the description says what was trained on."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from aisec.core.errors import ConfigError, InputError
from aisec.validation.trained import TrainedScores

pytest.importorskip("sklearn")
pytest.importorskip("pyarrow")


def frame(seed: int, rows: int = 400) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 5, size=(rows, 2)).astype(float)
    y = (x[:, 0] + rng.normal(size=rows)) > 2
    return pd.DataFrame({"label": y.astype(int), "a": x[:, 0], "b": x[:, 1]})


def test_shared_rows_are_found_across_csv_and_parquet(tmp_path):
    train = frame(1)
    train.to_csv(tmp_path / "train.csv", index=False)
    test = train.iloc[:50].copy()
    test.to_parquet(tmp_path / "test.parquet")
    source = TrainedScores("logistic-regression", tmp_path / "train.csv", "label",
                           features=["a", "b"])  # fmt: skip
    source.score(pd.read_parquet(tmp_path / "test.parquet"))
    described = source.describe()
    assert described["shared_rows"] == 50
    assert described["train"]["rows"] == 400 and len(described["train"]["sha256"]) == 64
    assert "50 of the 50 rows validated also appear" in source.notes[0]


def test_a_recipe_needs_its_inputs_and_a_file():
    with pytest.raises(ConfigError, match="--text"):
        TrainedScores("tfidf-logistic", __import__("pathlib").Path(__file__), "label")
    with pytest.raises(InputError, match="no such training file"):
        TrainedScores("random-forest", __import__("pathlib").Path("/nonexistent.csv"),
                      "label", features=["a"])  # fmt: skip


def test_missing_nullable_labels_are_reported():
    from aisec.validation.labels import label_column

    labels = pd.DataFrame({"label": pd.array([1, None, 0], dtype="Int64")})
    with pytest.raises(InputError, match="row 2 has no label"):
        label_column(labels, "label", None)


def test_a_detector_file_with_a_dataclass_loads(tmp_path):
    from aisec.core.user_code import resolve

    path = tmp_path / "det.py"
    path.write_text(
        "from __future__ import annotations\nfrom dataclasses import dataclass\n\n"
        "@dataclass\nclass Weights:\n    a: float = 1.0\n\n"
        "def score(rows):\n    return rows['a'] * Weights().a\n",
        encoding="utf-8",
    )
    function, digest = resolve(f"{path}:score")
    assert callable(function) and len(digest) == 64
