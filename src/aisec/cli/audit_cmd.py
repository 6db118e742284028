"""``aisec audit``: the governance audit trail: read it, sign a checkpoint, verify it.

``verify`` exits 0 when the log is intact and 1 when any problem is found (like a scan
with findings), listing each problem with the entry or checkpoint it concerns. Entries no
signed checkpoint covers are such a problem unless ``--allow-unsigned-tail``: whoever can
write to the database can rewrite them, hashes included. Every value read from the log is
passed through :func:`aisec.report.printable`: an actor or object id is attacker-writable
text, and must not move the cursor or retitle the terminal.
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
    from aisec.report import printable

    def shown(value: str) -> str:
        return escape(printable(value))

    table = Table(title=f"{len(entries)} audit entries")
    for column in ("seq", "recorded at (UTC)", "actor", "action", "object"):
        table.add_column(column, overflow="fold")
    for e in entries:
        when = e.recorded_at.strftime("%Y-%m-%d %H:%M:%S")
        target = f"{e.object_kind} {e.object_id}"
        table.add_row(str(e.seq), when, shown(e.actor), shown(e.action), shown(target))
    _console().print(table)


@app.command("checkpoint")
def checkpoint(as_json: JsonOption = False, database: DatabaseOption = None) -> None:
    """Sign the log's Merkle root with the audit key (the audit_key setting or
    AISEC_AUDIT_KEY, else .aisec/audit-key.pem, created on first use, for a log never
    signed, with its public key beside it)."""
    from aisec.governance.audit import AuditLog, key_path

    with opened(database) as store:
        assert store is not None  # create=True opens or raises
        audit = AuditLog(store)
        made = audit.checkpoint(audit.signing_key(key_path()))
    if as_json:
        typer.echo(json.dumps(made.to_dict(), indent=2))
        return
    typer.echo(f"signed checkpoint: {made.tree_size} entries, root {made.root_hash}")
    typer.echo(f"key id: {made.key_id}")


@app.command("rotate-key")
def rotate_key(
    new_key: Annotated[
        Path,
        typer.Option(
            "--new-key",
            metavar="PEM",
            help="The new Ed25519 private key; created there (0600, its public key beside"
            " it) if there is none.",
        ),
    ],
    as_json: JsonOption = False,
    database: DatabaseOption = None,
) -> None:
    """Hand checkpoint signing over to a new key: the current audit key signs an entry
    naming the new public key, and a checkpoint covering it. Then point audit_key
    (AISEC_AUDIT_KEY) at the new key. `aisec audit verify --public-key ORIGINAL` follows
    the rotation; checkpoints signed afterwards by the old key fail."""
    from aisec.cli.govern_common import actor
    from aisec.governance.audit import AuditLog, key_path, load_or_create_signing_key

    with opened(database) as store:
        assert store is not None  # create=True opens or raises
        audit = AuditLog(store)
        old = audit.signing_key(key_path())
        new = load_or_create_signing_key(new_key)
        entry, made = audit.rotate_key(new, old=old, actor=actor())
    if as_json:
        typer.echo(json.dumps({"entry": entry.to_dict(), "checkpoint": made.to_dict()}, indent=2))
        return
    typer.echo(f"rotated: key id {old.key_id} -> {new.key_id} (entry {entry.seq})")
    typer.echo(f"signed checkpoint: {made.tree_size} entries, root {made.root_hash}")
    typer.echo(f"now set audit_key (AISEC_AUDIT_KEY) to {new_key}")


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
    allow_unsigned_tail: Annotated[
        bool,
        typer.Option(
            "--allow-unsigned-tail",
            help="Do not fail for entries after the last signed checkpoint.",
        ),
    ] = False,
    expect_size: Annotated[
        int | None,
        typer.Option(
            "--expect-size",
            metavar="N",
            min=0,
            help="Fail unless the log holds at least N entries (with --expect-root: and"
            " its root at N is HEX), as a checkpoint kept outside the database says.",
        ),
    ] = None,
    expect_root: Annotated[
        str | None,
        typer.Option("--expect-root", metavar="HEX", help="The root expected at --expect-size."),
    ] = None,
    as_json: JsonOption = False,
    database: DatabaseOption = None,
) -> None:
    """Recompute every hash and check every checkpoint; exit 1 on any problem."""
    from aisec.core.errors import UsageError
    from aisec.governance.audit import AuditLog
    from aisec.report import printable

    if expect_root is not None and expect_size is None:
        raise UsageError("--expect-root needs --expect-size", hint="a root is of a size")
    key = verify_key(public_key)
    with opened(database, create=False) as store:
        report = (
            None
            if store is None
            else AuditLog(store).verify(
                key, allow_unsigned_tail=allow_unsigned_tail,
                expect_size=expect_size, expect_root=expect_root,
            )
        )  # fmt: skip
    if report is None:
        # No store at all: an auditor expecting entries must not be told all is well.
        if expect_size:
            raise UsageError(f"no store: the audit log is empty, not {expect_size} entries")
        typer.echo(
            json.dumps({"ok": True, "entries": 0, "key_id": key.key_id})
            if as_json
            else "no store: the audit log is empty"
        )
        return
    if as_json:
        typer.echo(json.dumps(report.to_dict(), indent=2))
    else:
        for p in report.problems:
            where = f"{p.where()}: " if p.where() else ""
            typer.echo(printable(f"{where}{p.kind}: {p.reason}"))
        if report.more_problems:
            typer.echo(f"and {report.more_problems} more problems")
        state = "intact" if report.ok else f"{report.problem_count} problems"
        typer.echo(
            f"{state}: {report.entries} entries, {report.checkpoints} checkpoints, "
            f"{report.verified_size} verified by signature, unsigned tail {report.unsigned_tail}"
        )
        typer.echo(f"key id: {report.key_id}")
    if not report.ok:
        raise typer.Exit(1)


def verify_key(given: Path | None) -> VerifyKey:
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
