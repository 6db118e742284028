"""``aisec govern``: the framework catalogues aisec ships, and how they relate."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

app = typer.Typer(
    help="Governance: catalogues, classification, risks, approvals, evidence, incidents,"
    " requests and reports.",
    no_args_is_help=True,
)


@app.command("catalogues")
def catalogues(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """List the framework catalogues with their version, publisher, licence and size."""
    from aisec.governance.catalogs import all_catalogues

    rows = [c.to_dict() for c in all_catalogues()]
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
        return
    from rich.markup import escape
    from rich.table import Table

    table = Table(title=f"{len(rows)} catalogues")
    for column in ("id", "version", "items", "publisher", "retrieved"):
        table.add_column(column, no_wrap=column == "id", overflow="fold")
    for row in rows:
        table.add_row(
            *(escape(str(row[c])) for c in ("id", "version", "items", "publisher", "retrieved"))
        )
    _console().print(table)


@app.command("show")
def show(
    catalogue: Annotated[str, typer.Argument(help="A catalogue id (see aisec govern catalogues).")],
    kind: Annotated[str | None, typer.Option("--kind", help="Only items of this kind.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """The items of one catalogue: ref, kind, title and aisec's summary."""
    from aisec.core.errors import UsageError
    from aisec.governance.catalogs import load_catalogue

    loaded = load_catalogue(catalogue)
    if kind is not None and kind not in loaded.kinds:
        raise UsageError(f"--kind {kind!r}: {catalogue} has kinds {', '.join(loaded.kinds)}")
    items = [i for i in loaded if kind is None or i.kind == kind]
    rows: list[dict[str, Any]] = [
        {"ref": loaded.ref(i), "kind": i.kind, "title": i.title, "summary": i.summary,
         "parent": i.parent, "attributes": dict(i.attributes)}
        for i in items
    ]  # fmt: skip
    if as_json:
        typer.echo(
            json.dumps({"catalogue": loaded.to_dict(), "items": rows}, indent=2, default=str)
        )
        return
    from rich.markup import escape
    from rich.table import Table

    table = Table(title=f"{loaded.title} ({loaded.version}): {len(rows)} items")
    table.add_column("ref", no_wrap=True)
    table.add_column("kind", no_wrap=True)
    table.add_column("title / summary", overflow="fold")
    for row in rows:
        text = row["title"] or row["summary"]
        if row["title"] and row["summary"]:
            text = f"{row['title']}: {row['summary']}"
        table.add_row(escape(str(row["ref"])), str(row["kind"]), escape(str(text)))
    _console().print(table)


@app.command("crosswalk")
def crosswalk(
    ref: Annotated[
        str, typer.Argument(help="A framework ref (AML.T0015, EU-AI-Act:Art.15) or a check id.")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """What a ref relates to in other frameworks; for a check id, every requirement its
    findings and results speak to."""
    from aisec.core.errors import UsageError
    from aisec.governance.catalogs import resolve
    from aisec.governance.catalogs.crosswalk import check_refs, related, requirements_for_check

    refs = requirements_for_check(ref) if ref in check_refs() else related(ref)
    if not refs and resolve(ref) is None and ref not in check_refs():
        raise UsageError(f"{ref!r} is neither a catalogued ref nor a check id")
    rows = []
    for item_ref in sorted(refs):
        found = resolve(item_ref)
        title = "" if found is None else (found[1].title or found[1].summary)
        rows.append({"ref": item_ref, "catalogue": found[0].id if found else "", "title": title})
    if as_json:
        typer.echo(json.dumps({"ref": ref, "related": rows}, indent=2))
        return
    for row in rows:
        typer.echo(f"{row['ref']}\t{row['catalogue']}\t{row['title']}")


def _console() -> Any:
    from aisec.cli.checks_cmd import _console as console

    return console()


def _register_classify() -> None:
    from aisec.cli.classify_cmd import classify_command

    app.command("classify")(classify_command)


def _register_records() -> None:
    """The governance registers (risks, approvals, evidence, incidents, requests) and the
    reports, each in a module of its own to keep this one about the catalogues."""
    from aisec.cli import (
        govern_coverage,
        govern_incidents,
        govern_records,
        govern_report,
        govern_risks,
    )

    app.add_typer(govern_risks.app, name="risks")
    app.command("approve")(govern_records.approve)
    app.command("approvals")(govern_records.approvals)
    app.add_typer(govern_records.evidence_app, name="evidence")
    app.add_typer(govern_incidents.incident_app, name="incident")
    app.command("incidents")(govern_incidents.incidents)
    app.add_typer(govern_incidents.request_app, name="request")
    app.command("requests")(govern_incidents.requests)
    app.command("report")(govern_report.report)
    app.command("coverage")(govern_coverage.coverage)


_register_classify()
_register_records()
