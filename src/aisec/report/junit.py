"""JUnit XML: one test case per artefact, for CI systems that show test reports.

An artefact *fails* when it has findings at or above ``fail_on``, *errors* when it was only
partly analysed, and is *skipped* when it was not analysed at all. Findings below the
threshold are listed in ``system-out`` so they stay visible without failing the build; so
are suppressed and baseline findings, with their reason, and they never fail a case.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import UTC, datetime

from aisec.core.finding import Finding, Location
from aisec.core.run import Artefact, ArtefactStatus, Run
from aisec.core.severity import Severity
from aisec.report import printable, shorten

SUITE_NAME = "aisec scan"
# One finding line in a failure body; evidence belongs in the JSON or SARIF report.
_LINE_LIMIT = 2000
_ATTRIBUTE_LIMIT = 1000


@dataclass
class _Case:
    name: str
    classname: str
    status: ArtefactStatus = ArtefactStatus.ANALYSED
    reason: str = ""
    findings: list[Finding] = field(default_factory=list)
    # Suppressed or baseline findings, with the note that says so: listed, never failing.
    excused: list[tuple[Finding, str]] = field(default_factory=list)


@dataclass
class SuiteCounts:
    """The counts a ``<testsuite>`` carries as attributes (shared with the test plan's
    JUnit report)."""

    tests: int = 0
    failures: int = 0
    errors: int = 0
    skipped: int = 0

    def as_attributes(self) -> dict[str, str]:
        return {k: str(v) for k, v in vars(self).items()}


def attribute_text(text: str) -> str:
    """``text`` as an XML attribute value: printable, and capped."""
    return shorten(printable(text), _ATTRIBUTE_LIMIT)


def _body(text: str) -> str:
    # Keep line breaks (they are the body's structure) and escape everything else that
    # XML 1.0 forbids or a log viewer would interpret.
    return "\n".join(printable(line) for line in text.split("\n"))


def _cases(run: Run) -> list[_Case]:
    """One case per artefact, and findings attached to the artefact that contains them."""
    cases: list[_Case] = []
    by_location: dict[tuple[str, tuple[str, ...]], _Case] = {}
    for artefact in run.artefacts:
        cases.append(_case_for(artefact))
        by_location.setdefault((artefact.location.path, artefact.location.member), cases[-1])
    for finding in run.findings:
        owner = _owner(finding.location, by_location)
        if owner is None:  # the artefact is not listed: give the finding its own case
            owner = _Case(name=finding.location.path, classname="unlisted")
            cases.append(owner)
            by_location[(finding.location.path, ())] = owner
        disposition = run.disposition(finding)
        if disposition is None:
            owner.findings.append(finding)
        else:
            owner.excused.append((finding, _excuse(disposition.status, disposition.justification)))
    return cases


def _excuse(status: str, justification: str) -> str:
    return f"{status}: {justification}" if status == "suppressed" else "in the baseline"


def _case_for(artefact: Artefact) -> _Case:
    return _Case(
        name=artefact.location.display(),
        classname=artefact.format or "unknown",
        status=artefact.status,
        reason=artefact.reason,
    )


def _owner(
    location: Location, by_location: dict[tuple[str, tuple[str, ...]], _Case]
) -> _Case | None:
    # The innermost listed artefact wins: a finding in a!/b!/c belongs to b if c is unlisted.
    for depth in range(len(location.member), -1, -1):
        case = by_location.get((location.path, location.member[:depth]))
        if case is not None:
            return case
    return None


def _finding_line(finding: Finding, fail_on: Severity, excuse: str | None = None) -> str:
    if excuse is not None:
        mark = f" ({excuse})"
    else:
        mark = "" if finding.severity >= fail_on else " (below threshold)"
    text = f"[{finding.severity.label}{mark}] {finding.check_id} at "
    text += f"{finding.location.display()}: {finding.message}"
    return shorten(printable(text), _LINE_LIMIT)


def _failure(case: _Case, fail_on: Severity) -> ET.Element | None:
    failing = [f for f in case.findings if f.severity >= fail_on]
    if not failing:
        return None
    worst = max(failing, key=lambda f: f.severity)
    noun = "finding" if len(failing) == 1 else "findings"
    message = f"{len(failing)} {noun} at or above {fail_on.label}; worst: {worst.title}"
    element = ET.Element(
        "failure", {"type": attribute_text(worst.check_id), "message": attribute_text(message)}
    )
    ordered = sorted(case.findings, key=lambda f: -f.severity)
    lines = [_finding_line(f, fail_on) for f in ordered] + _excused_lines(case, fail_on)
    element.text = _body("\n".join(lines))
    return element


def _excused_lines(case: _Case, fail_on: Severity) -> list[str]:
    return [_finding_line(f, fail_on, excuse) for f, excuse in case.excused]


def _testcase(case: _Case, fail_on: Severity, counts: SuiteCounts) -> ET.Element:
    element = ET.Element(
        "testcase", {"classname": attribute_text(case.classname), "name": attribute_text(case.name)}
    )
    failure = _failure(case, fail_on)
    reason = case.reason or "no reason recorded"
    counts.tests += 1
    # Order follows the JUnit schema: skipped, error, failure, system-out.
    if case.status is ArtefactStatus.SKIPPED and failure is None:
        ET.SubElement(element, "skipped", {"message": attribute_text(reason)})
        counts.skipped += 1
    if case.status is ArtefactStatus.INCOMPLETE:
        error = ET.SubElement(
            element, "error", {"type": "incomplete", "message": attribute_text(reason)}
        )
        error.text = _body(f"{case.name} was not fully analysed: {reason}")
        counts.errors += 1
    if failure is not None:
        element.append(failure)
        counts.failures += 1
    below = [f for f in case.findings if f.severity < fail_on]
    if (below or case.excused) and failure is None:
        out = ET.SubElement(element, "system-out")
        lines = [_finding_line(f, fail_on) for f in below] + _excused_lines(case, fail_on)
        out.text = _body("\n".join(lines))
    return element


def _run_errors(run: Run, counts: SuiteCounts) -> ET.Element:
    # Run-level errors (exit code 3) must show up in CI even when no artefact is to blame.
    element = ET.Element("testcase", {"classname": "aisec", "name": "run errors"})
    error = ET.SubElement(
        element, "error", {"type": "run-error", "message": attribute_text(run.errors[0])}
    )
    error.text = _body("\n".join(run.errors))
    counts.tests += 1
    counts.errors += 1
    return element


def junit_tree(run: Run, fail_on: Severity) -> ET.Element:
    """The ``<testsuites>`` element for ``run``."""
    counts = SuiteCounts()
    testcases = [_testcase(case, fail_on, counts) for case in _cases(run)]
    if run.errors:
        testcases.append(_run_errors(run, counts))
    timing = {"time": _seconds(run)}
    suite = ET.Element("testsuite", {"name": SUITE_NAME, **counts.as_attributes(), **timing})
    suite.set("timestamp", _timestamp(run.started_at))
    properties = ET.SubElement(suite, "properties")
    for name, value in (
        ("aisec.run_id", run.id),
        ("aisec.tool_version", run.tool_version),
        ("aisec.fail_on", fail_on.label),
        ("aisec.exit_code", str(run.exit_code(fail_on))),
    ):
        ET.SubElement(properties, "property", {"name": name, "value": attribute_text(value)})
    suite.extend(testcases)
    root = ET.Element("testsuites", {"name": "aisec", **counts.as_attributes(), **timing})
    root.append(suite)
    return root


def _timestamp(moment: datetime) -> str:
    # The JUnit schema's timestamp has no zone designator: state it in UTC.
    utc = moment.astimezone(UTC) if moment.tzinfo else moment
    return utc.strftime("%Y-%m-%dT%H:%M:%S")


def _seconds(run: Run) -> str:
    if run.ended_at is None:
        return "0"
    return f"{max((run.ended_at - run.started_at).total_seconds(), 0.0):.3f}"


def render_junit(run: Run, fail_on: Severity) -> str:
    root = junit_tree(run, fail_on)
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}\n'
