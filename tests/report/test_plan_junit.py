"""The plan's JUnit XML: a case per judgement, errors, skips, counts, XML-safe text."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from aisec.assurance.plans.result import PlanReport, Status, TestOutcome
from aisec.core.run import Measurement, Run
from aisec.report.plan_junit import render_plan_junit

from .plan_sample import ERROR_NAME, FAILED_NAME, SKIPPED_NAME, build_report


def _suite(report: PlanReport) -> ET.Element:
    root = ET.fromstring(render_plan_junit(report).encode("utf-8"))
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert len(suites) == 1
    return suites[0]


def test_counts_match_the_outcomes():
    suite = _suite(build_report())
    cases = suite.findall("testcase")
    assert suite.get("tests") == str(len(cases)) == "7"
    assert suite.get("failures") == "1" == str(len(suite.findall("testcase/failure")))
    assert suite.get("errors") == "2" == str(len(suite.findall("testcase/error")))
    assert suite.get("skipped") == "1" == str(len(suite.findall("testcase/skipped")))
    assert suite.get("timestamp") == "2026-01-02T03:04:05"
    assert suite.get("time") == "13.000"
    assert suite.get("name", "").startswith("aisec test: release gate evil<script>")


def test_failure_names_the_judgement_with_value_and_interval():
    suite = _suite(build_report())
    failed = [c for c in suite.findall("testcase") if c.find("failure") is not None]
    assert [c.get("classname") for c in failed] == [FAILED_NAME]
    case = failed[0]
    assert case.get("name") == "evasion.robust_accuracy[epsilon=0.1, attack=pgd] >= 0.7"
    message = case.find("failure").get("message")
    assert "below 0.7" in message
    assert "0.62 [0.58, 0.65]" in message
    assert "judged ci_low = 0.58" in message


def test_error_skip_and_no_threshold_cases():
    suite = _suite(build_report())
    by_class: dict[str, list[ET.Element]] = {}
    for case in suite.findall("testcase"):
        by_class.setdefault(case.get("classname", ""), []).append(case)
    (error_case,) = by_class[ERROR_NAME]
    error = error_case.find("error")
    assert error.get("message", "").startswith("Traceback")
    assert "\\x1b[31m" in error.text  # the escape sequence is shown, not emitted
    assert "not judged: extraction.fidelity[budget=1000] <= 0.8" in error.text
    (unmatched,) = by_class["membership-lira"]
    assert unmatched.find("error").get("type") == "unmatched-threshold"
    (skipped,) = by_class[SKIPPED_NAME]
    assert skipped.find("skipped").get("message") == "the target gives no gradients"
    hostile = [c for name, cases in by_class.items() if "evil" in name for c in cases]
    (no_thresholds,) = hostile
    assert no_thresholds.get("name") == "no thresholds declared"
    assert no_thresholds.find("failure") is None
    out = no_thresholds.find("system-out").text
    assert "extraction.fidelity[budget=100" in out
    assert "\\x00" in out and "\\ud800" in out


def test_text_is_xml_safe():
    text = render_plan_junit(build_report())
    text.encode("utf-8")
    assert "\x00" not in text and "\x1b" not in text
    assert "<script>" not in text  # escaped by the serialiser


def test_empty_plan_and_plain_pass():
    run = Run(kind="test", targets=["m"], tool_version="x", config={})
    assert _suite(PlanReport("p", "<python>", "m", {}, run)).get("tests") == "0"
    outcome = TestOutcome(
        name="t",
        type="evasion",
        target="m",
        status=Status.PASSED,
        measurements=[Measurement("a", float("nan"), None, None, 0)],
    )
    suite = _suite(PlanReport("p", "<python>", "m", {}, run, [outcome]))
    assert suite.get("tests") == "1"
    assert suite.get("failures") == suite.get("errors") == suite.get("skipped") == "0"
    assert "a = undefined" in suite.find("testcase/system-out").text
