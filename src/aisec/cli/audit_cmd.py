"""``aisec audit``: the governance audit trail: read it, sign a checkpoint, verify it.

``verify`` exits 0 when the log is intact and 1 when any problem is found (like a scan
with findings), listing each problem with the entry or checkpoint it concerns.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from aisec.cli.store_access import DatabaseOption, opened

if TYPE_CHECKING:
    from aisec.governance.audit.keys import VerifyKey

app = typer.Typer(
    help="The governance audit trail: log, signed checkpoints, verification.",
    no_args_is_help=True,
)

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]


@app.command("log")
def log(
    limit: Annotated[
        int | None, typer.Option("--limit", min=1, help="Only the newest N entries.")
    ] = None,
    as_json: JsonOption = False,
    database: DatabaseOption = None,
) -> None:
    """The audit entries, newest first: seq, time, actor, action and object."""
    from aisec.governance.audit import AuditLog

    with opened(database, create=False) as store:
        entries = [] if store is None else AuditLog(store).entries(limit=limit, newest_first=True)
    if as_json:
        typer.echo(json.dumps([e.to_dict() for e in entries], indent=2))
        return
    if not entries:
        typer.echo("the audit log is empty")
        return
    from rich.markup import escape
    from rich.table import Table

    from aisec.cli.checks_cmd import _console

    table = Table(title=f"{len(entries)} audit entries")
    for column in ("seq", "recorded at (UTC)", "actor", "action", "object"):
        table.add_column(column, overflow="fold")
    for e in entries:
        when = e.recorded_at.strftime("%Y-%m-%d %H:%M:%S")
        target = f"{e.object_kind} {e.object_id}"
        table.add_row(str(e.seq), when, escape(e.actor), escape(e.action), escape(target))
    _console().print(table)


@app.command("checkpoint")
def checkpoint(as_json: JsonOption = False, database: DatabaseOption = None) -> None:
    """Sign the log's Merkle root with the audit key (AISEC_AUDIT_KEY, else
    .aisec/audit-key.pem, created on first use with its public key beside it)."""
    from aisec.governance.audit import AuditLog, key_path, load_or_create_signing_key

    key = load_or_create_signing_key(key_path())
    with opened(database) as store:
        assert store is not None  # create=True opens or raises
        made = AuditLog(store).checkpoint(key)
    if as_json:
        typer.echo(json.dumps(made.to_dict(), indent=2))
        return
    typer.echo(f"signed checkpoint: {made.tree_size} entries, root {made.root_hash}")
    typer.echo(f"key id: {made.key_id}")


@app.command("verify")
def verify(
    public_key: Annotated[
        Path | None,
        typer.Option(
            "--public-key",
            metavar="PEM",
            help="The Ed25519 public key that signs checkpoints [default: beside the audit"
            " key: .aisec/audit-key.pub.pem, or AISEC_AUDIT_KEY's].",
        ),
    ] = None,
    as_json: JsonOption = False,
    database: DatabaseOption = None,
) -> None:
    """Recompute every hash and check every checkpoint; exit 1 on any problem."""
    from aisec.governance.audit import AuditLog

    key = _verify_key(public_key)
    with opened(database, create=False) as store:
        report = None if store is None else AuditLog(store).verify(key)
    if report is None:
        typer.echo(
            json.dumps({"ok": True, "entries": 0})
            if as_json
            else "no store: the audit log is empty"
        )
        return
    if as_json:
        typer.echo(json.dumps(report.to_dict(), indent=2))
    else:
        for p in report.problems:
            where = f"checkpoint {p.tree_size}: " if p.tree_size is not None else ""
            where = f"seq {p.seq}: " if p.seq is not None else where
            typer.echo(f"{where}{p.kind}: {p.reason}")
        state = "intact" if report.ok else f"{len(report.problems)} problems"
        typer.echo(
            f"{state}: {report.entries} entries, {report.checkpoints} checkpoints, "
            f"{report.verified_size} verified by signature, unsigned tail {report.unsigned_tail}"
        )
    if not report.ok:
        raise typer.Exit(1)


def _verify_key(given: Path | None) -> VerifyKey:
    from aisec.core.errors import UsageError
    from aisec.governance.audit.keys import key_path, load_verify_key, public_key_path

    if given is not None:
        return load_verify_key(given)
    private = key_path()
    # The public key written beside the private one first: an auditor's copy of the
    # directory need not hold the private key.
    for candidate in (public_key_path(private), private):
        if candidate.is_file():
            return load_verify_key(candidate)
    raise UsageError(
        "no audit public key to verify with",
        hint="pass --public-key PEM (or run `aisec audit checkpoint` to create the key)",
    )
