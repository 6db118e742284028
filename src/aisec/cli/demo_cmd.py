"""``aisec demo``: write realistic model files, one booby-trapped, scan them, keep the
result in the store with the AI-BOM it yields, and test the model with an assurance plan."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from aisec.core.registry import Registry
    from aisec.core.run import Run
    from aisec.core.settings import Settings


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
) -> int:
    """Write model files with scikit-learn, numpy (and PyTorch if installed), splice a
    harmless payload into one of them, scan them all and show the report; then test the
    tumour-screening model (evasion, membership inference, extraction, training-set audit,
    explanations) with an assurance plan."""
    from aisec.cli.scan_cmd import render_report
    from aisec.core.registry import default_registry
    from aisec.core.settings import load_settings
    from aisec.demo.artefacts import write_demo_files
    from aisec.modelfile.scanner import scan

    with tempfile.TemporaryDirectory(prefix="aisec-demo-") as tmp:
        target = directory or Path(tmp)
        files = write_demo_files(target)
        typer.echo(f"aisec demo: wrote {len(files)} model files to {target}", err=True)
        for item in files:
            mark = "TRAPPED" if item.trapped else "clean  "
            typer.echo(f"  [{mark}] {item.name}: {item.description}", err=True)
        settings = load_settings()
        registry = default_registry()
        run = scan([target], settings, registry=registry)
        sys.stdout.write(
            render_report(run, "console", settings.fail_on, registry.enabled(), to_terminal=True)
        )
        if store:
            _store(target, run, settings, registry)
        data_ok = _data_scan(target / "training-data", settings, registry, store)
    tested = _assurance(settings, store) and data_ok
    flagged = {
        f.location.path.rsplit("/", 1)[-1] for f in run.findings if f.severity >= settings.fail_on
    }
    expected = {f.name for f in files if f.trapped}
    if flagged == expected and tested:
        typer.echo(
            f"aisec demo: the {len(expected)} trapped files were caught; the clean files passed.",
            err=True,
        )
        return 0
    if not tested:
        return 1
    typer.echo(
        f"aisec demo: unexpected result: flagged {sorted(flagged)}, expected {sorted(expected)}",
        err=True,
    )
    return 1


def _store(target: Path, run: Run, settings: Settings, registry: Registry) -> None:
    """The store half of the demo; a store that cannot be used is a warning, as for scan."""
    from aisec.core.errors import AisecError
    from aisec.demo.storing import DEMO_SYSTEM, store_demo

    try:
        done = store_demo(target, run, settings, registry, Path("aisec-demo-bom.json"))
    except AisecError as exc:
        typer.echo(f"aisec demo: not stored: [{exc.code}] {exc.message}", err=True)
        return
    typer.echo(
        f"aisec demo: stored in {done.store}: scan run {done.run_id[:12]}, and system "
        f"{DEMO_SYSTEM!r} with {done.models} models and {done.datasets} datasets "
        f"(aisec inventory show system {DEMO_SYSTEM}; aisec findings list)",
        err=True,
    )
    typer.echo(
        f"aisec demo: CycloneDX 1.6 AI-BOM in {done.bom}: {done.components} components, "
        f"{done.vulnerabilities} open findings as vulnerabilities",
        err=True,
    )


def _data_scan(directory: Path, settings: Settings, registry: Registry, store: bool) -> bool:
    """The training-data half: an intake extract with personal data and a pasted key.
    False when the scan does not report what the extract is known to hold."""
    import importlib.util

    if not all(importlib.util.find_spec(m) for m in ("pyarrow", "phonenumbers")):
        typer.echo("aisec demo: dataset scan skipped: pip install 'aisec[data]'", err=True)
        return True
    from aisec.cli.scan_cmd import render_report
    from aisec.demo.datasets import EXPECTED_COLUMNS, EXPECTED_SECRETS, write_demo_dataset
    from aisec.services.scanning import scan

    path = write_demo_dataset(directory)
    typer.echo(f"aisec demo: scanning the training-data extract {path.name}...", err=True)
    run = scan([directory], settings, registry=registry)
    sys.stdout.write(
        render_report(run, "console", settings.fail_on, registry.enabled(), to_terminal=True)
    )
    if store:
        from aisec.demo.storing import DEMO_SYSTEM
        from aisec.services.recording import record_run

        record_run(run, settings, exit_code=run.exit_code(settings.fail_on), system=DEMO_SYSTEM)
    columns = {
        str(f.location.column): f.evidence.get("entity")
        for f in run.findings
        if f.check_id == "data.pii.column"
    }
    secrets = sum(f.check_id == "data.secret.exposed" for f in run.findings)
    if all(columns.get(c) == e for c, e in EXPECTED_COLUMNS.items()) and (
        secrets == EXPECTED_SECRETS
    ):
        typer.echo(
            f"aisec demo: the extract's {len(EXPECTED_COLUMNS)} personal-data columns and its "
            "pasted API key were found.",
            err=True,
        )
        return True
    typer.echo(
        f"aisec demo: unexpected dataset result: columns {columns}, {secrets} credentials",
        err=True,
    )
    return False


REPORT = Path("aisec-demo-report.html")


def _assurance(settings: Settings, store: bool) -> bool:
    """The model-testing half; False when a test could not run (the demo then fails)."""
    from aisec.assurance.plans.result import Status
    from aisec.demo.assurance import run_demo_plan
    from aisec.report.plan_console import render_plan_console
    from aisec.services.recording import record_run
    from aisec.services.testing import exit_code

    typer.echo("aisec demo: testing the tumour-screening model (aisec test)...", err=True)
    from aisec.assurance.plans.runner import MissingExtra

    try:
        report = run_demo_plan(settings)
    except (ModuleNotFoundError, MissingExtra) as exc:  # the assurance extra is missing
        typer.echo(f"aisec demo: model tests skipped: {exc}", err=True)
        return True
    tty = sys.stdout.isatty()
    sys.stdout.write(render_plan_console(report, color=tty, width=None if tty else 200))
    if store:
        from aisec.report.plan_html import render_plan_html

        REPORT.write_text(render_plan_html(report), encoding="utf-8")
        from aisec.demo.storing import DEMO_SYSTEM

        # Linked to the demo system, so that its coverage and gates see the test results.
        recorded = record_run(report.run, settings, exit_code=exit_code(report), system=DEMO_SYSTEM)
        where = f"; run recorded in {recorded.store}" if recorded.run else f" ({recorded.warning})"
        typer.echo(f"aisec demo: test report in {REPORT}{where}", err=True)
    errors = [o for o in report.outcomes if o.status is Status.ERROR]
    for outcome in errors:
        typer.echo(f"aisec demo: test {outcome.name!r} could not run: {outcome.error}", err=True)
    return not errors
