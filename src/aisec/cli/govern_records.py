"""``aisec govern approve | approvals | evidence``: human-oversight decisions (EU AI Act
Art. 14) and the evidence kept for a system's framework refs."""

from __future__ import annotations

from typing import Annotated

import typer

from aisec.cli.govern_common import (
    JsonOption,
    SystemOption,
    actor,
    echo_json,
    parse_day,
    plain,
    reading,
    say,
    table,
    utc_today,
)
from aisec.cli.store_access import DatabaseOption

evidence_app = typer.Typer(help="Evidence for a system's framework refs.", no_args_is_help=True)


def approve(
    system: SystemOption,
    scope: Annotated[
        str, typer.Option("--scope", help='What is decided on: "deployment", "model:NAME"...')
    ],
    decision: Annotated[str, typer.Option("--decision", help="approved or rejected.")],
    approver: Annotated[str, typer.Option("--approver", metavar="WHO", help="Who decides.")],
    expires: Annotated[
        str | None,
        typer.Option("--expires", metavar="YYYY-MM-DD", help="The last day the decision counts."),
    ] = None,
    justification: Annotated[
        str, typer.Option("--justification", help="Why (required to reject).")
    ] = "",
    as_json: JsonOption = False,
    database: DatabaseOption = None,
) -> None:
    """Record a human-oversight decision about a system; decisions are only ever added."""
    from aisec.cli.store_access import opened

    expires_on = parse_day(expires, "--expires") if expires else None
    with opened(database) as store:
        assert store is not None
        stored = store.approvals.record(system, scope, decision, approver=approver,
                                        justification=justification,
                                        expires_on=expires_on)  # fmt: skip
    if as_json:
        echo_json(plain(stored))
        return
    say(f"recorded: {stored.decision} {stored.scope} of {stored.system_name} "
        f"by {stored.approver} ({stored.id})")  # fmt: skip


def approvals(
    system: SystemOption,
    scope: Annotated[str | None, typer.Option("--scope", help="Only this scope.")] = None,
    as_json: JsonOption = False,
    database: DatabaseOption = None,
) -> None:
    """A system's approval decisions, with whether each still counts today (UTC)."""
    today = utc_today()
    with reading(database, system) as store:
        assert store is not None
        found = store.approvals.list(system, scope)
    if as_json:
        echo_json([plain(a) | {"expired": a.expired(today)} for a in found])
        return
    rows = [[a.id, a.scope, a.decision, a.approver, a.decided_at.date().isoformat(),
             a.expires_on.isoformat() if a.expires_on else "-",
             "expired" if a.expired(today) else "current", a.justification]
            for a in found]  # fmt: skip
    header = ["id", "scope", "decision", "approver", "decided", "expires", "state", "why"]
    table(rows, header, f"{len(found)} approval decisions of {system}")


@evidence_app.command("add")
def evidence_add(
    system: SystemOption,
    title: Annotated[str, typer.Option("--title", help="What the evidence is.")],
    kind: Annotated[str, typer.Option("--kind", help="document, run, finding or assessment.")],
    reference: Annotated[
        str, typer.Option("--reference", help="A path, URL, run id, fingerprint or assessment id.")
    ],
    ref: Annotated[
        list[str] | None,
        typer.Option("--ref", metavar="FRAMEWORK-REF", help="A framework ref it evidences."),
    ] = None,
    valid_until: Annotated[
        str | None,
        typer.Option("--valid-until", metavar="YYYY-MM-DD", help="Last day it is valid."),
    ] = None,
    as_json: JsonOption = False,
    database: DatabaseOption = None,
) -> None:
    """Record evidence for a system, with the framework refs it evidences."""
    from aisec.cli.store_access import opened

    until = parse_day(valid_until, "--valid-until") if valid_until else None
    with opened(database) as store:
        assert store is not None
        stored = store.evidence.record(system, title, kind, reference, recorded_by=actor(),
                                       refs=ref or (), valid_until=until)  # fmt: skip
    if as_json:
        echo_json(plain(stored))
        return
    say(f"recorded: evidence {stored.id} for {stored.system_name}: {stored.title}")


@evidence_app.command("list")
def evidence_list(
    system: SystemOption,
    expiring_within: Annotated[
        int | None,
        typer.Option("--expiring-within", metavar="DAYS", min=0,
                     help="Only evidence lapsed or lapsing within DAYS."),
    ] = None,
    as_json: JsonOption = False,
    database: DatabaseOption = None,
) -> None:  # fmt: skip
    """A system's evidence; with --expiring-within, what has lapsed or soon will (as of
    today in UTC)."""
    today = utc_today()
    with reading(database, system) as store:
        assert store is not None
        if expiring_within is None:
            found = store.evidence.list(system)
        else:
            found = store.evidence.expiring(system, today, expiring_within)
    if as_json:
        echo_json([plain(e) | {"expired": e.expired(today)} for e in found])
        return
    rows = [[e.id, e.kind, e.title, e.reference, ", ".join(e.refs) or "-",
             e.valid_until.isoformat() if e.valid_until else "-",
             "expired" if e.expired(today) else "valid"] for e in found]  # fmt: skip
    header = ["id", "kind", "title", "reference", "refs", "valid until", "state"]
    table(rows, header, f"{len(found)} evidence records of {system}")
