"""The demo's third part: test the tumour-screening model as an attacker and an auditor
would, with a plan built here (the same format as ``aisec test PLAN.yaml``).

The model is trained by the plan on scikit-learn's breast-cancer data, which ships with
scikit-learn, so the demo needs nothing from the network. Some thresholds are set where
a cautious risk owner would set them, so the report shows failed tests beside passed ones.
"""

from __future__ import annotations

from typing import Any

from aisec.assurance.plans.result import PlanReport
from aisec.core.settings import Settings

DEMO_PLAN: dict[str, Any] = {
    "name": "tumour-screening model assurance (demo)",
    "seed": 0,
    "target": {"train": {"estimator": "mlp", "params": {"hidden_layer_sizes": [32]}}},
    "data": {"source": "sklearn:breast_cancer", "test_size": 0.3},
    "tests": [
        {
            "name": "evasion",
            "type": "evasion",
            "params": {
                "epsilons": [0.02, 0.05, 0.1], "max_rows": 150, "square_queries": 200,
                "hsj_iterations": 10,
            },
            "thresholds": [
                {"metric": "robust_accuracy", "where": {"attack": "worst", "epsilon": 0.05},
                 "min": 0.8},
            ],
        },
        {
            "name": "membership inference",
            "type": "membership_inference",
            "params": {"n_shadow": 2, "n_boot": 200},
            "thresholds": [
                {"metric": "auc", "where": {"attack": "loss"}, "max": 0.6, "judge_on": "ci_low"},
            ],
        },
        {
            "name": "extraction",
            "type": "extraction",
            "params": {"budgets": [100, 1000]},
            "thresholds": [
                {"metric": "fidelity", "where": {"budget": 1000, "surrogate": "logistic"},
                 "max": 0.9, "severity": "medium"},
            ],
        },
        {
            "name": "training-set audit",
            "type": "label_audit",
            "thresholds": [{"metric": "label_issues.fraction", "max": 0.05}],
        },
        {
            "name": "explanations",
            "type": "explainability",
            "params": {"n_repeats": 3, "seeds": 3},
            "thresholds": [{"metric": "top_k_stability", "min": 0.6, "severity": "low"}],
        },
    ],
}  # fmt: skip


def run_demo_plan(settings: Settings) -> PlanReport:
    from aisec.assurance.plans.catalogue import KNOWN_TYPES
    from aisec.assurance.plans.spec import plan_from_mapping
    from aisec.services.testing import run_plan

    plan = plan_from_mapping(DEMO_PLAN, known_types=KNOWN_TYPES, source="<aisec demo>")
    return run_plan(plan, settings)
