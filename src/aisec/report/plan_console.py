"""The console view of a test plan: a line per test, what failed and by how much, a total.

As in :mod:`aisec.report.console`, Rich is imported only when rendering, and every text
from the plan or the model goes through :func:`aisec.report.printable` into a
:class:`rich.text.Text` (never markup), so a test named ``[red]x`` prints as itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from aisec.assurance.plans.result import Judgement, PlanReport, Status, TestOutcome
from aisec.report import printable, shorten, text_console
from aisec.report.plan_text import describe_measurement, format_number

if TYPE_CHECKING:
    from rich.text import Text

STATUS_STYLES: dict[Status, str] = {
    Status.PASSED: "bold green",
    Status.FAILED: "bold red",
    Status.ERROR: "bold yellow",
    Status.SKIPPED: "dim",
}
# A terminal is for reading: long texts are cut, the JSON and HTML reports keep them whole.
MESSAGE_LIMIT = 300
_STATUS_WIDTH = max(len(s.value) for s in Status) + 1


def _status_line(outcome: TestOutcome) -> Text:
    from rich.text import Text

    text = Text()
    label = outcome.status.value.upper().ljust(_STATUS_WIDTH)
    text.append(label, style=STATUS_STYLES[outcome.status])
    text.append(printable(outcome.name))
    text.append(f" ({printable(outcome.type)}", style="dim")
    text.append(f", {outcome.seconds:.1f} s", style="dim")
    if outcome.queries:
        text.append(f", {outcome.queries} queries", style="dim")
    text.append(")", style="dim")
    if outcome.status in (Status.ERROR, Status.SKIPPED) and outcome.error:
        # A traceback's last line names the exception; the HTML and JSON keep the rest.
        last = [line for line in outcome.error.splitlines() if line.strip()][-1:] or [""]
        text.append(": " + shorten(printable(last[0].strip()), MESSAGE_LIMIT))
    return text


def _failed_line(judgement: Judgement) -> Text:
    from rich.text import Text

    text = Text("    ")
    mark, style = ("not judged", "yellow") if judgement.measurement is None else ("✗", "red")
    text.append(mark, style=style)
    text.append(" " + shorten(printable(judgement.description), MESSAGE_LIMIT))
    if judgement.measurement is not None:
        text.append(": " + describe_measurement(judgement.measurement))
        if judgement.judged_on != "value":
            on = printable(judgement.judged_on)
            text.append(f" (judged on {on} = {format_number(judgement.judged_value)})")
    elif judgement.reason:
        text.append(": " + shorten(printable(judgement.reason), MESSAGE_LIMIT))
    return text


def _tests(count: int) -> str:
    return f"{count} test" if count == 1 else f"{count} tests"


def _summary(report: PlanReport) -> Text:
    from rich.text import Text

    counts = report.counts()
    text = Text(f"{_tests(len(report.outcomes))}: ")
    for i, status in enumerate(Status):
        count = counts[status.value]
        style = STATUS_STYLES[status] if count else ""
        text.append(f"{', ' if i else ''}{count} {status.value}", style=style)
    findings = report.run.counts()
    text.append(" | findings: ")
    text.append(", ".join(f"{count} {severity}" for severity, count in findings.items()))
    return text


def _verdict(report: PlanReport) -> Text:
    from rich.text import Text

    counts = report.counts()
    if counts[Status.FAILED.value]:
        failed = _tests(counts[Status.FAILED.value])
        return Text(f"FAIL: {failed} failed", style="bold red")
    if counts[Status.ERROR.value]:
        erred = _tests(counts[Status.ERROR.value])
        return Text(f"INCOMPLETE: {erred} erred", style="bold yellow")
    return Text("PASS: no test failed or erred", style="bold green")


def render_plan_console(
    report: PlanReport, *, color: bool = False, width: int | None = None
) -> str:
    """The plan's results as text (with ANSI colours when ``color``)."""
    from rich.text import Text

    console, buffer = text_console(color=color, width=width)
    console.print(
        Text(
            f"{'Validation' if report.run.kind == 'validate' else 'Plan'}: "
            f"{printable(report.plan)} on {printable(report.target)}",
            style="bold",
        )
    )
    for outcome in report.outcomes:
        console.print(_status_line(outcome))
        for judgement in outcome.failed:
            console.print(_failed_line(judgement))
    console.print()
    console.print(_summary(report))
    console.print(_verdict(report))
    return buffer.getvalue()
