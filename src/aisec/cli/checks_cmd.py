"""``aisec checks list``: the registry, as the user's installation sees it."""

from __future__ import annotations

import json
from typing import Annotated

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
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    table = Table(title=f"{len(rows)} checks", show_lines=False)
    for column in ("id", "severity", "status", "title"):
        table.add_column(column)
    for row in rows:
        status = row["status"] if not row["reason"] else f"{row['status']}: {row['reason']}"
        table.add_row(
            escape(str(row["id"])),
            str(row["severity"]),
            escape(str(status)),
            escape(str(row["title"])),
        )
    Console().print(table)
