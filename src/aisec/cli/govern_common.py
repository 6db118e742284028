"""What the governance record commands share: the --system option, date parsing with
exit-2 errors, who acts, opening the store for reading without creating one, and printing
stored text (names, titles, owners people typed) so it cannot drive the terminal."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from aisec.report import printable

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
    try:
        # Stored as UTC: 0001-01-01T00:00+14:00 is a valid text but a UTC time before year 1.
        moment.astimezone(UTC)
    except OverflowError:
        raise UsageError(f"{option} {value!r}: outside the years 1 to 9999 in UTC") from None
    return moment


@contextmanager
def deadline_from(option: str, value: str) -> Iterator[None]:
    """Exit 2, not an internal error, when the deadline computed from ``value`` (days or
    months after it) falls past 9999-12-31: datetime raises OverflowError or ValueError
    ("year 10000 is out of range") there. Wraps only the call that computes it, so no
    other ValueError is mistaken for this one."""
    from aisec.core.errors import UsageError

    try:
        yield
    except (OverflowError, ValueError):
        raise UsageError(f"{option} {value!r}: the deadline computed from it falls outside "
                         "the years 1 to 9999") from None  # fmt: skip


def utc_today() -> date:
    """Today in UTC, as ``aisec gate`` judges it: a lapse or an expiry is the same day for
    every command and every machine, whatever its local zone."""
    return datetime.now(UTC).date()


def writable(output: Path) -> None:
    """Refuse an --output that cannot be written before any work is done (a report is
    not rendered for nothing), with exit 2 rather than an internal error."""
    from aisec.core.errors import InputError

    if output.is_dir():
        raise InputError(f"cannot write {output}: it is a directory", hint="name a file")
    if not output.parent.is_dir():
        raise InputError(f"cannot write {output}: no directory {output.parent}")


def write_output(output: Path, data: bytes) -> None:
    """Write ``data``; an OSError (full disk, no permission, a race with writable) is
    the user's to fix, so exit 2 as ``aisec gate`` does."""
    from aisec.core.errors import InputError

    try:
        output.write_bytes(data)
    except OSError as exc:
        raise InputError(f"cannot write {output}: {exc.strerror or exc}") from None


def say(text: str) -> None:
    """Echo one line with its control and bidi characters escaped: stored values (an
    approver, a title, a risk owner) come from whoever wrote the record and could
    otherwise carry ESC/OSC sequences that recolour, retitle or rewrite the terminal."""
    typer.echo(printable(text))


def say_fields(*fields: object) -> None:
    """A tab-separated line, each field escaped (the tabs between them stay tabs)."""
    typer.echo("\t".join(printable(str(field)) for field in fields))


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

    shown = Table(title=escape(printable(title)))  # titles name the system given
    for column in header:
        shown.add_column(column, overflow="fold")
    for row in rows:
        # printable: no terminal controls; escape: no Rich markup ("[link=...]").
        shown.add_row(*(escape(printable(cell)) for cell in row))
    _console().print(shown)
