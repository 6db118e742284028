"""``aisec gateway log``: the gateway's traffic log (one Merkle-hashed entry per request,
with signed checkpoints): verify it, prune it past its retention."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated

import typer

from aisec.cli.store_access import DatabaseOption, opened
from aisec.cli.tables import OutputFormat, print_json, print_table

app = typer.Typer(help="The gateway's traffic log: verify, prune.", no_args_is_help=True)


@app.command("verify")
def verify(
    stream: Annotated[
        list[str] | None,
        typer.Option(
            "--stream", help="A gateway instance's stream (repeat it) [default: every stream]."
        ),
    ] = None,
    public_key: Annotated[
        Path | None, typer.Option(help="The audit public key [default: the one beside audit_key].")
    ] = None,
    allow_unsigned_tail: Annotated[
        bool, typer.Option(help="Entries after the last checkpoint are not a problem.")
    ] = False,
    output: Annotated[
        OutputFormat, typer.Option("--format", help="console or json.")
    ] = OutputFormat.console,
    database: DatabaseOption = None,
) -> None:
    """Recompute every entry's hash and every checkpoint's root and signature; exit 1 on
    any problem (edited, deleted, reordered entries, bad or missing signatures)."""
    from aisec.cli.audit_cmd import verify_key
    from aisec.runtime.audit.verify import verify_stream

    key = verify_key(public_key)
    with opened(database, create=False) as store:
        if store is None:
            streams, reports = [], []
        else:
            streams = stream or store.gateway_log.streams()
            reports = [verify_stream(store, s, key, allow_unsigned_tail=allow_unsigned_tail)
                       for s in streams]  # fmt: skip
    if output is OutputFormat.json:
        print_json([r.to_dict() for r in reports])
    else:
        print_table(f"{len(reports)} traffic log streams (key id {key.key_id})",
                    ("stream", "entries", "tree size", "checkpoints", "verified", "problems"),
                    [(r.stream, r.entries, r.tree_size, r.checkpoints, r.verified_size,
                      len(r.problems) + r.more_problems) for r in reports])  # fmt: skip
        for report in reports:
            for problem in report.problems:
                typer.echo(f"{report.stream}: {problem.kind}: {problem.reason}")
    if any(not r.ok for r in reports):
        raise typer.Exit(1)


@app.command("prune")
def prune(
    older_than_days: Annotated[
        int,
        typer.Option(
            min=1,
            help="Delete entries older than this many days (at least 183 unless --allow-short).",
        ),
    ],
    stream: Annotated[
        list[str] | None,
        typer.Option("--stream", help="A stream (repeat it) [default: every stream]."),
    ] = None,
    allow_short: Annotated[
        bool, typer.Option(help="Allow less than the six months the EU AI Act asks for.")
    ] = False,
    database: DatabaseOption = None,
) -> None:
    """Delete entries past their retention, up to a signed checkpoint, so that what stays
    still verifies from that checkpoint on."""
    from aisec.runtime.audit.retention import prune as prune_stream

    cut = datetime.now(UTC) - timedelta(days=older_than_days)
    with opened(database, create=False) as store:
        if store is None:
            return
        for name in stream or store.gateway_log.streams():
            deleted = prune_stream(store, name, cut, allow_short=allow_short)
            typer.echo(f"{name}: {deleted} entries pruned", err=True)
