"""The plan's console view: a line per test, failed judgements with numbers, a summary."""

from __future__ import annotations

import re

from aisec.assurance.plans.result import PlanReport, Status, TestOutcome
from aisec.core.run import Run
from aisec.report.plan_console import render_plan_console

from .plan_sample import ERROR_NAME, FAILED_NAME, PASSED_NAME, SKIPPED_NAME, build_report

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def test_one_line_per_test_and_a_summary():
    out = render_plan_console(build_report(), width=200)
    lines = out.splitlines()
    status_lines = [line for line in lines if re.match(r"(PASSED|FAILED|ERROR|SKIPPED) ", line)]
    assert len(status_lines) == 6
    assert any(line.startswith("PASSED  " + PASSED_NAME) for line in status_lines)
    assert any(line.startswith("FAILED  " + FAILED_NAME) for line in status_lines)
    assert any(line.startswith("SKIPPED " + SKIPPED_NAME) for line in status_lines)
    error_line = next(line for line in status_lines if ERROR_NAME in line)
    assert error_line.endswith(": ValueError: <boom> \\x1b[31m")  # the traceback's last line
    assert "6 tests: 2 passed, 1 failed, 2 error, 1 skipped" in out
    assert "findings: 0 critical, 1 high, 1 medium, 0 low, 0 info" in out
    assert lines[-1] == "FAIL: 1 test failed"


def test_failed_judgements_show_value_interval_and_bound():
    out = render_plan_console(build_report(), width=200)
    assert (
        "✗ evasion.robust_accuracy[epsilon=0.1, attack=pgd] >= 0.7: 0.62 [0.58, 0.65], n=200"
        " (judged on ci_low = 0.58)"
    ) in out
    assert "not judged membership.advantage[fpr=0.01] <= 0.1: no measurement named" in out
    # Passed judgements are not listed.
    assert "epsilon=0.0, attack=pgd" not in out


def test_hostile_text_is_inert():
    plain = render_plan_console(build_report(), width=200)
    assert "\x00" not in plain and "\x1b" not in plain
    assert "evil<script>alert(1)</script>\\x00\\ud800[bold]&" in plain
    plain.encode("utf-8")
    coloured = render_plan_console(build_report(), color=True, width=200)
    assert "\x1b[" in coloured
    assert ANSI.sub("", coloured) == plain
    assert "[bold]" in coloured  # printed as text, not as markup


def test_verdicts():
    run = Run(kind="test", targets=["m"], tool_version="x", config={})
    ok = TestOutcome("t", "evasion", "m", Status.PASSED)
    assert render_plan_console(PlanReport("p", "-", "m", {}, run, [ok])).splitlines()[-1] == (
        "PASS: no test failed or erred"
    )
    bad = TestOutcome("u", "evasion", "m", Status.ERROR, error="boom")
    out = render_plan_console(PlanReport("p", "-", "m", {}, run, [ok, bad]), width=80)
    assert out.splitlines()[-1] == "INCOMPLETE: 1 test erred"
    assert "ERROR   u (evasion, 0.0 s): boom" in out


def test_narrow_terminal_wraps_without_losing_the_summary():
    out = render_plan_console(build_report(), width=40)
    assert "FAIL: 1 test failed" in out


def test_counts_are_pluralised():
    run = Run(kind="test", targets=["m"], tool_version="x", config={})
    ok = TestOutcome("t", "evasion", "m", Status.PASSED)
    one = render_plan_console(PlanReport("p", "-", "m", {}, run, [ok]), width=120)
    assert "1 test: 1 passed" in one and "1 tests" not in one
    bad = [TestOutcome(n, "evasion", "m", Status.FAILED) for n in ("a", "b")]
    two = render_plan_console(PlanReport("p", "-", "m", {}, run, [ok, *bad]), width=120)
    assert "3 tests: 1 passed, 2 failed" in two
    assert two.splitlines()[-1] == "FAIL: 2 tests failed"
