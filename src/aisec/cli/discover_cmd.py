"""``aisec discover``."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from aisec.cli.options import RecordDatabaseOption, SeverityName
from aisec.core.errors import InputError, UsageError

if TYPE_CHECKING:
    from aisec.discovery.items import DiscoveryReport


class DiscoverFormat(StrEnum):
    console = "console"
    json = "json"


def discover(
    path: Annotated[Path, typer.Argument(help="The repository, directory or file to walk.")],
    database: RecordDatabaseOption = None,
    system: Annotated[
        str | None,
        typer.Option(
            "--system",
            metavar="NAME",
            help="Link everything found to this AI system (created if new); its BOM"
            " (aisec bom --system NAME) then lists them.",
        ),
    ] = None,
    no_record: Annotated[
        bool, typer.Option("--no-record", help="Report only; write nothing to the store.")
    ] = False,
    fmt: Annotated[
        DiscoverFormat, typer.Option("--format", "-f", help="Report format.")
    ] = DiscoverFormat.console,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the report to FILE.")
    ] = None,
    fail_on: Annotated[
        SeverityName | None,
        typer.Option(
            "--fail-on", help="Exit 1 on findings at or above this severity [default: high]."
        ),
    ] = None,
    all_directories: Annotated[
        bool,
        typer.Option(
            "--all-directories",
            help="Also walk .git, .venv, node_modules and other tool directories.",
        ),
    ] = False,
) -> int:
    """Discover AI assets in a repository: model files, datasets, notebooks, ML
    dependencies, AI SDK and loader use, MCP servers, hard-coded AI provider keys.

    Nothing is imported or executed. Unsafe loaders and keys (shown redacted) are
    findings; everything found is recorded in the store unless --no-record (re-running
    updates records instead of duplicating them), and linked to the system --system
    names. Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage error, 3 some
    input could not be fully analysed.
    """
    from aisec.core.settings import load_settings
    from aisec.discovery import discover as run_discovery

    if not path.exists():
        raise InputError(f"no such file or directory: {path}", hint="check the path")
    if system is not None:
        _check_system(system, no_record)
    settings = load_settings({"fail_on": fail_on.value if fail_on else None})
    report = _with_progress(run_discovery, path, settings, all_directories)
    code: int = report.run.exit_code(settings.fail_on)
    if not no_record:
        _record(report, settings, database, code, system)
    for warning in report.run.warnings[:20]:
        sys.stderr.write(f"aisec: warning: {warning}\n")
    text = _render(report, fmt.value, settings, to_terminal=output is None)
    if output is None:
        sys.stdout.write(text)
    else:
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise InputError(
                f"cannot write {output}: {exc.strerror}", hint="check the directory"
            ) from None
    return code


def _check_system(system: str, no_record: bool) -> None:
    if no_record:
        raise UsageError(
            "--system links what is recorded, and --no-record records nothing",
            hint="give one of them",
        )
    if not system.strip() or len(system) > 200:
        raise UsageError(
            f"--system {system[:40]!r}: a system's name is 1 to 200 characters",
            hint="name the system as the inventory does (aisec inventory list systems)",
        )


def _record(
    report: DiscoveryReport, settings: Any, database: str | None, code: int, system: str | None
) -> None:
    from aisec.discovery.recording import record
    from aisec.store import open_store

    with open_store(database, settings=settings) as store:
        recorded = record(report, store, exit_code=code, system=system)
        linked = f", linked to system {system!r}" if system is not None else ""
        sys.stderr.write(
            f"aisec: recorded discovery run {recorded.run_id} in {store.url}: "
            f"{recorded.models} models, {recorded.datasets} datasets, "
            f"{recorded.components} components{linked}\n"
        )


def _render(report: DiscoveryReport, fmt: str, settings: Any, *, to_terminal: bool) -> str:
    if fmt == "json":
        import json

        from aisec.report.json_report import jsonable

        return json.dumps(jsonable(report.to_dict()), indent=2, ensure_ascii=False) + "\n"
    from aisec.discovery.console import render_items
    from aisec.report.console import render_console

    tty = to_terminal and sys.stdout.isatty()
    width = None if tty else 200
    items = render_items(report, color=tty, width=width)
    return items + render_console(report.run, settings.fail_on, color=tty, width=width)


def _with_progress(run: Any, path: Path, settings: Any, all_directories: bool) -> Any:
    if not sys.stderr.isatty():
        return run(path, settings, include_skipped=all_directories)
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn

    columns = (SpinnerColumn(), TextColumn("discovering {task.completed} files"))
    with Progress(*columns, transient=True, console=Console(stderr=True)) as progress:
        task = progress.add_task("discovering", total=None)
        return run(
            path,
            settings,
            include_skipped=all_directories,
            progress=lambda _: progress.advance(task),
        )
