"""Tables and JSON on stdout for the store's commands (inventory, findings)."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from enum import StrEnum
from typing import Any


class OutputFormat(StrEnum):
    console = "console"
    json = "json"


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def print_table(title: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Values are escaped: names and messages come from users and from artefacts, and
    Rich would read ``[red]`` in them as markup."""
    from rich.markup import escape
    from rich.table import Table

    table = Table(title=escape(title), title_justify="left")
    for column in columns:
        # Ids, names and fingerprints are what people copy into the next command.
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*(escape(text(value)) for value in row))
    console().print(table)


def print_fields(title: str, fields: Sequence[tuple[str, Any]]) -> None:
    """A record as ``field  value`` lines under a title."""
    from rich.markup import escape
    from rich.table import Table

    table = Table(title=escape(title), title_justify="left", show_header=False, box=None)
    table.add_column("field", style="bold", no_wrap=True)
    table.add_column("value", overflow="fold")
    for name, value in fields:
        table.add_row(escape(name), escape(text(value)))
    console().print(table)


def text(value: Any) -> str:
    if value is None or value == "":
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(text(v) for v in value) or "-"
    if isinstance(value, dict):
        return ", ".join(f"{k}:{v}" for k, v in value.items()) or "-"
    return str(value)


def console() -> Any:
    """The terminal's width on a terminal; a wide fixed one in pipes and logs, where Rich
    would assume 80 columns and fold every id."""
    from rich.console import Console

    return Console(width=None if sys.stdout.isatty() else 200, highlight=False)
