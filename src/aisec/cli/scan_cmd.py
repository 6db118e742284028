"""``aisec scan``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from aisec.cli.options import Format, RecordDatabaseOption, RecordOption, SeverityName
from aisec.core.errors import InputError
from aisec.core.settings import load_settings

SystemOption = Annotated[
    str | None,
    typer.Option(
        "--system",
        metavar="NAME",
        help="Link the recorded run to this AI system of the inventory (implies --record).",
    ),
]


def scan(
    paths: Annotated[list[Path], typer.Argument(help="Files, directories or archives to scan.")],
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Report format.")] = Format.console,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the report to FILE.")
    ] = None,
    fail_on: Annotated[
        SeverityName | None,
        typer.Option(
            "--fail-on", help="Exit 1 on findings at or above this severity [default: high]."
        ),
    ] = None,
    allow_global: Annotated[
        list[str] | None,
        typer.Option(
            "--allow-global", help="Treat module.name (or module.*) in pickles as allowed."
        ),
    ] = None,
    deny_global: Annotated[
        list[str] | None,
        typer.Option(
            "--deny-global", help="Treat module.name (or module.*) in pickles as dangerous."
        ),
    ] = None,
    workers: Annotated[
        int | None, typer.Option("--workers", help="Processes used for many files.")
    ] = None,
    executor: Annotated[
        str | None,
        typer.Option(
            "--executor",
            help="Where the work runs: local, dask (a cluster on this machine), dask://host:port.",
        ),
    ] = None,
    timeout: Annotated[
        float | None, typer.Option("--timeout", help="Seconds allowed per file.")
    ] = None,
    strict: Annotated[
        bool | None,
        typer.Option(
            "--strict/--no-strict",
            help="Raise findings of names on no allowlist (unknown pickle globals) to high.",
        ),
    ] = None,
    baseline: Annotated[
        str | None,  # not a Path: "" (switch a configured baseline off) must stay ""
        typer.Option("--baseline", help="Findings listed in this baseline file do not count."),
    ] = None,
    write_baseline: Annotated[
        Path | None,
        typer.Option("--write-baseline", help="Write this scan's findings as a baseline to FILE."),
    ] = None,
    require_signature: Annotated[
        bool | None,
        typer.Option(
            "--require-signature/--no-require-signature",
            help="Verify each path's model signature; missing, invalid or changed = findings.",
        ),
    ] = None,
    signature_key: Annotated[
        Path | None,
        typer.Option(
            "--signature-key",
            help="PEM public key or CA certificates to verify with (implies --require-signature).",
        ),
    ] = None,
    record: RecordOption = None,
    database: RecordDatabaseOption = None,
    system: SystemOption = None,
) -> int:
    """Scan model files statically for code execution, tampering and malformed structure,
    and datasets for personal data and credentials.

    Nothing is loaded or executed. Exit codes: 0 clean, 1 findings at or above
    --fail-on, 2 usage error, 3 some input could not be fully analysed.
    """
    from aisec.core.registry import default_registry
    from aisec.core.triage import load_baseline
    from aisec.modelfile.scanner import iter_files
    from aisec.services.scanning import scan as run_scan

    if signature_key is not None and require_signature is None:
        require_signature = True  # --signature-key alone turns verification on
    overrides: dict[str, Any] = {
        "fail_on": fail_on.value if fail_on else None,
        "workers": workers,
        "executor": executor,
        "timeout_seconds": timeout,
        "strict": strict,
        "baseline": baseline,
        "require_signature": require_signature,
        "signature_key": signature_key,
        # --system asks for the run as evidence: it is recorded unless --no-record says not.
        "record_runs": True if system and record is None else record,
    }
    settings = load_settings(overrides)
    if allow_global or deny_global:
        from dataclasses import replace

        settings = replace(
            settings,
            allow_globals=settings.allow_globals + tuple(allow_global or ()),
            deny_globals=settings.deny_globals + tuple(deny_global or ()),
        )
    for path in paths:
        if not path.exists():
            raise InputError(f"no such file or directory: {path}", hint="check the path")
    registry = default_registry()
    known = load_baseline(settings, writing=write_baseline)  # a bad one fails before the scan
    total = sum(1 for _ in iter_files(paths))
    scan_options = {"registry": registry, "baseline": known, "write_baseline": write_baseline}
    run = _scan_with_progress(paths, settings, scan_options, total, run_scan)
    if write_baseline is not None:
        listed = sum(1 for d in run.dispositions.values() if d.status == "baseline")
        sys.stderr.write(f"aisec: wrote baseline {write_baseline} ({listed} findings)\n")
    for warning in run.warnings:
        sys.stderr.write(f"aisec: warning: {warning}\n")
    text = render_report(
        run, fmt.value, settings.fail_on, registry.enabled(), to_terminal=output is None
    )
    if output is not None:
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise InputError(
                f"cannot write {output}: {exc.strerror}", hint="check the directory"
            ) from None
        if fmt is not Format.console:
            summary = render_report(
                run, "console", settings.fail_on, registry.enabled(), to_terminal=False
            )
            typer.echo(summary, nl=False, err=True)
    else:
        sys.stdout.write(text)
    code: int = run.exit_code(settings.fail_on)
    record_after_report(run, settings, code, database, system)
    return code


def record_after_report(
    run: Any, settings: Any, code: int, database: str | None, system: str | None = None
) -> None:
    """After the report is out, so that a slow or broken store cannot withhold it."""
    from aisec.services.recording import record_run, should_record

    if not should_record(settings, database):
        if system:
            sys.stderr.write(f"aisec: warning: run not recorded, so not linked to {system!r}\n")
        return
    recorded = record_run(run, settings, exit_code=code, url=database, system=system)
    if recorded.warning:
        sys.stderr.write(f"aisec: warning: {recorded.warning}\n")


def render_report(run: Any, fmt: str, fail_on: Any, rules: Any, *, to_terminal: bool) -> str:
    """Console reports get colour and the terminal's width on a terminal, and a wide
    fixed width elsewhere so that ids and paths are not wrapped in logs."""
    from aisec.report.render import render

    tty = to_terminal and sys.stdout.isatty()
    return render(run, fmt, fail_on=fail_on, rules=rules, color=tty, width=None if tty else 200)


def _scan_with_progress(
    paths: list[Path], settings: Any, options: dict[str, Any], total: int, run_scan: Any
) -> Any:
    if total < 2 or not sys.stderr.isatty():
        return run_scan(paths, settings, **options)
    from rich.progress import Progress

    with Progress(transient=True, console=_stderr_console()) as progress:
        task = progress.add_task("scanning", total=total)
        return run_scan(paths, settings, progress=lambda _: progress.advance(task), **options)


def _stderr_console() -> Any:
    from rich.console import Console

    return Console(stderr=True)
