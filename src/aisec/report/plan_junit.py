"""JUnit XML for a test plan: one test case per threshold, for CI systems' test views.

A judgement that held passes and one that did not fails, with the value and its interval
in the message; a threshold that matched no measurement is an error. A test without
thresholds is one passing case whose measurements are in ``system-out``. A test that could
not run is one error case, and a test not applicable to the target one skipped case.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime

from aisec.assurance.plans.result import Judgement, PlanReport, Status, TestOutcome
from aisec.report import printable, shorten
from aisec.report.junit import SuiteCounts, attribute_text
from aisec.report.plan_text import describe_measurement, format_number, format_params

_LINE_LIMIT = 2000
_NO_THRESHOLDS = "no thresholds declared"


def _body(lines: list[str]) -> str:
    # One printable line per entry: a multi-line error keeps its lines, but no entry can
    # smuggle control characters into a log viewer.
    out: list[str] = []
    for line in lines:
        out.extend(shorten(printable(part), _LINE_LIMIT) for part in line.split("\n"))
    return "\n".join(out)


def _case(outcome: TestOutcome, name: str) -> ET.Element:
    return ET.Element(
        "testcase", {"classname": attribute_text(outcome.name), "name": attribute_text(name)}
    )


def _measurement_lines(outcome: TestOutcome) -> list[str]:
    lines = []
    for m in outcome.measurements:
        params = format_params(m.params)
        label = f"{m.name}[{params}]" if params else m.name
        lines.append(f"{label} = {describe_measurement(m)}")
    return lines


def _judgement_line(judgement: Judgement) -> str:
    """The reason, with the value judged and the measurement's interval."""
    parts = [judgement.reason or judgement.description]
    if judgement.judged_value is not None:
        parts.append(f"judged {judgement.judged_on} = {format_number(judgement.judged_value)}")
    if judgement.measurement is not None:
        parts.append(f"measured {describe_measurement(judgement.measurement)}")
    return "; ".join(parts)


def _judgement_case(outcome: TestOutcome, judgement: Judgement, counts: SuiteCounts) -> ET.Element:
    element = _case(outcome, judgement.description)
    counts.tests += 1
    line = _judgement_line(judgement)
    if judgement.passed:
        ET.SubElement(element, "system-out").text = _body([line])
    elif judgement.measurement is None:
        # Nothing matched the threshold: the plan and the test disagree, not the model.
        attributes = {"type": "unmatched-threshold", "message": attribute_text(line)}
        ET.SubElement(element, "error", attributes).text = _body([judgement.description, line])
        counts.errors += 1
    else:
        kind = attribute_text(f"{judgement.severity}:{judgement.metric}")
        attributes = {"type": kind, "message": attribute_text(line)}
        ET.SubElement(element, "failure", attributes).text = _body([judgement.description, line])
        counts.failures += 1
    return element


def _whole_test_case(outcome: TestOutcome, counts: SuiteCounts) -> ET.Element:
    """The one case of a test that was skipped, could not run, or declared no thresholds."""
    passing = outcome.status in (Status.PASSED, Status.FAILED)
    element = _case(outcome, _NO_THRESHOLDS if passing else outcome.name)
    counts.tests += 1
    if outcome.status is Status.SKIPPED:
        reason = outcome.error or (outcome.notes[0] if outcome.notes else "not applicable")
        ET.SubElement(element, "skipped", {"message": attribute_text(reason)})
        counts.skipped += 1
    elif outcome.status is Status.ERROR:
        message = outcome.error or "the test did not run"
        error = ET.SubElement(
            element, "error", {"type": "test-error", "message": attribute_text(message)}
        )
        unjudged = [f"not judged: {j.description}" for j in outcome.judgements]
        error.text = _body([message, *unjudged])
        counts.errors += 1
    lines = _measurement_lines(outcome) + [f"note: {n}" for n in outcome.notes]
    if lines:
        ET.SubElement(element, "system-out").text = _body(lines)
    return element


def _outcome_cases(outcome: TestOutcome, counts: SuiteCounts) -> list[ET.Element]:
    if outcome.status is Status.SKIPPED:
        return [_whole_test_case(outcome, counts)]
    if outcome.status is Status.ERROR and (outcome.error or not outcome.judgements):
        # The test itself failed to run: its thresholds were never judged, so one error
        # case says so; judgements that did find a measurement still report it.
        judged = [j for j in outcome.judgements if j.measurement is not None]
        cases = [_whole_test_case(outcome, counts)]
        return cases + [_judgement_case(outcome, j, counts) for j in judged]
    if not outcome.judgements:
        return [_whole_test_case(outcome, counts)]
    return [_judgement_case(outcome, j, counts) for j in outcome.judgements]


def plan_junit_tree(report: PlanReport) -> ET.Element:
    """The ``<testsuites>`` element for ``report``."""
    counts = SuiteCounts()
    cases: list[ET.Element] = []
    for outcome in report.outcomes:
        test_cases = _outcome_cases(outcome, counts)
        # A test's time is spread over nothing: it goes on its first case only.
        test_cases[0].set("time", f"{max(outcome.seconds, 0.0):.3f}")
        cases.extend(test_cases)
    run = report.run
    timing = {"time": _seconds(run.started_at, run.ended_at)}
    name = attribute_text(f"aisec test: {report.plan}")
    suite = ET.Element("testsuite", {"name": name, **counts.as_attributes(), **timing})
    suite.set("timestamp", _timestamp(run.started_at))
    properties = ET.SubElement(suite, "properties")
    for key, value in (
        ("aisec.run_id", run.id),
        ("aisec.tool_version", run.tool_version),
        ("aisec.plan", report.plan),
        ("aisec.plan_source", report.source),
        ("aisec.target", report.target),
    ):
        ET.SubElement(properties, "property", {"name": key, "value": attribute_text(str(value))})
    suite.extend(cases)
    root = ET.Element("testsuites", {"name": "aisec test", **counts.as_attributes(), **timing})
    root.append(suite)
    return root


def _timestamp(moment: datetime) -> str:
    # The JUnit schema's timestamp has no zone designator: state it in UTC.
    utc = moment.astimezone(UTC) if moment.tzinfo else moment
    return utc.strftime("%Y-%m-%dT%H:%M:%S")


def _seconds(started: datetime, ended: datetime | None) -> str:
    if ended is None:
        return "0"
    return f"{max((ended - started).total_seconds(), 0.0):.3f}"


def render_plan_junit(report: PlanReport) -> str:
    root = plan_junit_tree(report)
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}\n'
