"""What the governance record commands share: the --system option, date parsing with
exit-2 errors, who acts, and opening the store for reading without creating one."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from aisec.store.store import Store

SystemOption = Annotated[
    str, typer.Option("--system", metavar="NAME", help="The AI system (name or id).")
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def parse_day(value: str, option: str) -> date:
    from aisec.core.errors import UsageError

    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{option} {value!r}: expected YYYY-MM-DD") from None


def parse_moment(value: str, option: str) -> datetime:
    """An aware ISO datetime: legal deadlines end at midnight where the event was
    noticed, so a time without its zone cannot be judged."""
    from aisec.core.errors import UsageError

    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{option} {value!r}: expected an ISO date-time with a zone, "
                         "e.g. 2026-11-28T09:30:00+01:00") from None  # fmt: skip
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise UsageError(f"{option} {value!r}: give the time zone, e.g. +01:00 or Z")
    return moment


def actor() -> str:
    from aisec.cli.classify_cmd import _user

    return _user()


@contextmanager
def reading(database: str | None, system: str | None = None) -> Iterator[Store | None]:
    """The store for a reading command; None when there is none yet, which for a named
    system is an error (it cannot be in an inventory that does not exist)."""
    from aisec.cli.store_access import opened
    from aisec.core.errors import RecordNotFound

    with opened(database, create=False) as store:
        if store is None and system is not None:
            raise RecordNotFound(f"no AI system {system!r}: there is no store yet",
                                 hint="aisec inventory add system --name NAME")  # fmt: skip
        if store is not None and system is not None:
            from aisec.services.governance_risks import system_named

            system_named(store, system)
        yield store


def echo_json(value: Any) -> None:
    typer.echo(json.dumps(value, indent=2, default=str))


def plain(record: Any) -> dict[str, Any]:
    """A stored record as JSON-safe data (dates as ISO text, tuples as lists)."""
    from dataclasses import asdict

    out = asdict(record)
    for key, value in out.items():
        if isinstance(value, date | datetime):
            out[key] = value.isoformat()
        elif isinstance(value, tuple):
            out[key] = list(value)
    return out


def table(rows: list[list[str]], header: list[str], title: str) -> None:
    from rich.markup import escape
    from rich.table import Table

    from aisec.cli.checks_cmd import _console

    shown = Table(title=title)
    for column in header:
        shown.add_column(column, overflow="fold")
    for row in rows:
        shown.add_row(*(escape(cell) for cell in row))
    _console().print(shown)
