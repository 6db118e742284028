"""``aisec demo``: build the sample organisation (three AI systems with real models, a
booby-trapped model file, personal data, a poisoned training set), scan, check and test
it, keep it all in the store with its governance record, and say what was caught.

The work is :func:`aisec.demo.organisation.build_demo`, which the server calls too; this
module only prints its reports and writes the AI-BOM and the HTML test report."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from aisec.core.settings import Settings
    from aisec.demo.summary import DemoSummary

BOM = Path("aisec-demo-bom.json")
REPORT = Path("aisec-demo-report.html")


def demo(
    directory: Annotated[
        Path | None,
        typer.Option(
            "--dir", help="Where to write the demo files [default: a temporary directory]."
        ),
    ] = None,
    store: Annotated[
        bool,
        typer.Option(
            "--store/--no-store",
            help="Record the demo in the store (.aisec/aisec.db, or the configured database),"
            " write its AI-BOM to aisec-demo-bom.json and the test report to"
            " aisec-demo-report.html.",
        ),
    ] = True,
    serve: Annotated[
        bool,
        typer.Option(
            "--serve",
            help="Then serve the dashboard and the API on the demo's store (needs"
            " aisec[server]); the first administrator comes from AISEC_ADMIN_USERNAME and"
            " AISEC_ADMIN_PASSWORD, or is made with a random password printed once.",
        ),
    ] = False,
    host: Annotated[str, typer.Option(help="With --serve: address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="With --serve: port.")] = 8000,
) -> int:
    """Build a sample organisation of three AI systems (tumour screening, claims-cost
    estimation, mail sorting) with models trained on scikit-learn's bundled data; plant a
    booby-trapped model file, an extract with personal data and a pasted key, and a
    poisoned training set; scan, check and test them; record inventory, runs,
    classifications, risks, approvals, evidence, an incident and release gates."""
    from aisec.core.settings import load_settings
    from aisec.demo.organisation import build_demo

    settings = load_settings()
    if serve and not store:
        from aisec.core.errors import UsageError

        raise UsageError("--serve shows the demo's store", hint="drop --no-store")

    def say(line: str) -> None:
        typer.echo(f"aisec demo: {line}", err=True)

    with tempfile.TemporaryDirectory(prefix="aisec-demo-") as tmp:
        target = directory or Path(tmp)
        summary = build_demo(target, settings, store=store, say=say)
        _show(summary, settings)
    if summary.store:
        _write_files(summary)
    sys.stdout.write("\n")
    typer.echo(_render_summary(summary), nl=False, err=True)
    if summary.ok:
        trapped = sum(f.trapped for f in summary.files)
        say(f"the {trapped} trapped files were caught; the clean files passed; the personal "
            "data, the key and the poisoning were found.")  # fmt: skip
    if serve:
        _serve(settings, host, port)
    return summary.exit_code


def _serve(settings: Settings, host: str, port: int) -> None:
    """The dashboard on the demo's store. Not a default password: a demo administrator
    gets a new random one, printed once, unless the environment names one."""
    import os
    import secrets

    from aisec.cli.serve_cmd import _allowed_hosts, run_server
    from aisec.server.bootstrap import PASSWORD_ENV, USERNAME_ENV, ensure_admin
    from aisec.server.config import ServerConfig
    from aisec.store import open_store

    environ = dict(os.environ)
    generated = not (environ.get(USERNAME_ENV) or environ.get(PASSWORD_ENV))
    if generated:
        environ[USERNAME_ENV] = "demo-admin"
        environ[PASSWORD_ENV] = secrets.token_urlsafe(12)
    with open_store(settings=settings) as opened:
        made = ensure_admin(opened, environ, None)
        if made is not None and generated:
            typer.echo(
                f"aisec demo: log in as {made.username!r} with the password "
                f"{environ[PASSWORD_ENV]!r} (shown once; change it on /account)",
                err=True,
            )
        elif made is None:
            typer.echo("aisec demo: log in with a user of this store", err=True)
        config = ServerConfig(allowed_hosts=_allowed_hosts(host, None))
        run_server(opened, config, settings, host=host, port=port)


def _show(summary: DemoSummary, settings: Settings) -> None:
    """The reports a user reads: the trapped model files, the extract's personal data,
    the poisoned set's indicators, and the model tests."""
    from aisec.cli.scan_cmd import render_report
    from aisec.core.registry import default_registry
    from aisec.report.plan_console import render_plan_console

    rules = default_registry().enabled()
    for item in summary.files:
        mark = "TRAPPED" if item.trapped else "clean  "
        typer.echo(f"  [{mark}] {item.name}: {item.description}", err=True)
    runs = [summary.model_scan, summary.data_scan]
    runs += [summary.data_check.run if summary.data_check else None]
    for run in runs:
        if run is not None:
            sys.stdout.write(render_report(run, "console", settings.fail_on, rules,
                                           to_terminal=True))  # fmt: skip
    if summary.plan is not None:
        tty = sys.stdout.isatty()
        sys.stdout.write(render_plan_console(summary.plan, color=tty, width=None if tty else 200))
    if summary.data_scan is not None and summary.caught.personal_data and summary.caught.key:
        typer.echo("aisec demo: the extract's personal-data columns and its pasted API key "
                   "were found.", err=True)  # fmt: skip


def _write_files(summary: DemoSummary) -> None:
    import json

    from aisec.demo.systems import DEMO_SYSTEM

    for item in summary.inventoried:
        typer.echo(f"aisec demo: stored in {summary.store}: system {item.system!r} with "
                   f"{item.models} models and {item.datasets} datasets", err=True)  # fmt: skip
    BOM.write_text(summary.bom, encoding="utf-8")
    parsed = json.loads(summary.bom)
    typer.echo(
        f"aisec demo: CycloneDX 1.6 AI-BOM of {DEMO_SYSTEM} in "
        f"{BOM}: {len(parsed.get('components', []))} components, "
        f"{len(parsed.get('vulnerabilities', []))} open findings as vulnerabilities",
        err=True,
    )
    if summary.plan is not None:
        from aisec.report.plan_html import render_plan_html

        REPORT.write_text(render_plan_html(summary.plan), encoding="utf-8")
        typer.echo(f"aisec demo: test report in {REPORT}", err=True)


def _render_summary(summary: DemoSummary) -> str:
    from aisec.demo.summary import render_summary

    return render_summary(summary)
