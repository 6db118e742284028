"""run_extraction against a real MLP on digits: fidelity rises with the budget, nested
budgets cost the largest one, label-only targets work, and a spent budget stops early."""

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier

from aisec.assurance.extraction import run_extraction
from aisec.assurance.outcome import AssuranceData
from aisec.assurance.schema import FeatureSchema
from aisec.assurance.targets import CallableTarget, SklearnTarget
from aisec.core.errors import ConfigError


@pytest.fixture(scope="module")
def digits():
    x, y = load_digits(return_X_y=True)
    xtr, xte, ytr, yte = train_test_split(x, y, test_size=0.3, stratify=y, random_state=0)
    return AssuranceData(x_test=xte, y_test=yte, x_train=xtr, y_train=ytr)


@pytest.fixture(scope="module")
def mlp(digits):
    model = MLPClassifier(hidden_layer_sizes=(64,), max_iter=500, random_state=0)
    return model.fit(digits.x_train, digits.y_train)


@pytest.fixture(scope="module")
def logistic_run(digits, mlp):
    target = SklearnTarget(mlp)
    result = run_extraction(target, digits, budgets=(1000, 100, 3000), surrogates=("logistic",))
    return target, result


def test_fidelity_rises_with_the_budget(logistic_run):
    _, result = logistic_run
    fidelity = [
        result.get("extraction.fidelity", budget=b, surrogate="logistic").value
        for b in (100, 1000, 3000)
    ]
    assert fidelity[0] > 0.8
    assert fidelity[1] >= 0.85
    assert fidelity[1] > fidelity[0] + 0.02
    assert fidelity[2] >= fidelity[1] - 0.01
    accuracy = result.get("extraction.accuracy", budget=1000, surrogate="logistic")
    target_accuracy = result.get("extraction.target_accuracy")
    assert accuracy.value <= target_accuracy.value + 0.02
    assert target_accuracy.value > 0.93


def test_budgets_are_nested_and_every_query_is_counted(logistic_run, digits):
    target, result = logistic_run
    eval_rows = result.details["eval_rows"]
    assert eval_rows == len(digits.x_test) // 2
    assert result.details["attack_queries"] == 3000
    assert target.budget.used == eval_rows + 3000
    curve = result.details["curve"]
    assert [c["budget"] for c in curve] == [100, 1000, 3000]
    for point in curve:
        assert point["ci_low"] <= point["fidelity"] <= point["ci_high"]
    m = result.get("extraction.fidelity", budget=100)
    assert m.n == eval_rows
    assert m.params["surrogate"] == "logistic"


def test_label_only_target_with_two_surrogates(digits, mlp):
    target = CallableTarget(predict=mlp.predict, classes=list(range(10)))
    result = run_extraction(target, digits, budgets=(500,), surrogates=("logistic", "forest"))
    for name in ("logistic", "forest"):
        assert result.get("extraction.fidelity", budget=500, surrogate=name).value > 0.85


def test_a_spent_budget_stops_at_the_largest_affordable_level(digits, mlp):
    target = SklearnTarget(mlp, budget=270 + 1500)
    result = run_extraction(target, digits, budgets=(100, 1000, 10000), surrogates=("logistic",))
    assert [c["budget"] for c in result.details["curve"]] == [100, 1000]
    assert any("stopped at 1000 queries" in n and "10000" in n for n in result.notes)
    assert target.budget.used == 270 + 1000
    small = SklearnTarget(mlp, budget=100)
    with pytest.raises(ConfigError, match="evaluation rows"):
        run_extraction(small, digits)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"budgets": ()}, "query budgets"),
        ({"budgets": (1,)}, "query budgets"),
        ({"budgets": (10.5,)}, "query budgets"),
        ({"surrogates": ("svm",)}, "surrogate"),
    ],
)
def test_bad_settings_cost_no_query(digits, mlp, kwargs, message):
    target = SklearnTarget(mlp)
    with pytest.raises(ConfigError, match=message):
        run_extraction(target, digits, **kwargs)
    assert target.budget.used == 0


def test_queries_sent_to_the_target_respect_the_schema(digits, mlp):
    # Pixel 0 of every digit is blank: declared immutable, it must stay 0 in every query.
    schema = FeatureSchema.infer(digits.x_test, immutable=["x0"], names=digits.feature_names)
    data = AssuranceData(x_test=digits.x_test, y_test=digits.y_test, schema=schema)
    seen = []

    def predict(x):
        seen.append(np.array(x))
        return mlp.predict(x)

    target = CallableTarget(predict=predict, classes=list(range(10)))
    run_extraction(target, data, budgets=(800,), surrogates=("logistic",))
    queries = np.vstack(seen[1:])  # the first batch is the evaluation rows
    assert len(queries) == 800
    assert (queries[:, 0] == 0).all()
    assert schema.valid_rows(queries).all()
