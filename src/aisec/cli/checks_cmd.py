"""``aisec checks list``: the registry, as the user's installation sees it."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

app = typer.Typer(help="The registered checks.", no_args_is_help=True)


@app.command("list")
def list_checks(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """List every registered check with its status (enabled, unavailable, disabled)."""
    from aisec.core.registry import default_registry

    rows = []
    for entry in default_registry():
        check = entry.check
        rows.append(
            {
                "id": entry.name,
                "status": entry.status,
                "reason": entry.reason,
                "severity": check.severity.label if check else "",
                "applies_to": list(check.applies_to) if check else [],
                "title": check.title if check else "",
                "refs": list(check.refs) if check else [],
            }
        )
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
        return
    from rich.markup import escape
    from rich.table import Table

    table = Table(title=f"{len(rows)} checks", show_lines=False)
    # Ids are what users copy into configuration and suppressions: never cut or wrap them.
    table.add_column("id", no_wrap=True)
    table.add_column("severity", no_wrap=True)
    table.add_column("status", overflow="fold")
    table.add_column("title", overflow="fold")
    for row in rows:
        status = row["status"] if not row["reason"] else f"{row['status']}: {row['reason']}"
        table.add_row(
            escape(str(row["id"])),
            str(row["severity"]),
            escape(str(status)),
            escape(str(row["title"])),
        )
    _console().print(table)


def _console() -> Any:
    """The terminal's width on a terminal; elsewhere (a pipe, a log) a wide fixed one,
    since Rich would otherwise assume 80 columns and squeeze the ids."""
    import sys

    from rich.console import Console

    return Console(width=None if sys.stdout.isatty() else 200)
