"""A gate's result for people and CI: console text and JUnit XML.

Console: one line per condition, ✓ passed, ✗ failed, – not applicable, with its reason;
a failed warning is marked ``(warning)`` and does not fail the gate. JUnit: a test case
per condition; a failed blocking condition is a ``failure``, a failed warning passes with
the reason in ``system-out``, a condition not applicable is ``skipped``.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from aisec.governance.gates.result import ConditionResult, ConditionStatus, GateResult
from aisec.report import printable
from aisec.report.junit import SuiteCounts, attribute_text

_MARKS = {
    ConditionStatus.PASSED: ("✓", "PASS"),
    ConditionStatus.FAILED: ("✗", "FAIL"),
    ConditionStatus.NOT_APPLICABLE: ("–", "N/A "),
}


def _tiers(result: GateResult) -> str:
    if result.tiers is None:
        return "not classified"
    return ", ".join(result.tiers) or "no tier"


def render_console(result: GateResult, *, ascii_only: bool = False) -> str:
    """The gate as lines of text, ending with the verdict."""
    lines = [
        printable(
            f"gate {result.policy!r} for {result.system} ({_tiers(result)}), on {result.today}"
        )
    ]
    if result.note:
        lines.append(printable(f"  note: {result.note}"))
    for r in result.results:
        mark = _MARKS[r.status][1 if ascii_only else 0]
        warning = " (warning)" if not r.blocking and r.status is ConditionStatus.FAILED else ""
        lines.append(printable(f"  {mark} {r.id}{warning}: {r.description}"))
        lines.append(printable(f"      {r.reason}"))
    counts = result.counts()
    summary = (
        f"{counts['passed']} passed, {counts['failed']} failed "
        f"({counts['blocking_failed']} blocking), {counts['not-applicable']} not applicable"
    )
    verdict = "PASSED" if result.passed else "FAILED"
    lines.append(f"{verdict}: {summary}")
    return "\n".join(lines) + "\n"


def _testcase(result: GateResult, r: ConditionResult, counts: SuiteCounts) -> ET.Element:
    element = ET.Element(
        "testcase",
        {"classname": attribute_text(f"gate.{result.system}"), "name": attribute_text(r.id)},
    )
    counts.tests += 1
    if r.status is ConditionStatus.NOT_APPLICABLE:
        ET.SubElement(element, "skipped", {"message": attribute_text(r.reason)})
        counts.skipped += 1
    elif r.blocks:
        failure = ET.SubElement(
            element,
            "failure",
            {"type": attribute_text(r.type), "message": attribute_text(r.reason)},
        )
        failure.text = printable(f"{r.description}: {r.reason}")
        counts.failures += 1
    out = ET.SubElement(element, "system-out")
    prefix = (
        "warning, failed"
        if r.status is ConditionStatus.FAILED and not r.blocking
        else r.status.value
    )
    body = [f"{prefix}: {r.description}: {r.reason}"]
    if r.refs:
        body.append("refs: " + ", ".join(r.refs))
    if r.evidence:
        body.append("evidence: " + ", ".join(r.evidence))
    out.text = "\n".join(printable(line) for line in body)
    return element


def junit_tree(result: GateResult) -> ET.Element:
    counts = SuiteCounts()
    cases = [_testcase(result, r, counts) for r in result.results]
    name = attribute_text(f"aisec gate {result.policy}")
    suite = ET.Element("testsuite", {"name": name, **counts.as_attributes(), "time": "0"})
    suite.set("timestamp", f"{result.today.isoformat()}T00:00:00")
    properties = ET.SubElement(suite, "properties")
    for key, value in (
        ("aisec.system", result.system),
        ("aisec.policy", result.policy),
        ("aisec.tiers", _tiers(result)),
        ("aisec.exit_code", str(result.exit_code)),
    ):
        ET.SubElement(properties, "property", {"name": key, "value": attribute_text(value)})
    suite.extend(cases)
    root = ET.Element("testsuites", {"name": "aisec gate", **counts.as_attributes(), "time": "0"})
    root.append(suite)
    return root


def render_junit(result: GateResult) -> str:
    root = junit_tree(result)
    ET.indent(root)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{ET.tostring(root, encoding="unicode")}\n'
