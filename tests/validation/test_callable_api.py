"""The Python API validates a function in the caller's own process (a notebook's model)
the way the CLI validates ``--callable``: same metrics, the function's name recorded."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import aisec
from aisec.core.errors import ConfigError, InputError
from aisec.validation.callable_source import CallableScores
from aisec.validation.evaluate import Options, evaluate


@pytest.fixture
def alerts(tmp_path):
    rng = np.random.default_rng(4)
    labels = rng.random(800) < 0.3
    amount = rng.normal(size=800) + 2.0 * labels
    path = tmp_path / "alerts.csv"
    pd.DataFrame(
        {"label": labels.astype(int), "amount": amount, "country": rng.choice(["PT", "DE"], 800)}
    ).to_csv(path, index=False)
    return path, labels, amount


def scorer(rows):
    assert rows["amount"].dtype.kind == "f"  # numbers arrive as numbers, text as text
    assert set(rows["country"]) <= {"PT", "DE"}
    return rows["amount"].to_numpy() * 2.0


def test_a_function_validates_like_its_scores(alerts):
    path, labels, amount = alerts
    options = Options(n_boot=100, seed=0)
    spec = aisec.ValidationSpec(
        path, "label", [CallableScores(scorer, ["amount", "country"])], options=options
    )
    report = aisec.validate(spec)
    [outcome] = report.outcomes
    assert outcome.details["detector"]["callable"] == "scorer"
    expected = evaluate(amount * 2.0, labels, options=options)
    assert outcome.details["evaluation"]["roc_auc"] == expected.as_json()["roc_auc"]


def test_a_function_answering_the_wrong_shape_is_an_input_error(alerts):
    path, _, _ = alerts
    spec = aisec.ValidationSpec(
        path,
        "label",
        [CallableScores(lambda rows: [[0.1, 0.9]] * len(rows), ["amount"], name="proba")],
    )
    with pytest.raises(InputError, match="answered 1600 scores for 800 rows"):
        aisec.validate(spec)


def test_a_function_needs_inputs():
    with pytest.raises(ConfigError):
        CallableScores(scorer, [])
