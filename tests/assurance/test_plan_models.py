"""One plan over every kind of model the issue names, on real data (breast cancer):
logistic regression, an MLP, a random forest, gradient boosting, a small torch network
and an ONNX export. Every test runs or is skipped for a stated capability; none errs,
and the attacks adapt to what each target allows."""

from __future__ import annotations

import pytest

from aisec.assurance.plans.catalogue import KNOWN_TYPES
from aisec.assurance.plans.result import Status
from aisec.assurance.plans.runner import run_plan
from aisec.assurance.plans.spec import plan_from_mapping

TESTS = [
    {
        "name": "evasion",
        "type": "evasion",
        "params": {
            "epsilons": [0.05, 0.2], "max_rows": 40, "pgd_steps": 10, "restarts": 1,
            "square_queries": 60, "hsj_iterations": 4,
        },
    },
    {"name": "extraction", "type": "extraction", "params": {"budgets": [50, 300]}},
    {"name": "membership", "type": "membership_inference", "params": {"n_shadow": 2, "n_boot": 50}},
    {"name": "audit", "type": "label_audit", "params": {"folds": 3}},
    {"name": "explain", "type": "explainability", "params": {"n_repeats": 2, "seeds": 2}},
]  # fmt: skip


def _run(target):
    plan = plan_from_mapping(
        {
            "name": "zoo",
            "target": target,
            "data": {"source": "sklearn:breast_cancer"},
            "tests": TESTS,
        },
        known_types=KNOWN_TYPES,
    )
    report = run_plan(plan, jobs=1)
    by_name = {o.name: o for o in report.outcomes}
    errors = {o.name: o.error for o in report.outcomes if o.status is Status.ERROR}
    assert not errors, errors
    return by_name


def _attacks(outcome):
    return {m.params["attack"] for m in outcome.measurements if m.name == "evasion.robust_accuracy"}


@pytest.mark.parametrize(
    ("estimator", "attacks"),
    [
        ("logistic_regression", {"fgsm", "pgd", "square", "hopskipjump", "worst"}),
        ("mlp", {"fgsm", "pgd", "square", "hopskipjump", "worst"}),
        ("random_forest", {"square", "hopskipjump", "worst"}),
        ("gradient_boosting", {"square", "hopskipjump", "worst"}),
    ],
)
def test_scikit_learn_models(estimator, attacks):
    outcomes = _run({"train": {"estimator": estimator}})
    assert _attacks(outcomes["evasion"]) == attacks
    assert outcomes["audit"].status is Status.PASSED  # retrainable: the plan trained it
    fidelity = outcomes["extraction"].measurements
    assert any(m.name == "extraction.fidelity" and m.value > 0.8 for m in fidelity)


def test_a_small_torch_network():
    pytest.importorskip("torch")
    outcomes = _run({"train": {"estimator": "torch_mlp", "params": {"epochs": 20}}})
    assert _attacks(outcomes["evasion"]) == {"fgsm", "pgd", "square", "hopskipjump", "worst"}
    assert outcomes["audit"].status is Status.SKIPPED  # no recipe to retrain it with


def test_an_onnx_export(tmp_path):
    skl2onnx = pytest.importorskip("skl2onnx")
    pytest.importorskip("onnxruntime")
    from skl2onnx.common.data_types import FloatTensorType
    from sklearn.datasets import load_breast_cancer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    x, y = load_breast_cancer(return_X_y=True)
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000)).fit(x, y)
    onnx = skl2onnx.convert_sklearn(
        model, initial_types=[("x", FloatTensorType([None, x.shape[1]]))], options={"zipmap": False}
    )
    path = tmp_path / "model.onnx"
    path.write_bytes(onnx.SerializeToString())
    outcomes = _run({"model": str(path), "classes": [0, 1]})
    assert _attacks(outcomes["evasion"]) == {"square", "hopskipjump", "worst"}  # no gradients
    assert outcomes["audit"].status is Status.SKIPPED
    auc = [m for m in outcomes["membership"].measurements if m.name == "privacy.mia.auc"]
    assert {m.params["attack"] for m in auc} >= {"loss", "confidence"}
