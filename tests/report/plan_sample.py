"""A plan report built in code for the plan renderer tests: one outcome of each status,
undefined (NaN) values, numpy numbers, a ROC curve, many groups, and hostile text (markup,
``<script>``, NUL bytes, lone surrogates) in names, notes and params."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import numpy as np

from aisec.assurance.plans.result import Judgement, PlanReport, Status, TestOutcome
from aisec.core.finding import Finding, Location
from aisec.core.run import Measurement, Run
from aisec.core.severity import Severity

NAN = float("nan")
HOSTILE = "evil<script>alert(1)</script>\x00\ud800[bold]&"
HOSTILE_NOTE = "note with <script>x</script>, a NUL \x00 and a surrogate \udcff"
PASSED_NAME = "fairness-by-group"
FAILED_NAME = "evasion-pgd"
ERROR_NAME = "extraction-budget"
SKIPPED_NAME = "explain-shap"


def _evasion() -> TestOutcome:
    measurements = []
    for attack in ("fgsm", "pgd"):
        for eps, value in ((0.0, 0.95), (0.05, 0.8), (0.1, 0.62), (0.2, NAN)):
            low, high = (None, None) if math.isnan(value) else (value - 0.04, value + 0.03)
            params = {"epsilon": eps, "attack": attack, "ci_method": "wilson", "seed": 7}
            if math.isnan(value):
                params["note"] = "no rows left"
            measurements.append(
                Measurement("evasion.robust_accuracy", value, low, high, 200, "", params)
            )
    failing = measurements[2 + 4]  # pgd at epsilon 0.1
    judgements = [
        Judgement(
            description="evasion.robust_accuracy[epsilon=0.1, attack=pgd] >= 0.7",
            metric="evasion.robust_accuracy",
            passed=False,
            severity="high",
            judged_value=0.58,
            judged_on="ci_low",
            measurement=failing,
            reason="0.58 (the interval's lower bound) is below 0.7",
        ),
        Judgement(
            description="evasion.robust_accuracy[epsilon=0.0, attack=pgd] >= 0.9",
            metric="evasion.robust_accuracy",
            passed=True,
            severity="medium",
            judged_value=0.91,
            judged_on="ci_low",
            measurement=measurements[4],
        ),
    ]
    return TestOutcome(
        name=FAILED_NAME,
        type="evasion",
        target="model.onnx",
        status=Status.FAILED,
        params={"epsilons": [0.0, 0.05, 0.1, 0.2], "norm": "inf"},
        measurements=measurements,
        judgements=judgements,
        details={
            "roc": {"loss": {"fpr": [0.0, 0.1, 0.5, 1.0], "tpr": [0.0, 0.5, NAN, 1.0]}},
            "per_sample": np.array([0.1, NAN, np.inf]),
            "score": np.float64(NAN),
            "count": np.int64(3),
        },
        notes=["fgsm is a single step"],
        seconds=12.5,
        queries=4000,
    )


def _fairness() -> TestOutcome:
    # 35 groups (more than a bar chart shows), one hostile, one undefined.
    measurements = [
        Measurement(
            "fairness.selection_rate",
            (i % 10) / 10,
            (i % 10) / 10 - 0.05,
            (i % 10) / 10 + 0.05,
            50,
            "",
            {"group": f"g{i}", "attribute": "region"},
        )
        for i in range(33)
    ]
    measurements.append(
        Measurement("fairness.selection_rate", 0.5, 0.4, 0.6, 20, "", {"group": HOSTILE})
    )
    measurements.append(
        Measurement(
            "fairness.selection_rate", NAN, None, None, 0, "", {"group": "empty", "note": "no rows"}
        )
    )
    measurements.append(Measurement("fairness.disparity", 0.12, 0.05, 0.2, 1000, "", {}))
    judgement = Judgement(
        description="fairness.disparity <= 0.2",
        metric="fairness.disparity",
        passed=True,
        severity="medium",
        judged_value=0.12,
        judged_on="value",
        measurement=measurements[-1],
    )
    return TestOutcome(
        name=PASSED_NAME,
        type="fairness",
        target="model.onnx",
        status=Status.PASSED,
        params={"sensitive": "region", "weird": HOSTILE},
        measurements=measurements,
        judgements=[judgement],
        notes=[HOSTILE_NOTE],
        seconds=0.4,
        queries=1000,
    )


def _hostile() -> TestOutcome:
    # A passing test with no thresholds, hostile name, and numeric-by-budget measurements.
    measurements = [
        Measurement(
            "extraction.fidelity", v, v - 0.1, v + 0.1, 500, "", {"budget": b, "kind": HOSTILE}
        )
        for b, v in ((100, 0.5), (1000, 0.7), (10000, 0.9))
    ]
    return TestOutcome(
        name=HOSTILE,
        type="extraction",
        target="model.onnx",
        status=Status.PASSED,
        params={HOSTILE: HOSTILE},
        measurements=measurements,
        notes=[HOSTILE_NOTE],
    )


def _error() -> TestOutcome:
    judgement = Judgement(
        description="extraction.fidelity[budget=1000] <= 0.8",
        metric="extraction.fidelity",
        passed=False,
        severity="high",
        judged_value=None,
        judged_on="value",
        measurement=None,
        reason="no measurement matched",
    )
    return TestOutcome(
        name=ERROR_NAME,
        type="extraction",
        target="model.onnx",
        status=Status.ERROR,
        judgements=[judgement],
        error="Traceback (most recent call last):\n  ValueError: <boom> \x1b[31m",
        seconds=0.1,
    )


def _unmatched() -> TestOutcome:
    # Erred because a threshold matched no measurement: no error text of its own.
    judgement = Judgement(
        description="membership.advantage[fpr=0.01] <= 0.1",
        metric="membership.advantage",
        passed=False,
        severity="high",
        judged_value=None,
        judged_on="value",
        measurement=None,
        reason="no measurement named membership.advantage with fpr=0.01",
    )
    m = Measurement("membership.advantage", 0.05, 0.01, 0.09, 400, "", {"fpr": 0.1})
    return TestOutcome(
        name="membership-lira",
        type="membership_inference",
        target="model.onnx",
        status=Status.ERROR,
        measurements=[m],
        judgements=[judgement],
    )


def _skipped() -> TestOutcome:
    return TestOutcome(
        name=SKIPPED_NAME,
        type="explainability",
        target="model.onnx",
        status=Status.SKIPPED,
        error="the target gives no gradients",
    )


def build_report() -> PlanReport:
    started = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    run = Run(
        kind="test",
        targets=["model.onnx"],
        tool_version="x",
        config={"nan": NAN, "inf": math.inf, "np": np.float32(1.5)},
        id="run-plan-1",
        started_at=started,
        ended_at=started + timedelta(seconds=13),
    )
    location = Location("model.onnx", (FAILED_NAME,))
    run.findings = [
        Finding.create(
            check_id="assurance.evasion.robustness",
            severity=Severity.HIGH,
            title="Robust accuracy below threshold",
            message="robust accuracy 0.62 at epsilon 0.1 < 0.7 <script>x</script>",
            location=location,
            evidence={"value": NAN},
            refs=("AML.T0043",),
            key="evasion.robust_accuracy",
        ),
        Finding.create(
            check_id="assurance.test-error",
            severity=Severity.MEDIUM,
            title="Test could not run",
            message=f"{ERROR_NAME} failed",
            location=Location("model.onnx", (ERROR_NAME,)),
        ),
    ]
    outcomes = [_fairness(), _evasion(), _hostile(), _error(), _unmatched(), _skipped()]
    return PlanReport(
        plan=f"release gate {HOSTILE}",
        source="plan.yaml",
        target="model.onnx",
        data={"name": "adult", "rows": 1000, "features": 14, "split": "test"},
        run=run,
        outcomes=outcomes,
    )


# Outcomes shaped like the real tests' (params as the assurance code emits them), for the
# chart-choice tests and for looking at a rendered report.

MIA_ATTACKS = ("loss", "confidence", "correctness", "shadow")
EVASION_ATTACKS = ("fgsm", "pgd", "square", "hopskipjump", "worst")
EPSILONS = (0.02, 0.05, 0.1)
FAIRNESS_GROUPS = ("female", "male", "non-binary")


def _roc(strength: float, points: int = 40) -> dict[str, list[float]]:
    # A concave curve above chance, without its (0, 0) and (1, 1) ends, as a downsampled
    # ROC can come; strength 1 is chance.
    fpr = [10 ** (-3 + 3 * i / (points - 1)) for i in range(points)][:-1]
    return {"fpr": fpr, "tpr": [x ** (1 / strength) for x in fpr]}


def membership_outcome() -> TestOutcome:
    split = {"attacker_pool": 400, "evaluation": "non-members split in two"}
    rows = {"members": 500, "non_members": 500}
    ci = {"ci_method": "stratified percentile bootstrap", "n_boot": 200}
    measurements = [
        Measurement("privacy.train_accuracy", 0.97, 0.95, 0.98, 500, "accuracy", rows),
        Measurement("privacy.test_accuracy", 0.84, 0.81, 0.87, 500, "accuracy", rows),
    ]
    attacks: dict[str, object] = {}
    for i, attack in enumerate(MIA_ATTACKS):
        base = split | ({"n_shadow": 2} if attack == "shadow" else {})
        base = base | {"attack": attack} | rows | ci
        auc = 0.52 + 0.03 * i
        measurements.append(
            Measurement("privacy.mia.auc", auc, auc - 0.02, auc + 0.02, 1000, "auc", base)
        )
        held = base | {
            "threshold_selection": "chosen on a random stratified half",
            "threshold_rows": 500,
            "evaluated_rows": 500,
        }
        measurements.append(
            Measurement("privacy.mia.balanced_accuracy", auc - 0.01, None, None, 500, "rate", held)
        )
        for fpr in (0.001, 0.01):
            tpr = fpr * (1.5 + i)
            measurements.append(
                Measurement(
                    "privacy.mia.tpr_at_fpr", tpr, 0.0, tpr * 2, 1000, "rate", base | {"fpr": fpr}
                )
            )
        attacks[attack] = {"roc": _roc(1.0 + 0.3 * i), "threshold": 0.5}
    return TestOutcome(
        name="membership",
        type="membership_inference",
        target="model.onnx",
        status=Status.PASSED,
        measurements=measurements,
        details={"members": 500, "non_members": 500, **split, "attacks": attacks},
        seconds=3.2,
        queries=1000,
    )


def evasion_grid_outcome() -> TestOutcome:
    measurements = [Measurement("evasion.clean_accuracy", 0.9, 0.88, 0.92, 500, "accuracy", {})]
    for i, attack in enumerate(EVASION_ATTACKS):
        for j, eps in enumerate(EPSILONS):
            value = max(0.9 - (0.1 + 0.05 * i) * (j + 1), 0.0)
            params = {"epsilon": eps, "attack": attack, "ci_method": "wilson", "test": "evasion"}
            measurements.append(
                Measurement(
                    "evasion.robust_accuracy",
                    value,
                    max(value - 0.04, 0.0),
                    value + 0.04,
                    500,
                    "fraction of rows still classified correctly",
                    params,
                )
            )
    return TestOutcome(
        name="evasion-grid",
        type="evasion",
        target="model.onnx",
        status=Status.PASSED,
        measurements=measurements,
        details={"attacks": {a: {"queries": 10} for a in EVASION_ATTACKS}, "rows": 500},
        seconds=40.0,
        queries=20000,
    )


def fairness_outcome() -> TestOutcome:
    params = {"sensitive_feature": "gender", "n_boot": 200, "alpha": 0.05, "seed": 0}
    measurements = []
    for rate in ("selection_rate", "accuracy"):
        for g, group in enumerate(FAIRNESS_GROUPS):
            value = 0.3 + 0.2 * g
            measurements.append(
                Measurement(
                    f"fairness.{rate}",
                    value,
                    value - 0.05,
                    value + 0.05,
                    100 * (g + 1),
                    "rate",
                    params | {"group": group},
                )
            )
    for name, unit, value in (
        ("demographic_parity_difference", "difference", 0.4),
        ("equalized_odds_difference", "difference", 0.25),
        ("demographic_parity_ratio", "ratio", 0.43),
        ("equalized_odds_ratio", "ratio", 0.6),
    ):
        measurements.append(
            Measurement(f"fairness.{name}", value, value - 0.1, value + 0.1, 600, unit, params)
        )
    return TestOutcome(
        name="fairness-gender",
        type="fairness",
        target="model.onnx",
        status=Status.PASSED,
        measurements=measurements,
        seconds=0.5,
        queries=600,
    )
