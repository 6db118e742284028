"""``aisec findings``: the findings of every recorded run, one per fingerprint, with their
history and triage. The work is done by :mod:`aisec.services.findings`.

Exit codes: 0 done (also when nothing matches: listing is not a gate, ``aisec scan`` is);
2 usage or configuration error, an unknown fingerprint, an incomplete decision.
"""

from __future__ import annotations

from typing import Annotated

import typer

from aisec.cli.options import SeverityName
from aisec.cli.store_access import DatabaseOption, opened
from aisec.cli.tables import OutputFormat, print_fields, print_json, print_table, text
from aisec.store.vocabulary import TriageState

app = typer.Typer(
    help="Findings over time: list and filter them, see their history, triage them.",
    no_args_is_help=True,
)

Fingerprint = Annotated[
    str,
    typer.Argument(metavar="FINGERPRINT", help="A fingerprint, or its first characters (6+)."),
]
Format = Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")]
SHORT = 12  # fingerprint characters the console table shows; show and triage take a prefix


@app.command("list")
def list_findings(
    severity: Annotated[
        SeverityName | None, typer.Option("--severity", help="Only at or above this severity.")
    ] = None,
    check: Annotated[
        str | None,
        typer.Option("--check", help="Check id, or a pattern with * (modelfile.pickle.*)."),
    ] = None,
    state: Annotated[
        TriageState | None,
        typer.Option("--state", help="Only in this triage state (a lapsed acceptance is open)."),
    ] = None,
    path: Annotated[
        str | None,
        typer.Option("--path", help="Artefact path glob, as in suppressions (models/**)."),
    ] = None,
    run: Annotated[str | None, typer.Option("--run", help="Only those this run saw.")] = None,
    fmt: Format = OutputFormat.console,
    database: DatabaseOption = None,
) -> None:
    """List stored findings, most severe first."""
    from aisec.services import findings as service

    where = service.make_filter(
        severity=severity.value if severity else None,
        check=check,
        state=state.value if state else None,
        path=path,
        run=run,
    )
    with opened(database, create=False) as store:
        found = store.findings.list(where) if store is not None else []
    if fmt is OutputFormat.json:
        print_json([service.finding_dict(f) for f in found])
        return
    rows = [
        [
            f.fingerprint[:SHORT],
            f.severity.label,
            f.state.value + (" (expired)" if f.expired else ""),
            f.check_id,
            f.location,
            f.occurrences,
            f.last_seen_at.date().isoformat() if f.last_seen_at else "",
        ]
        for f in found
    ]
    columns = ["fingerprint", "severity", "state", "check", "location", "runs", "last seen"]
    print_table(f"{len(found)} findings", columns, rows)


@app.command("show")
def show(
    fingerprint: Fingerprint, fmt: Format = OutputFormat.console, database: DatabaseOption = None
) -> None:
    """Show a finding with every run that saw it and its triage history."""
    from aisec.services import findings as service

    with opened(database, create=False) as store:
        if store is None:
            raise _no_store(fingerprint)
        found = service.history(store.findings, store.runs, fingerprint)
    if fmt is OutputFormat.json:
        print_json(service.history_dict(found))
        return
    f = found.finding
    print_fields(
        f"finding {f.fingerprint}",
        [
            ("check", f.check_id),
            ("severity", f.severity.label),
            ("state", f.state.value + (" (acceptance expired)" if f.expired else "")),
            ("title", f.title),
            ("message", f.message),
            ("location", f.location),
            ("evidence", dict(f.evidence)),
            ("refs", list(f.refs)),
            ("first seen", f.first_seen_at.isoformat() if f.first_seen_at else None),
            ("last seen", f.last_seen_at.isoformat() if f.last_seen_at else None),
        ],
    )
    runs = [
        [r.id, r.started_at.isoformat(timespec="seconds"), r.exit_code, ", ".join(r.targets)]
        for r in found.runs
    ]
    print_table(f"seen by {len(runs)} runs", ["run", "started", "exit", "targets"], runs)
    decisions = [
        [e.at.isoformat(timespec="seconds"), e.state.value, e.actor, e.justification, e.expires]
        for e in found.triage
    ]
    columns = ["at", "state", "by", "justification", "expires"]
    print_table(f"{len(decisions)} triage decisions", columns, decisions)


@app.command("triage")
def triage(
    fingerprint: Fingerprint,
    state: Annotated[TriageState, typer.Option("--state", help="The decision.")],
    justification: Annotated[
        str,
        typer.Option(
            "--justification", help="Why (required for accepted-risk and false-positive)."
        ),
    ] = "",
    expires: Annotated[
        str | None,
        typer.Option(
            "--expires",
            metavar="YYYY-MM-DD",
            help="Last day an accepted risk holds (required for accepted-risk).",
        ),
    ] = None,
    by: Annotated[
        str | None, typer.Option("--by", help="Who decides [default: the operating-system user].")
    ] = None,
    database: DatabaseOption = None,
) -> None:
    """Record a triage decision about a finding: open, accepted-risk, false-positive, fixed."""
    from aisec.services import findings as service

    until = service.parse_date(expires) if expires is not None else None
    with opened(database, create=False) as store:
        if store is None:
            raise _no_store(fingerprint)
        found, entry = service.triage(
            store.findings,
            fingerprint,
            state,
            justification=justification,
            expires=until,
            actor=by,
        )
    until_text = f" until {text(entry.expires)}" if entry.expires else ""
    typer.echo(f"{found.fingerprint}: {entry.state.value}{until_text} (by {entry.actor})")


def _no_store(fingerprint: str) -> Exception:
    from aisec.core.errors import RecordNotFound

    return RecordNotFound(
        f"no finding with fingerprint {fingerprint!r}: there is no store here yet",
        hint="record a scan with aisec scan --record PATH, or give --database URL",
    )
