"""``aisec govern classify``: the EU AI Act questionnaire, from a file or asked in turn."""

from __future__ import annotations

import json
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from aisec.cli.store_access import DatabaseOption

if TYPE_CHECKING:
    from aisec.governance.classify import Classification, Question

ROLES = ("provider", "deployer", "importer", "distributor", "authorised-representative",
         "product-manufacturer")  # fmt: skip


def classify_command(
    system: Annotated[
        str | None,
        typer.Option("--system", metavar="NAME", help="Record the assessment for this AI system."),
    ] = None,
    answers_file: Annotated[
        Path | None,
        typer.Option("--answers", metavar="FILE", help="Answers (YAML or JSON); else asked here."),
    ] = None,
    role: Annotated[
        list[str] | None,
        typer.Option("--role", help="Your operator role(s) [default: provider]."),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            metavar="YYYY-MM-DD",
            help="Judge dates as of this day [default: today, UTC].",
        ),
    ] = None,
    original_dates: Annotated[
        bool,
        typer.Option(
            "--original-dates",
            help="Use the Regulation's original dates, not the reported Omnibus amendments.",
        ),
    ] = False,
    assessor: Annotated[str | None, typer.Option("--assessor", help="Who answers.")] = None,
    draft: Annotated[bool, typer.Option("--draft", help="Record as a draft.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    database: DatabaseOption = None,
) -> None:
    """Classify an AI system under the EU AI Act: tier, obligations per role with their
    dates, and the rationale; with --system, keep it in the store as an assessment."""
    from aisec.core.errors import UsageError

    roles = role or ["provider"]
    unknown = sorted(set(roles) - set(ROLES))
    if unknown:
        raise UsageError(f"--role {unknown[0]!r}: one of {', '.join(ROLES)}")
    try:
        # UTC, as the gate and the other govern commands judge "today".
        day = date.fromisoformat(as_of) if as_of else datetime.now(UTC).date()
    except ValueError:
        raise UsageError(f"--as-of {as_of!r}: expected YYYY-MM-DD") from None
    answers = _read_answers(answers_file) if answers_file else _ask()
    from aisec.services.governance import classify_system

    amended = not original_dates
    if system is None:
        done = classify_system(answers, roles=roles, as_of=day, use_amended_dates=amended)
    else:
        from aisec.cli.store_access import opened

        with opened(database) as store:
            done = classify_system(
                answers, roles=roles, as_of=day, use_amended_dates=amended, store=store,
                system=system, assessor=assessor or _user(), status="draft" if draft else "final",
            )  # fmt: skip
    if as_json:
        out = done.classification.to_dict()
        if done.assessment is not None:
            out["assessment"] = {"id": done.assessment.id, "system": done.assessment.system_name}
        typer.echo(json.dumps(out, indent=2))
        return
    from aisec.report import printable

    # Line by line: the summary is several lines, and each keeps no control characters
    # (rationale and the system's name can carry what the answers file or inventory held).
    for line in _summary(done.classification).splitlines():
        typer.echo(printable(line))
    if done.assessment is not None:
        typer.echo(printable(
            f"recorded: assessment {done.assessment.id} for system {done.assessment.system_name}"
        ))  # fmt: skip


def _read_answers(path: Path) -> dict[str, Any]:
    from aisec.assurance.plans.yaml_file import read_yaml
    from aisec.core.errors import ConfigError

    raw = read_yaml(path, "answers file")
    if not isinstance(raw, dict):
        raise ConfigError(f"answers file {path}: expected a mapping of question ids to answers")
    return raw


def _ask() -> dict[str, Any]:
    """Ask what the questionnaire asks next, until it asks nothing more."""
    from aisec.core.errors import UsageError
    from aisec.governance.classify import next_questions

    if not sys.stdin.isatty() and sys.stdin.closed:
        raise UsageError("no --answers file and no terminal to ask on")
    answers: dict[str, Any] = {}
    while questions := next_questions(answers):
        for question in questions:
            answers[question.id] = _prompt(question)
    return answers


def _prompt(question: Question) -> Any:
    typer.echo(f"\n{question.text}")
    if question.help:
        typer.echo(f"  ({question.help})")
    if question.kind == "yes-no":
        return typer.confirm("  answer", default=False)
    if question.kind == "number":
        return typer.prompt("  number", type=float)
    for n, choice in enumerate(question.choices, 1):
        typer.echo(f"  {n}. {choice.label} [{choice.value}]")
    if question.kind == "one-of":
        import click

        n = typer.prompt("  choose one (number)", type=click.IntRange(1, len(question.choices)))
        return question.choices[n - 1].value
    text = typer.prompt("  choose any (numbers separated by commas, or 0 for none)", default="0")
    picks = [int(p) for p in text.replace(" ", "").split(",") if p and p != "0"]
    return [question.choices[p - 1].value for p in picks if 1 <= p <= len(question.choices)]


def _summary(result: Classification) -> str:
    lines = [f"tiers: {', '.join(result.tiers) or 'none'}"]
    for duty in result.prohibited:
        lines.append(f"PROHIBITED: {duty.ref} {duty.title} ({duty.status})")
    for duty in result.upcoming_prohibitions:
        lines.append(f"PROHIBITED FROM A LATER DATE: {duty.ref} {duty.title} ({duty.status})")
    for role_name, duties in result.obligations.items():
        lines.append(f"{role_name}: {len(duties)} obligations")
        lines.extend(f"  {d.ref}  {d.title}  [{d.status}]" for d in duties)
    lines.append("rationale:")
    lines.extend(f"  - {r.text} ({', '.join(r.refs)})" for r in result.rationale)
    return "\n".join(lines)


def _user() -> str:
    import getpass

    try:
        return getpass.getuser()
    except Exception:  # no login name in containers without a passwd entry
        return "unknown"
