"""Entry point of the ``aisec`` command.

Exit codes (documented in docs/cli.md and tested): 0 nothing at or above the fail
threshold; 1 findings at or above it; 2 usage or configuration error; 3 some input could
not be fully analysed and nothing worse was found.
"""

from __future__ import annotations

import sys

import typer

from aisec import __version__
from aisec.cli import (
    audit_cmd,
    bom_cmd,
    checks_cmd,
    data_cmd,
    demo_cmd,
    discover_cmd,
    findings_cmd,
    gate_cmd,
    gateway_cmd,
    govern_cmd,
    inventory_cmd,
    redteam_cmd,
    redteam_run_cmd,
    scan_cmd,
    serve_cmd,
    sign_cmd,
    test_cmd,
    users_cmd,
    validate_cmd,
)
from aisec.core.errors import AisecError

app = typer.Typer(
    name="aisec",
    help="AI security management: scan model files, test models, guard and govern AI systems.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command("scan")(scan_cmd.scan)
app.add_typer(checks_cmd.app, name="checks")
app.command("test")(test_cmd.plan_command)
app.command("validate")(validate_cmd.validate)
app.command("demo")(demo_cmd.demo)
app.command("sign")(sign_cmd.sign)
app.command("verify")(sign_cmd.verify)
app.command("discover")(discover_cmd.discover)
app.command("bom")(bom_cmd.bom)
app.add_typer(inventory_cmd.app, name="inventory")
app.add_typer(findings_cmd.app, name="findings")
app.add_typer(govern_cmd.app, name="govern")
app.add_typer(audit_cmd.app, name="audit")
app.add_typer(data_cmd.app, name="data")
app.command("gate")(gate_cmd.gate_command)
app.command("serve")(serve_cmd.serve)
app.add_typer(users_cmd.app, name="users")
app.add_typer(gateway_cmd.app, name="gateway")
redteam_cmd.app.command("run")(redteam_run_cmd.run)
redteam_cmd.app.command("probes")(redteam_run_cmd.probes)
app.add_typer(redteam_cmd.app, name="redteam")


@app.command("version")
def version() -> None:
    """Print the aisec version."""
    typer.echo(__version__)


def main(argv: list[str] | None = None) -> int:
    command = typer.main.get_command(app)
    try:
        result = command.main(args=argv, prog_name="aisec", standalone_mode=False)
    except AisecError as exc:
        _error(exc)
        return exc.exit_code
    except typer.Exit as exc:
        return int(exc.exit_code)
    except typer.Abort:
        return 130
    except Exception as exc:  # click's usage errors, and aisec's own bugs
        return _unexpected(exc)
    return result if isinstance(result, int) else 0


def _unexpected(exc: Exception) -> int:
    from typer._click.exceptions import ClickException, UsageError

    if isinstance(exc, UsageError):
        exc.show()
        return 2
    if isinstance(exc, ClickException):
        exc.show()
        return exc.exit_code
    # A bug in aisec. Python's own exit code for it would be 1, which means "findings":
    # a CI gate would read a crash as a verdict. 3 says the input was not analysed.
    sys.stderr.write(f"aisec: internal error: {type(exc).__name__}: {exc}\n")
    sys.stderr.write(
        "  hint: this is a bug in aisec, not a verdict on your input; "
        "please report it with the command you ran and this message\n"
    )
    return 3


def _error(exc: AisecError) -> None:
    sys.stderr.write(f"aisec: error [{exc.code}]: {exc.message}\n")
    if exc.hint:
        sys.stderr.write(f"  hint: {exc.hint}\n")


def run() -> None:
    """Console-script entry point."""
    raise SystemExit(main())


if __name__ == "__main__":  # pragma: no cover
    run()
