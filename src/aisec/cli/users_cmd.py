"""``aisec users``: the server's users from the command line, for whoever runs the
server: add one, list them, reset a password, change a role, (de)activate. The way back
in when the only administrator has forgotten their password.

A password is never a command-line argument (shell histories and process lists keep
those): it is read from ``AISEC_USER_PASSWORD`` or asked for on the terminal. Every change
is an audit entry naming the operating-system user who ran the command.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Annotated

import typer

from aisec.cli.store_access import DatabaseOption, opened
from aisec.cli.tables import OutputFormat, print_json, print_table

if TYPE_CHECKING:
    from aisec.store.server_records import StoredUser
    from aisec.store.store import Store

PASSWORD_ENV = "AISEC_USER_PASSWORD"

app = typer.Typer(
    help="The server's users: add, list, reset a password, roles.", no_args_is_help=True
)

RoleArgument = Annotated[
    str,
    typer.Argument(
        help="admin, security-engineer, ml-engineer, compliance-officer or auditor.",
        show_default=False,
    ),
]


@app.command("list")
def list_users(
    output: Annotated[OutputFormat, typer.Option("--format", help="console or json.")] = (
        OutputFormat.console
    ),
    database: DatabaseOption = None,
) -> None:
    """Every user: name, role, whether active, last login, usable API keys."""
    with opened(database, create=False) as store:
        rows = [] if store is None else [_row(store, u) for u in store.users.list_users()]
    if output is OutputFormat.json:
        print_json(rows)
        return
    print_table(
        f"{len(rows)} users",
        ("user", "name", "role", "active", "last login", "keys"),
        [tuple(r.values()) for r in rows],
    )


@app.command("add")
def add(
    username: Annotated[str, typer.Argument(help="The login name.", show_default=False)],
    role: RoleArgument,
    display_name: Annotated[str, typer.Option(help="The name shown to people.")] = "",
    database: DatabaseOption = None,
) -> None:
    """Add a user; the password comes from AISEC_USER_PASSWORD or the terminal."""
    from aisec.server.access.login import create_user

    with opened(database) as store:
        assert store is not None
        made = create_user(
            store, username, _password(), role, actor=_actor(), display_name=display_name
        )
    typer.echo(f"added {made.username!r} ({made.role})", err=True)


@app.command("set-password")
def set_password(
    username: Annotated[str, typer.Argument(help="The login name.", show_default=False)],
    keep_keys: Annotated[
        bool, typer.Option(help="Keep the user's API keys (a reset revokes them by default).")
    ] = False,
    database: DatabaseOption = None,
) -> None:
    """Reset a password: the user's sessions end and (unless --keep-keys) their API keys
    are revoked, as a reset usually answers a compromise."""
    from aisec.server.access.login import set_password as reset

    with opened(database) as store:
        assert store is not None
        user = _user(store, username)
        reset(store, user, _password(), actor=_actor(), revoke_keys=not keep_keys)
    typer.echo(f"the password of {user.username!r} was reset", err=True)


@app.command("set-role")
def set_role(
    username: Annotated[str, typer.Argument(help="The login name.", show_default=False)],
    role: RoleArgument,
    database: DatabaseOption = None,
) -> None:
    """Change a user's role (the last active administrator stays one)."""
    with opened(database) as store:
        assert store is not None
        user = _user(store, username)
        with store.transaction():
            store.users.set_role(user.id, role)
            store.audit.append(_actor(), "user.updated", "user", user.id, {"role": role})
    typer.echo(f"{user.username!r} is now {role}", err=True)


@app.command("deactivate")
def deactivate(
    username: Annotated[str, typer.Argument(help="The login name.", show_default=False)],
    database: DatabaseOption = None,
) -> None:
    """Deactivate a user: their sessions end and their API keys stop working."""
    _set_active(username, False, database)


@app.command("activate")
def activate(
    username: Annotated[str, typer.Argument(help="The login name.", show_default=False)],
    database: DatabaseOption = None,
) -> None:
    """Let a deactivated user in again (their revoked keys stay revoked)."""
    _set_active(username, True, database)


def _set_active(username: str, active: bool, database: str | None) -> None:
    with opened(database) as store:
        assert store is not None
        user = _user(store, username)
        with store.transaction():
            store.users.set_active(user.id, active)
            if not active:
                store.users.delete_user_sessions(user.id)
            action = "user.reactivated" if active else "user.deactivated"
            store.audit.append(_actor(), action, "user", user.id, {})
    typer.echo(f"{user.username!r} is {'active' if active else 'deactivated'}", err=True)


def _user(store: Store, username: str) -> StoredUser:
    from aisec.core.errors import RecordNotFound

    user = store.users.find_user(username)
    if user is None:
        raise RecordNotFound(f"no user named {username!r}", hint="list them: aisec users list")
    return user


def _row(store: Store, user: StoredUser) -> dict[str, object]:
    from datetime import UTC, datetime

    now = datetime.now(UTC)
    keys = [k for k in store.users.list_keys(user.id) if k.usable(now)]
    login = user.last_login_at.isoformat(timespec="minutes") if user.last_login_at else None
    return {
        "username": user.username,
        "display_name": user.display_name,
        "role": user.role,
        "active": user.active,
        "last_login_at": login,
        "api_keys": len(keys),
    }


def _password() -> str:
    given = os.environ.get(PASSWORD_ENV)
    if given:
        return given
    if not sys.stdin.isatty():
        from aisec.core.errors import UsageError

        raise UsageError("no password given", hint=f"set {PASSWORD_ENV} or run on a terminal")
    first = typer.prompt("Password (12 characters or more)", hide_input=True)
    if typer.prompt("Password again", hide_input=True) != first:
        from aisec.core.errors import UsageError

        raise UsageError("the passwords differ")
    return str(first)


def _actor() -> str:
    from aisec.services.findings import current_user

    return f"{current_user()} (aisec users)"
