"""The console report: a findings table, what could not be analysed, and the verdict.

Rich is imported inside :func:`render_console` because every CLI start would otherwise
pay for it. All run-derived text goes through :class:`rich.text.Text` (never markup) after
:func:`aisec.report.printable`, so a file named ``[bold]x`` or ``\\x1b[2J`` prints as
itself instead of styling or clearing the user's terminal.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from aisec.core.finding import Finding
from aisec.core.run import ArtefactStatus, Run
from aisec.core.severity import Severity
from aisec.report import printable, shorten, text_console

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

SEVERITY_STYLES: dict[Severity, str] = {
    Severity.CRITICAL: "bold white on red",
    Severity.HIGH: "bold red",
    Severity.MEDIUM: "yellow",
    Severity.LOW: "cyan",
    Severity.INFO: "dim",
}
# A terminal is for reading: long messages are cut, the JSON/SARIF reports keep them whole.
MESSAGE_LIMIT = 500
_VERDICT_STYLES = {0: "bold green", 1: "bold red", 3: "bold yellow"}


def render_console(run: Run, fail_on: Severity, *, color: bool, width: int | None) -> str:
    """The human-readable report of ``run`` as text (with ANSI colours when ``color``)."""

    console, buffer = text_console(color=color, width=width)
    _print_findings(console, run)
    _print_unanalysed(console, run)
    _print_summary(console, run, fail_on)
    return buffer.getvalue()


def _ordered(findings: list[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (-f.severity, f.location.display(), f.check_id))


def _print_findings(console: Console, run: Run) -> None:
    # Suppressed and baseline findings are counted here and listed in the JSON and SARIF
    # reports: the table is what needs attention.
    findings = run.open_findings
    if findings:
        console.print(_findings_table(findings))
    else:
        console.print("No open findings." if run.findings else "No findings.")
    not_counted = run.not_counted()
    if any(not_counted.values()):
        console.print(
            f"Not counted: {not_counted['suppressed']} suppressed, "
            f"{not_counted['baseline']} in the baseline "
            "(listed with their reasons in the JSON and SARIF reports)."
        )


def _findings_table(findings: list[Finding]) -> Table:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    table = Table(box=box.SIMPLE_HEAD, header_style="bold", pad_edge=False, show_edge=False)
    table.add_column("Severity", no_wrap=True)
    table.add_column("Check", no_wrap=True)
    table.add_column("Location", overflow="fold")
    table.add_column("Message", overflow="fold", ratio=1)
    for finding in _ordered(findings):
        table.add_row(
            Text(finding.severity.label.upper(), style=SEVERITY_STYLES[finding.severity]),
            Text(printable(finding.check_id)),
            Text(printable(finding.location.display())),
            Text(shorten(printable(finding.message or finding.title), MESSAGE_LIMIT)),
        )
    return table


def _print_unanalysed(console: Console, run: Run) -> None:
    from rich.text import Text

    unanalysed = run.incomplete
    if unanalysed:
        console.print()
        console.print(Text("Not fully analysed:", style="bold yellow"))
    for artefact in unanalysed:
        reason = artefact.reason or "no reason recorded"
        console.print(
            Text.assemble(
                (f"  {artefact.status.value:<10} ", "yellow"),
                printable(artefact.location.display()),
                " - ",
                shorten(printable(reason), MESSAGE_LIMIT),
            )
        )
    if run.errors:
        console.print()
        console.print(Text("Errors:", style="bold red"))
    for error in run.errors:
        console.print(Text(f"  {shorten(printable(error), MESSAGE_LIMIT)}"))


def _summary(run: Run) -> Text:
    from rich.text import Text

    statuses = [a.status for a in run.artefacts]
    text = Text(f"{len(statuses)} artefacts: ")
    text.append(f"{statuses.count(ArtefactStatus.ANALYSED)} analysed, ")
    text.append(f"{statuses.count(ArtefactStatus.INCOMPLETE)} incomplete, ")
    text.append(f"{statuses.count(ArtefactStatus.SKIPPED)} skipped")
    text.append(" | findings: ")
    counts = run.counts()
    for i, severity in enumerate(sorted(Severity, reverse=True)):
        count = counts[severity.label]
        style = SEVERITY_STYLES[severity] if count else ""
        text.append(f"{', ' if i else ''}{count} {severity.label}", style=style)
    return text


def _verdict(run: Run, fail_on: Severity) -> Text:
    from rich.text import Text

    code = run.exit_code(fail_on)
    at_or_above = sum(f.severity >= fail_on for f in run.open_findings)
    if code == 1:
        noun = "finding" if at_or_above == 1 else "findings"
        words = f"FAIL: {at_or_above} {noun} at or above {fail_on.label}"
    elif code == 3:
        words = (
            f"INCOMPLETE: no findings at or above {fail_on.label}, but "
            f"{len(run.incomplete)} artefact(s) not fully analysed and "
            f"{len(run.errors)} run error(s)"
        )
    else:
        words = f"PASS: no findings at or above {fail_on.label}"
    return Text(f"{words} (exit code {code})", style=_VERDICT_STYLES.get(code, "bold"))


def _print_summary(console: Console, run: Run, fail_on: Severity) -> None:
    console.print()
    console.print(_summary(run))
    console.print(_verdict(run, fail_on))
