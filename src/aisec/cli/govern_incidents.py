"""``aisec govern incident | incidents | request | requests``: serious incidents with their
EU AI Act Art. 73 reporting deadlines, and data-subject requests with their due dates."""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any

import typer

from aisec.cli.govern_common import (
    JsonOption,
    SystemOption,
    actor,
    deadline_from,
    echo_json,
    parse_moment,
    plain,
    reading,
    say,
    table,
    writable,
    write_output,
)
from aisec.cli.store_access import DatabaseOption

incident_app = typer.Typer(help="Serious incidents (Art. 73).", no_args_is_help=True)
request_app = typer.Typer(help="Data-subject and redress requests.", no_args_is_help=True)
OpenOption = Annotated[bool, typer.Option("--open", help="Only those still open.")]


@incident_app.command("add")
def incident_add(
    system: SystemOption,
    title: Annotated[str, typer.Option("--title", help="What happened, in a line.")],
    aware_at: Annotated[str, typer.Option("--aware-at", metavar="ISO-DATETIME",
                                          help="When you became aware, with its zone.")],
    category: Annotated[list[str], typer.Option("--category", metavar="a|b|c|d",
                                                help="Art. 3(49) category; repeatable.")],
    description: Annotated[str, typer.Option("--description", help="What happened.")] = "",
    death: Annotated[bool, typer.Option("--death", help="Someone died.")] = False,
    widespread: Annotated[bool, typer.Option("--widespread", help="A widespread infringement.")]
    = False,
    as_json: JsonOption = False,
    database: DatabaseOption = None,
) -> None:  # fmt: skip
    """Record a serious incident; its reporting deadline is computed from the categories."""
    from aisec.cli.store_access import opened

    noticed = parse_moment(aware_at, "--aware-at")
    with opened(database) as store:
        assert store is not None
        with deadline_from("--aware-at", aware_at):
            stored = store.incidents.record(system, title, categories=category,
                                            aware_at=noticed, recorded_by=actor(),
                                            description=description, death=death,
                                            widespread=widespread)  # fmt: skip
    if as_json:
        echo_json(plain(stored))
        return
    say(f"recorded: incident {stored.id}; report due {stored.deadline.isoformat()} "
        f"({stored.legal_basis})")  # fmt: skip


@incident_app.command("update")
def incident_update(
    incident_id: Annotated[str, typer.Argument(help="The incident's id.")],
    status: Annotated[str | None, typer.Option("--status", help="open, initial-report-sent, "
                                               "complete-report-sent or closed.")] = None,
    corrective_action: Annotated[list[str] | None, typer.Option(
        "--corrective-action", help="A corrective action taken; added to those recorded.")] = None,
    as_json: JsonOption = False,
    database: DatabaseOption = None,
) -> None:  # fmt: skip
    """Move an incident forward or add corrective actions."""
    from aisec.core.errors import RecordNotFound, UsageError
    from aisec.services.governance_risks import locked_system

    changes: dict[str, Any] = {} if status is None else {"status": status}
    if not changes and not corrective_action:
        raise UsageError("nothing to update", hint="give --status or --corrective-action")
    with reading(database) as store:
        first = store.incidents.get(incident_id) if store is not None else None
        if store is None or first is None:
            raise RecordNotFound(f"no incident with the id {incident_id!r}")
        # The actions are appended to those stored: read them under the system's lock,
        # in the transaction that writes, or another update landing in between is lost.
        with locked_system(store, first.system_id):
            found = store.incidents.get(incident_id)
            if found is None:  # deleted meanwhile; the store has no delete, but be sure
                raise RecordNotFound(f"no incident with the id {incident_id!r}")
            if corrective_action:
                changes["corrective_actions"] = [*found.corrective_actions, *corrective_action]
            stored = store.incidents.update(incident_id, actor=actor(), **changes)
    if as_json:
        echo_json(plain(stored))
        return
    say(f"updated: incident {stored.id} is {stored.status}")


@incident_app.command("report")
def incident_report(
    incident_id: Annotated[str, typer.Argument(help="The incident's id.")],
    output: Annotated[Path, typer.Option("--output", metavar="FILE", help="Write the JSON here.")],
    complete: Annotated[bool, typer.Option("--complete", help="The complete report, not the "
                                           "initial one.")] = False,
    reporter: Annotated[str | None, typer.Option("--reporter", help="Who reports.")] = None,
    authority: Annotated[str | None, typer.Option("--authority", help="To which authority.")]
    = None,
    database: DatabaseOption = None,
) -> None:  # fmt: skip
    """Write the Art. 73 report of an incident as JSON; what the store lacks is listed
    under "missing" for you to complete."""
    from aisec.core.errors import RecordNotFound
    from aisec.governance.reports import incident_report_json

    writable(output)
    with reading(database) as store:
        found = store.incidents.get(incident_id) if store is not None else None
    if found is None:
        raise RecordNotFound(f"no incident with the id {incident_id!r}")
    incident = {
        "id": found.id, "title": found.title, "system": found.system_name,
        "description": found.description or None, "aware_at": found.aware_at.isoformat(),
        "categories": list(found.categories), "death": found.death,
        "widespread": found.widespread, "deadline": found.deadline.isoformat(),
        "corrective_actions": list(found.corrective_actions), "reporter": reporter,
        "authority": authority, "report_type": "complete" if complete else "initial",
    }  # fmt: skip
    write_output(output, incident_report_json(incident).encode("utf-8"))
    say(f"wrote {output}")


def left(deadline: datetime, now: datetime) -> str:
    from aisec.governance.deadlines import status

    state = status(deadline, now)
    if state.state == "due":
        return f"{_span(state.time_left)} left"
    return f"OVERDUE by {_span(state.time_over)}"


def _span(span: timedelta) -> str:
    hours = int(span.total_seconds() // 3600)
    return f"{hours // 24}d {hours % 24}h"


def _reporting(status: str, deadline: datetime, now: datetime) -> str:
    """Where the incident's Art. 73 reporting stands. The deadline is the initial report's;
    once that is sent the complete report is still owed (Art. 73(5)), so it is not yet
    "reported"."""
    if status == "open":
        return left(deadline, now)
    if status == "initial-report-sent":
        return "complete report pending"
    return "reported" if status == "complete-report-sent" else status


def incidents(
    system: Annotated[str | None, typer.Option("--system", metavar="NAME",
                                               help="Only this AI system's.")] = None,
    open_only: OpenOption = False,
    as_json: JsonOption = False,
    database: DatabaseOption = None,
) -> None:  # fmt: skip
    """Incidents, soonest deadline first, with the time left to report (or overdue)."""
    now = datetime.now(UTC)
    with reading(database, system) as store:
        found = [] if store is None else store.incidents.list(system, open_only=open_only)
    shown = [(i, _reporting(i.status, i.deadline, now)) for i in found]
    if as_json:
        echo_json([plain(i) | {"time": t} for i, t in shown])
        return
    rows = [[i.id, i.system_name, i.title, ", ".join(i.categories), i.status,
             i.deadline.isoformat(), t] for i, t in shown]  # fmt: skip
    header = ["id", "system", "title", "categories", "status", "deadline", "time"]
    table(rows, header, f"{len(found)} incidents")


@request_app.command("add")
def request_add(
    system: SystemOption,
    kind: Annotated[str, typer.Option("--kind", help="access, erasure, objection, explanation"
                                      " (Art. 86) or other.")],
    received_at: Annotated[str, typer.Option("--received-at", metavar="ISO-DATETIME",
                                             help="When it was received, with its zone.")],
    extended: Annotated[bool, typer.Option("--extended", help="The period is extended.")]
    = False,
    as_json: JsonOption = False,
    database: DatabaseOption = None,
) -> None:  # fmt: skip
    """Record a request about a system; its due date is computed from the kind."""
    from aisec.cli.store_access import opened

    received = parse_moment(received_at, "--received-at")
    with opened(database) as store:
        assert store is not None
        with deadline_from("--received-at", received_at):
            stored = store.requests.record(system, kind, received_at=received,
                                           recorded_by=actor(), extended=extended)  # fmt: skip
    if as_json:
        echo_json(plain(stored))
        return
    say(f"recorded: request {stored.id}; due {stored.due.isoformat()}")


@request_app.command("update")
def request_update(
    request_id: Annotated[str, typer.Argument(help="The request's id.")],
    status: Annotated[str | None, typer.Option("--status", metavar="answered|refused",
                                               help="Close it: answered or refused.")] = None,
    answered_at: Annotated[str | None, typer.Option(
        "--answered-at", metavar="ISO-DATETIME",
        help="When it was answered or refused, with its zone [default: now].")] = None,
    extended: Annotated[bool, typer.Option(
        "--extended", help="Extend the period (give --received-at again).")] = False,
    received_at: Annotated[str | None, typer.Option(
        "--received-at", metavar="ISO-DATETIME",
        help="When it was received, with its zone; the due date is recomputed.")] = None,
    as_json: JsonOption = False,
    database: DatabaseOption = None,
) -> None:  # fmt: skip
    """Answer, refuse or extend an open request; a closed request cannot change."""
    from aisec.cli.store_access import opened
    from aisec.core.errors import RecordNotFound, UsageError

    changes: dict[str, Any] = {}
    if status is not None:
        if status not in ("answered", "refused"):
            raise UsageError(f"--status {status!r}: answered or refused")
        changes["status"] = status
    if answered_at is not None:
        changes["answered_at"] = parse_moment(answered_at, "--answered-at")
    if extended:
        changes["extended"] = True
    if received_at is not None:
        changes["received_at"] = parse_moment(received_at, "--received-at")
    # The due date ends at midnight where it was received, and the store keeps UTC only.
    if extended and received_at is None:
        raise UsageError("--extended needs --received-at again, with its zone",
                         hint="the due date is recomputed from it")  # fmt: skip
    if not changes:
        raise UsageError("nothing to update", hint="give --status, --answered-at or --extended")
    with opened(database, create=False) as store:
        if store is None:
            raise RecordNotFound(f"no request with the id {request_id!r}: there is no store yet")
        # Only a new received time recomputes the due date, so only then can it overflow.
        guard: AbstractContextManager[None] = nullcontext()
        if received_at is not None:
            guard = deadline_from("--received-at", received_at)
        with guard:
            stored = store.requests.update(request_id, actor=actor(), **changes)
    if as_json:
        echo_json(plain(stored))
        return
    say(f"updated: request {stored.id} is {stored.status}; due {stored.due.isoformat()}")


def requests(
    system: Annotated[str | None, typer.Option("--system", metavar="NAME",
                                               help="Only this AI system's.")] = None,
    open_only: OpenOption = False,
    as_json: JsonOption = False,
    database: DatabaseOption = None,
) -> None:  # fmt: skip
    """Requests with their due dates and the time left to answer (or overdue)."""
    now = datetime.now(UTC)
    with reading(database, system) as store:
        found = [] if store is None else store.requests.list(system, open_only=open_only)
    shown = [(r, left(r.due, now) if r.status == "open" else r.status) for r in found]
    if as_json:
        echo_json([plain(r) | {"time": t} for r, t in shown])
        return
    rows = [[r.id, r.system_name, r.kind, r.status, r.due.isoformat(), t] for r, t in shown]
    table(rows, ["id", "system", "kind", "status", "due", "time"], f"{len(found)} requests")
