"""Outcomes of assurance tests built by hand, for the checks' and reports' tests."""

from __future__ import annotations

from aisec.assurance.plans.result import Judgement, Status, TestOutcome
from aisec.assurance.plans.spec import Threshold
from aisec.assurance.plans.thresholds import judge
from aisec.core.run import Measurement
from aisec.core.severity import Severity


def measurement(name: str, value: float, **params: object) -> Measurement:
    return Measurement(name, value, value - 0.05, value + 0.05, 200, "rate", dict(params))


def outcome(
    test_type: str,
    measurements: list[Measurement],
    thresholds: list[Threshold] = (),  # type: ignore[assignment]
    *,
    default: Severity = Severity.HIGH,
    name: str = "t",
) -> TestOutcome:
    judgements: list[Judgement] = []
    for threshold in thresholds:
        judgements.extend(judge(threshold, measurements, default))
    status = Status.FAILED if any(not j.passed for j in judgements) else Status.PASSED
    return TestOutcome(
        name, test_type, "model.onnx", status, measurements=measurements, judgements=judgements
    )
