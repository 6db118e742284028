"""``aisec gate``: may this AI system ship? A policy judged on the system's stored state.

Exit codes: 0 the gate passes, 1 a blocking condition failed, 2 a bad policy, an unknown
system or no store. The policy is read before the store is opened, so that a typo in it
is reported without touching a database.
"""

from __future__ import annotations

import json
import sys
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from aisec.cli.store_access import DatabaseOption
from aisec.core.errors import InputError, UsageError


class GateFormat(StrEnum):
    console = "console"
    json = "json"
    junit = "junit"
    sarif = "sarif"


def gate_command(
    policy: Annotated[
        Path, typer.Option("--policy", metavar="POLICY.yaml", help="The gate policy (YAML).")
    ],
    system: Annotated[
        str, typer.Option("--system", metavar="NAME", help="The AI system of the inventory.")
    ],
    today: Annotated[
        str | None,
        typer.Option(
            "--today",
            metavar="YYYY-MM-DD",
            help="Judge as at the end of this day, UTC [default: now].",
        ),
    ] = None,
    fmt: Annotated[
        GateFormat, typer.Option("--format", "-f", help="Report format.")
    ] = GateFormat.console,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the report to FILE.")
    ] = None,
    database: DatabaseOption = None,
) -> int:
    """Judge an AI system against a release policy: findings, signatures, assurance
    measurements, assessments, evidence, approvals, incidents and risks, as recorded.

    Exit codes: 0 the gate passes, 1 a blocking condition failed, 2 a bad policy, an
    unknown system or no store.
    """
    from aisec.cli.store_access import opened
    from aisec.governance.gates.policy import load_policy
    from aisec.services.gating import run_gate

    day = _day(today)
    if not policy.is_file():
        raise InputError(f"no such policy: {policy}", hint="check the path")
    if output is not None and not output.parent.is_dir():
        raise InputError(f"cannot write {output}: no directory {output.parent}")
    rules = load_policy(policy)
    # Reading never creates the default store: a gate on nothing recorded is a mistake.
    with opened(database, create=False) as store:
        if store is None:
            raise UsageError(
                "no store to read the system from",
                hint="pass --database URL, set AISEC_DATABASE_URL, or record runs first",
            )
        result = run_gate(store, rules, system, day)
    text = _render(result, fmt)
    if output is None:
        sys.stdout.write(text)
    else:
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise InputError(f"cannot write {output}: {exc.strerror}") from None
        if fmt is not GateFormat.console:  # the verdict still shows in the CI log
            sys.stderr.write(_render(result, GateFormat.console))
    return result.exit_code


def _day(text: str | None) -> date | datetime:
    """The moment the gate judges at: now, or the end of --today (UTC) when given."""
    if text is None:
        from datetime import UTC

        # An instant, not a day: an incident deadline that passed an hour ago has passed.
        return datetime.now(UTC)
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"--today {text!r}: expected a date YYYY-MM-DD") from None


def _render(result: Any, fmt: GateFormat) -> str:
    from aisec.governance.gates import render_console, render_junit, render_sarif

    if fmt is GateFormat.json:
        return json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n"
    if fmt is GateFormat.junit:
        return str(render_junit(result))
    if fmt is GateFormat.sarif:
        return str(render_sarif(result))
    ascii_only = not (sys.stdout.encoding or "").lower().startswith("utf")
    return str(render_console(result, ascii_only=ascii_only))
