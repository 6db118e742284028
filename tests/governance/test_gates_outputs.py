"""A gate's outputs: console lines with reasons, JUnit that parses, SARIF 2.1.0 that
validates against the schema."""

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from jsonschema import Draft7Validator
from test_gates import bare_state, example_policy, good_state

from aisec.governance.gates import (
    ApprovalRecord,
    evaluate,
    render_console,
    render_junit,
    render_sarif,
)

SCHEMA = Path(__file__).resolve().parents[2] / "../shared/reference/data/sarif-schema-2.1.0.json"


@pytest.fixture(scope="module")
def validator():
    if not SCHEMA.is_file():
        pytest.skip(f"SARIF schema not available at {SCHEMA}")
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    return Draft7Validator(schema, format_checker=Draft7Validator.FORMAT_CHECKER)


def _assert_valid(validator, log):
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.absolute_path))
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]]


def test_console_marks_each_condition_with_its_reason():
    text = render_console(evaluate(example_policy(), bare_state()))
    assert text.startswith("gate 'high-risk release gate' for credit-scoring (high-risk)")
    assert "  ✗ fria: a final fundamental-rights impact assessment" in text
    assert "      no fria assessment is recorded for credit-scoring" in text
    assert "  ✓ incidents:" in text and "  – transparency-notice:" in text
    assert "  ✗ dpia (warning):" in text
    assert text.rstrip().endswith("FAILED: 1 passed, 10 failed (9 blocking), 1 not applicable")
    good = render_console(evaluate(example_policy(), good_state()), ascii_only=True)
    assert "  PASS robustness:" in good and "  FAIL dpia (warning):" in good
    assert good.rstrip().splitlines()[-1].startswith("PASSED:")
    assert "✓" not in good and "✗" not in good


def test_console_text_cannot_forge_lines():
    state = good_state(system="evil\n  ✓ forged: ok\x1b[2J")
    text = render_console(evaluate(example_policy(), state))
    assert "\n  ✓ forged" not in text and "\x1b" not in text


def test_junit_has_a_case_per_condition_and_fails_only_blocking_ones():
    result = evaluate(example_policy(), bare_state())
    root = ET.fromstring(render_junit(result))
    (suite,) = root.findall("testsuite")
    cases = {c.get("name"): c for c in suite.findall("testcase")}
    assert list(cases) == [c.id for c in result.results]
    assert (
        suite.get("tests") == "12" and suite.get("failures") == "9" and suite.get("skipped") == "1"
    )
    failure = cases["fria"].find("failure")
    assert failure.get("type") == "assessment_done"
    assert failure.get("message") == "no fria assessment is recorded for credit-scoring"
    assert cases["dpia"].find("failure") is None
    assert cases["dpia"].find("system-out").text.startswith("warning, failed: a final dpia")
    assert cases["transparency-notice"].find("skipped") is not None
    assert "refs: EU-AI-Act:Art.27" in cases["fria"].find("system-out").text
    props = {p.get("name"): p.get("value") for p in suite.find("properties")}
    assert props["aisec.exit_code"] == "1" and props["aisec.system"] == "credit-scoring"
    passing = ET.fromstring(render_junit(evaluate(example_policy(), good_state())))
    assert passing.get("failures") == "0"


def test_sarif_has_a_result_per_failed_condition(validator):
    result = evaluate(example_policy(), bare_state())
    log = json.loads(render_sarif(result, tool_version="0.1.0.dev3"))
    _assert_valid(validator, log)
    (run,) = log["runs"]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [f"gate.{c.id}" for c in result.results]
    assert run["tool"]["driver"]["semanticVersion"] == "0.1.0-dev3"
    results = {r["ruleId"]: r for r in run["results"]}
    assert len(results) == 10 and "gate.incidents" not in results
    fria = results["gate.fria"]
    assert fria["level"] == "error" and rules[fria["ruleIndex"]]["id"] == "gate.fria"
    assert fria["message"]["text"] == "no fria assessment is recorded for credit-scoring"
    assert fria["properties"]["refs"] == ["EU-AI-Act:Art.27"]
    assert results["gate.dpia"]["level"] == "warning"
    assert run["invocations"][0]["exitCode"] == 1 and run["properties"]["passed"] is False


def test_sarif_of_a_passing_gate_validates(validator):
    odd = ApprovalRecord("release", "rejected", "cro\udcff\u202e", None)
    for state in (good_state(), good_state(approvals=(odd,), tiers=None)):
        result = evaluate(example_policy(), state)
        log = json.loads(render_sarif(result))
        _assert_valid(validator, log)
        render_junit(result).encode("utf-8")
        assert "\u202e" not in render_console(result)
    log = json.loads(render_sarif(evaluate(example_policy(), good_state())))
    assert [r["ruleId"] for r in log["runs"][0]["results"]] == ["gate.dpia"]
    assert log["runs"][0]["invocations"][0]["exitCode"] == 0
    unclassified = json.loads(render_sarif(evaluate(example_policy(), bare_state(tiers=None))))
    assert unclassified["runs"][0]["properties"]["tiers"] is None
