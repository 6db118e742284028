"""The HTML report of a test plan: one self-contained file, readable offline and on a phone.

The page has inline CSS and inline SVG only: no script, no stylesheet or font to fetch, no
URL of any kind, so it can be mailed, archived and opened behind any firewall or strict
Content-Security-Policy. All text from the plan, the data or the model passes through
:func:`aisec.report.printable` (or, for multi-line text, per line) and Jinja2's
autoescaping; only the SVG from :mod:`aisec.report.svg_charts`, which escapes its own
text, is inserted as markup.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment
from markupsafe import Markup

from aisec.assurance.plans.result import Judgement, PlanReport, Status, TestOutcome
from aisec.core.finding import Finding
from aisec.core.run import Measurement
from aisec.report import printable, safe_text
from aisec.report.plan_charts import charts_for
from aisec.report.plan_details import detail_tables
from aisec.report.plan_text import (
    NO_VALUE,
    distinguishing_params,
    format_interval,
    format_number,
    format_params,
    measurement_value,
)
from aisec.report.templating import template_environment

TEMPLATE = "plan_report.html.j2"
_TEMPLATES = Path(__file__).resolve().parent / "templates"
# Text shown beside the colour, so a status reads without colour (and in print).
BADGES = {
    Status.PASSED: "✓ PASSED",
    Status.FAILED: "✗ FAILED",
    Status.ERROR: "! ERROR",
    Status.SKIPPED: "– SKIPPED",
}


def _environment() -> Environment:
    return template_environment(_TEMPLATES)


def _lines(text: str) -> str:
    # Multi-line text (a traceback, a note) keeps its lines; each loses control characters.
    return "\n".join(printable(line) for line in safe_text(text).split("\n"))


def _time(moment: datetime | None) -> str:
    return NO_VALUE if moment is None else moment.isoformat(timespec="seconds")


def _duration(started: datetime, ended: datetime | None) -> str:
    if ended is None:
        return NO_VALUE
    return f"{max((ended - started).total_seconds(), 0.0):.1f} s"


def _measurement_row(m: Measurement, keys: list[str]) -> dict[str, str]:
    # The Params cell names only what tells this row from the others of its name; the rest
    # (row counts, interval method, seeds) waits behind "all params".
    return {
        "name": printable(m.name),
        "params": format_params({k: m.params[k] for k in keys if k in m.params}),
        "all_params": format_params(m.params, frozenset({"note"})),
        "value": measurement_value(m),
        "interval": format_interval(m.ci_low, m.ci_high),
        "n": str(m.n),
        "unit": printable(m.unit),
    }


def _judgement_row(j: Judgement) -> dict[str, Any]:
    m = j.measurement
    return {
        "passed": j.passed,
        "result": "✓ met" if j.passed else ("! not judged" if m is None else "✗ not met"),
        "description": printable(j.description),
        "severity": printable(j.severity),
        "value": NO_VALUE if m is None else measurement_value(m),
        "interval": NO_VALUE if m is None else format_interval(m.ci_low, m.ci_high),
        "judged": f"{printable(j.judged_on)} = {format_number(j.judged_value)}",
        "reason": _lines(j.reason),
    }


def _test(index: int, outcome: TestOutcome) -> dict[str, Any]:
    distinct = distinguishing_params(outcome.measurements)
    return {
        "anchor": f"test-{index}",
        "name": printable(outcome.name),
        "type": printable(outcome.type),
        "target": printable(outcome.target),
        "status": outcome.status.value,
        "badge": BADGES[outcome.status],
        "params": format_params(outcome.params),
        "seconds": f"{outcome.seconds:.2f}",
        "queries": str(outcome.queries),
        "judgements": [_judgement_row(j) for j in outcome.judgements],
        "measurements": [
            _measurement_row(m, distinct.get(m.name, [])) for m in outcome.measurements
        ],
        "charts": [(printable(c), Markup(svg)) for c, svg in charts_for(outcome)],
        "notes": [_lines(n) for n in outcome.notes],
        "details": detail_tables(outcome.details),
        "error": _lines(outcome.error),
    }


def _finding_row(finding: Finding, run: Any) -> dict[str, str]:
    disposition = run.disposition(finding)
    return {
        "status": "open" if disposition is None else printable(disposition.status),
        "check_id": printable(finding.check_id),
        "severity": finding.severity.label,
        "title": printable(finding.title),
        "message": _lines(finding.message),
        "location": printable(finding.location.display()),
        "refs": ", ".join(printable(r) for r in finding.refs),
    }


def _header(report: PlanReport) -> list[tuple[str, str]]:
    run = report.run
    data = format_params(report.data) if isinstance(report.data, dict) else str(report.data)
    return [
        ("Plan", printable(report.plan)),
        ("Plan file", printable(report.source)),
        ("Target", printable(report.target)),
        ("Data", data or NO_VALUE),
        ("Run id", printable(str(run.id))),
        ("Tool version", printable(str(run.tool_version))),
        ("Started", _time(run.started_at)),
        ("Ended", _time(run.ended_at)),
        ("Duration", _duration(run.started_at, run.ended_at)),
    ]


def _tests(count: int) -> str:
    return f"{count} test" if count == 1 else f"{count} tests"


def plan_context(report: PlanReport) -> dict[str, Any]:
    """What the template shows, as display-ready text (the template formats nothing)."""
    run = report.run
    counts = report.counts()
    return {
        "title": f"aisec {_kind(report)} report: {printable(report.plan)}",
        "header": _header(report),
        "counts": [(s.value, BADGES[s], counts[s.value]) for s in Status],
        "total": _tests(len(report.outcomes)),
        "severities": list(run.counts().items()),
        "tests": [_test(i, o) for i, o in enumerate(report.outcomes, start=1)],
        "findings": [_finding_row(f, run) for f in run.findings],
        "run_errors": [_lines(e) for e in run.errors],
        "run_warnings": [_lines(w) for w in run.warnings],
        "tool_version": printable(str(run.tool_version)),
    }


def render_plan_html(report: PlanReport) -> str:
    return _environment().get_template(TEMPLATE).render(plan_context(report))


def _kind(report: PlanReport) -> str:
    """What the report is of: a test plan, a detector validation or a red-team campaign
    (the same structure)."""
    kind = getattr(report.run, "kind", "")
    return {"validate": "validation", "redteam": "red-team"}.get(kind, "test")
