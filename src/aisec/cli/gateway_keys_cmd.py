"""``aisec gateway keys``: the gateway's API keys. A key is printed once, when it is
created, and stored only as its SHA-256; creating and revoking one are audit entries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Annotated

import typer

from aisec.cli.store_access import DatabaseOption, opened
from aisec.cli.tables import OutputFormat, print_json, print_table

if TYPE_CHECKING:
    from aisec.store.sql_gateway_keys import GatewayKeyRecord

app = typer.Typer(help="The gateway's API keys: create, list, revoke.", no_args_is_help=True)


@app.command("create")
def create(
    name: Annotated[
        str,
        typer.Argument(
            help="The key's name: what the traffic log calls the client.", show_default=False
        ),
    ],
    model: Annotated[
        list[str] | None,
        typer.Option(
            "--model", help="A model the key may call (repeat it) [default: every model]."
        ),
    ] = None,
    route: Annotated[
        list[str] | None,
        typer.Option(
            "--route", help="predict, chat, metadata or metrics (repeat it) [default: every route]."
        ),
    ] = None,
    rate: Annotated[
        float | None, typer.Option(min=0.001, help="Requests per second (token bucket refill).")
    ] = None,
    burst: Annotated[
        float | None,
        typer.Option(min=1, help="Requests at once (bucket size) [default: one second's worth]."),
    ] = None,
    daily_quota: Annotated[int | None, typer.Option(min=1, help="Requests per UTC day.")] = None,
    expires_days: Annotated[
        float | None, typer.Option(min=0.001, help="Days until the key stops working.")
    ] = None,
    database: DatabaseOption = None,
) -> None:
    """Create a key and print it once (stdout); only its SHA-256 is stored."""
    from aisec.core.errors import UsageError
    from aisec.runtime.proxy.routes import ROUTE_KINDS

    unknown = sorted(set(route or ()) - set(ROUTE_KINDS))
    if unknown:
        raise UsageError(f"unknown route {unknown[0]!r}", hint="use " + ", ".join(ROUTE_KINDS))
    expires = datetime.now(UTC) + timedelta(days=expires_days) if expires_days else None
    with opened(database) as store:
        assert store is not None
        record, secret = store.gateway_keys.create(
            name, models=model or (), routes=route or (), rate=rate, burst=burst,
            daily_quota=daily_quota, expires_at=expires, actor=_actor(),
        )  # fmt: skip
    typer.echo(f"created gateway key {record.name!r}; it is shown once:", err=True)
    typer.echo(secret)


@app.command("list")
def list_keys(
    include_revoked: Annotated[bool, typer.Option("--all", help="Revoked keys too.")] = False,
    output: Annotated[
        OutputFormat, typer.Option("--format", help="console or json.")
    ] = OutputFormat.console,
    database: DatabaseOption = None,
) -> None:
    """Every key: its public prefix, scopes, limits, expiry, revocation."""
    with opened(database, create=False) as store:
        keys = [] if store is None else store.gateway_keys.list(include_revoked=include_revoked)
    rows = [_row(key) for key in keys]
    if output is OutputFormat.json:
        print_json(rows)
        return
    print_table(f"{len(rows)} gateway keys",
                ("name", "prefix", "models", "routes", "rate", "burst", "daily quota",
                 "expires", "revoked"),
                [tuple(r.values())[:9] for r in rows])  # fmt: skip


@app.command("revoke")
def revoke(
    name: Annotated[str, typer.Argument(help="The key's name.", show_default=False)],
    database: DatabaseOption = None,
) -> None:
    """Revoke a key: running gateways refuse it within their key refresh (5 s)."""
    with opened(database) as store:
        assert store is not None
        store.gateway_keys.revoke(name, _actor())
    typer.echo(f"revoked gateway key {name!r}", err=True)


def _row(key: GatewayKeyRecord) -> dict[str, object]:
    def when(moment: datetime | None) -> str | None:
        return moment.isoformat(timespec="minutes") if moment else None

    return {
        "name": key.name, "prefix": key.prefix, "models": sorted(key.models) or ["*"],
        "routes": sorted(key.routes) or ["*"], "rate": key.rate, "burst": key.burst,
        "daily_quota": key.daily_quota, "expires_at": when(key.expires_at),
        "revoked_at": when(key.revoked_at), "created_by": key.created_by,
    }  # fmt: skip


def _actor() -> str:
    from aisec.services.findings import current_user

    return f"{current_user()} (aisec gateway keys)"
