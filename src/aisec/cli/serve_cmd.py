"""``aisec serve``: the REST API and the dashboard over the store."""

from __future__ import annotations

import ipaddress
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from aisec.cli.store_access import DatabaseOption

if TYPE_CHECKING:
    from aisec.core.settings import Settings
    from aisec.server.config import ServerConfig
    from aisec.store.store import Store


def serve(
    database: DatabaseOption = None,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    scan_root: Annotated[
        list[Path] | None,
        typer.Option(
            "--scan-root",
            help="A directory that scans and tests launched from the API may read (repeat"
            " it) [default: the working directory].",
        ),
    ] = None,
    session_hours: Annotated[
        float,
        typer.Option(min=0.1, max=720, help="Hours a browser session lasts after its login."),
    ] = 12.0,
    job_workers: Annotated[
        int, typer.Option(min=1, max=64, help="Background scans and tests run at once.")
    ] = 1,
    tls_cert: Annotated[
        Path | None, typer.Option(help="Serve HTTPS with this certificate.")
    ] = None,
    tls_key: Annotated[Path | None, typer.Option(help="The certificate's private key.")] = None,
    allowed_host: Annotated[
        list[str] | None,
        typer.Option(
            "--allowed-host",
            help="A host name clients reach the server by (the Host header; repeat it)"
            " [default: the --host address, localhost and 127.0.0.1; any name when"
            " listening on every address].",
        ),
    ] = None,
    insecure_cookies: Annotated[
        bool,
        typer.Option(
            help="Send session cookies over plain HTTP to other hosts than this one. Only"
            " behind a TLS-terminating proxy that does not forward the scheme.",
        ),
    ] = False,
) -> int:
    """Serve the REST API (/api/v1, reference at /api/docs) and the dashboard. A new store
    needs a first administrator: from AISEC_ADMIN_USERNAME and AISEC_ADMIN_PASSWORD, or
    asked for on the terminal; there is no default password."""
    from aisec.core.errors import ConfigError
    from aisec.core.settings import load_settings
    from aisec.server.bootstrap import ensure_admin
    from aisec.server.config import ServerConfig
    from aisec.store import open_store

    if (tls_cert is None) != (tls_key is None):
        raise ConfigError("--tls-cert and --tls-key go together")
    settings = load_settings()
    config = ServerConfig(
        secure_cookies=not insecure_cookies,
        session_hours=session_hours,
        scan_roots=tuple(scan_root) if scan_root else (Path.cwd(),),
        job_workers=job_workers,
        allowed_hosts=_allowed_hosts(host, allowed_host),
    )
    with open_store(database, settings=settings) as store:
        made = ensure_admin(store, os.environ, _ask if sys.stdin.isatty() else None)
        if made is not None:
            typer.echo(f"aisec serve: created the administrator {made.username!r}", err=True)
        _warn_plain_http(host, tls_cert is not None, insecure_cookies)
        run_server(store, config, settings, host=host, port=port, tls=(tls_cert, tls_key))
    return 0


def run_server(
    store: Store,
    config: ServerConfig,
    settings: Settings,
    *,
    host: str,
    port: int,
    tls: tuple[Path | None, Path | None] = (None, None),
) -> None:
    import uvicorn

    from aisec.server.app import create_app

    app = create_app(store, config, settings)
    scheme = "https" if tls[0] else "http"
    typer.echo(f"aisec serve: {scheme}://{host}:{port}/ (API reference: /api/docs)", err=True)
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_level="info",
        ssl_certfile=str(tls[0]) if tls[0] else None,
        ssl_keyfile=str(tls[1]) if tls[1] else None,
        server_header=False,
    )


def _ask() -> tuple[str, str]:
    typer.echo("The store has no users yet: create the first administrator.", err=True)
    username = typer.prompt("User name")
    password = typer.prompt("Password (12 characters or more)", hide_input=True)
    again = typer.prompt("Password again", hide_input=True)
    if password != again:
        from aisec.core.errors import UsageError

        raise UsageError("the passwords differ", hint="run aisec serve again")
    return username, password


def _allowed_hosts(host: str, given: list[str] | None) -> tuple[str, ...]:
    if given:
        return tuple(given)
    if host in ("0.0.0.0", "::", ""):
        typer.echo(
            "aisec serve: warning: listening on every address answers to any host name; "
            "name them with --allowed-host",
            err=True,
        )
        return ("*",)
    return tuple(dict.fromkeys((host, "localhost", "127.0.0.1")))


def _warn_plain_http(host: str, tls: bool, insecure: bool) -> None:
    if tls or insecure:
        return
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = host == "localhost"
    if not loopback:
        typer.echo(
            "aisec serve: warning: plain HTTP on a non-loopback address: browsers will not "
            "send the session cookie; use --tls-cert/--tls-key or a TLS proxy",
            err=True,
        )
