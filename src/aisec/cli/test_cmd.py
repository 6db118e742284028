"""``aisec test``: run a test plan of model assurance tests."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from aisec.cli.options import RecordDatabaseOption, RecordOption, SeverityName
from aisec.cli.scan_cmd import SystemOption
from aisec.core.errors import InputError, UsageError


class PlanFormat(StrEnum):
    console = "console"
    json = "json"
    html = "html"
    junit = "junit"


FormatOption = Annotated[PlanFormat, typer.Option("--format", "-f", help="Report format.")]
OutputOption = Annotated[
    Path | None, typer.Option("--output", "-o", help="Write the report to FILE.")
]
AlsoOption = Annotated[
    list[str] | None,
    typer.Option(
        "--also",
        metavar="FORMAT=FILE",
        help="Also write this format to FILE, from the same run (repeatable), e.g. "
        "--also html=report.html --also junit=junit.xml.",
    ),
]


def plan_command(
    plan_file: Annotated[Path, typer.Argument(help="The test plan (YAML).", metavar="PLAN")],
    fmt: FormatOption = PlanFormat.console,
    output: OutputOption = None,
    also: AlsoOption = None,
    trust: Annotated[
        bool,
        typer.Option(
            "--trust",
            help="Allow a pickled (joblib/pickle) model to be loaded, after a clean scan, in "
            "a separate process. Only for a model you would run yourself.",
        ),
    ] = False,
    jobs: Annotated[
        int | None,
        typer.Option("--jobs", "-j", min=1, help="Tests run at once [default: all cores]."),
    ] = None,
    fail_on: Annotated[
        SeverityName | None,
        typer.Option(
            "--fail-on",
            help="Exit 1 on findings at or above this severity "
            "[default: the plan's fail_on, else high].",
        ),
    ] = None,
    record: RecordOption = None,
    database: RecordDatabaseOption = None,
    system: SystemOption = None,
) -> int:
    """Test a model as an attacker and an auditor would: evasion, extraction, membership
    inference, poisoning, fairness, explanations — with budgets and thresholds.

    Exit codes: 0 every threshold met, 1 findings at or above --fail-on, 2 usage or plan
    error, 3 a test could not run (and nothing worse).
    """
    from aisec.core.settings import load_settings
    from aisec.core.severity import Severity
    from aisec.services import testing

    if not plan_file.is_file():
        raise InputError(f"no such test plan: {plan_file}", hint="check the path")
    extra = _extra_outputs(also or [])
    # Checked before the tests run: a run of many minutes must not end in "cannot write".
    for path in [p for _, p in extra] + ([output] if output is not None else []):
        if not path.parent.is_dir():
            raise InputError(
                f"cannot write {path}: no directory {path.parent}", hint="create it first"
            )
    # --system asks for the run as evidence: it is recorded unless --no-record says not.
    settings = load_settings({"record_runs": True if system and record is None else record})
    plan = testing.load(plan_file)
    verdict = Severity.parse(fail_on.value) if fail_on else None
    report = _run_with_progress(plan, settings, trust, jobs, verdict)
    from aisec.report import printable

    for warning in report.run.warnings:  # test names come from the plan: escaped
        sys.stderr.write(f"aisec: warning: {printable(warning)}\n")
    text = _render(report, fmt.value, to_terminal=output is None)
    for extra_fmt, extra_file in extra:
        _write(extra_file, _render(report, extra_fmt, to_terminal=False))
    if output is not None:
        _write(output, text)
        if fmt is not PlanFormat.console:
            typer.echo(_render(report, "console", to_terminal=False), nl=False, err=True)
    else:
        sys.stdout.write(text)
    code = testing.exit_code(report)
    from aisec.cli.scan_cmd import record_after_report

    record_after_report(report.run, settings, code, database, system)
    return code


def _extra_outputs(
    specs: list[str], formats: tuple[str, ...] = ("json", "html", "junit")
) -> list[tuple[str, Path]]:
    """``--also FORMAT=FILE`` options as (format, file) pairs, ``formats`` allowed."""
    out = []
    named = f"{', '.join(formats[:-1])} or {formats[-1]}"
    for spec in specs:
        name, sep, file = spec.partition("=")
        if not sep or not file or name not in formats:
            raise UsageError(f"--also {spec!r}: expected FORMAT=FILE with FORMAT {named}")
        out.append((name, Path(file)))
    return out


def _write(path: Path, text: str) -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InputError(
            f"cannot write {path}: {exc.strerror}", hint="check the directory"
        ) from None


def _render(report: Any, fmt: str, *, to_terminal: bool) -> str:
    if fmt == "json":
        from aisec.report.plan_json import render_plan_json

        return render_plan_json(report)
    if fmt == "junit":
        from aisec.report.plan_junit import render_plan_junit

        return render_plan_junit(report)
    if fmt == "html":
        from aisec.report.plan_html import render_plan_html

        return render_plan_html(report)
    from aisec.report.plan_console import render_plan_console

    tty = to_terminal and sys.stdout.isatty()
    return render_plan_console(report, color=tty, width=None if tty else 200)


def _run_with_progress(
    plan: Any, settings: Any, trust: bool, jobs: int | None, verdict: Any
) -> Any:
    from aisec.services.testing import run_plan

    options = {"trust": trust, "jobs": jobs, "fail_on": verdict}
    if not sys.stderr.isatty():
        return run_plan(plan, settings, **options)
    from rich.console import Console
    from rich.progress import Progress

    with Progress(transient=True, console=Console(stderr=True)) as progress:
        task = progress.add_task(f"testing ({len(plan.tests)} tests)", total=len(plan.tests))

        def advance(outcome: Any, done: int, total: int) -> None:
            progress.update(task, completed=done, description=f"{outcome.name}: {outcome.status}")

        return run_plan(plan, settings, progress=advance, **options)
