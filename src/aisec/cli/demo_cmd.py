"""``aisec demo``: write realistic model files, one booby-trapped, and scan them."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Annotated

import typer


def demo(
    directory: Annotated[
        Path | None,
        typer.Option(
            "--dir", help="Where to write the demo files [default: a temporary directory]."
        ),
    ] = None,
) -> int:
    """Write model files with scikit-learn, numpy (and PyTorch if installed), splice a
    harmless payload into one of them, scan them all and show the report."""
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
    flagged = {
        f.location.path.rsplit("/", 1)[-1] for f in run.findings if f.severity >= settings.fail_on
    }
    expected = {f.name for f in files if f.trapped}
    if flagged == expected:
        typer.echo(
            f"aisec demo: the {len(expected)} trapped files were caught; the clean files passed.",
            err=True,
        )
        return 0
    typer.echo(
        f"aisec demo: unexpected result: flagged {sorted(flagged)}, expected {sorted(expected)}",
        err=True,
    )
    return 1
