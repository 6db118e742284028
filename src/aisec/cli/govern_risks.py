"""``aisec govern risks``: propose a system's risks from the store, list the register with
its heat map, and record people's decisions on a risk."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from aisec.cli.govern_common import (
    JsonOption,
    SystemOption,
    actor,
    echo_json,
    reading,
    say,
    say_fields,
    table,
)
from aisec.cli.store_access import DatabaseOption

if TYPE_CHECKING:
    from aisec.governance.risks import Risk

app = typer.Typer(help="The risk register: propose, list, decide.", no_args_is_help=True)


@app.command("propose")
def propose(system: SystemOption, as_json: JsonOption = False,
            database: DatabaseOption = None) -> None:  # fmt: skip
    """Propose risks from the system's classification and the open findings and
    measurements of its linked runs; merge them into the register (keeping people's
    decisions and edits) and print what is new or changed."""
    from aisec.cli.store_access import opened
    from aisec.services.governance_risks import propose_risks

    with opened(database) as store:
        assert store is not None  # opened creates the store when asked to
        done = propose_risks(store, system, actor=actor())
    if as_json:
        echo_json({"new": [r.to_dict() for r in done.new],
                   "changed": [r.to_dict() for r in done.changed],
                   "unchanged": [r.id for r in done.unchanged]})  # fmt: skip
        return
    for label, risks in (("new", done.new), ("changed", done.changed)):
        for risk in risks:
            say_fields(label, risk.id, f"{risk.level} ({risk.score})", risk.title)
    typer.echo(f"{len(done.new)} new, {len(done.changed)} changed, "
               f"{len(done.unchanged)} unchanged")  # fmt: skip


@app.command("list")
def list_risks(
    system: SystemOption,
    status: Annotated[
        str | None, typer.Option("--status", help="Only risks in this status.")
    ] = None,
    as_json: JsonOption = False,
    database: DatabaseOption = None,
) -> None:
    """The system's risks, highest inherent score first, with a 5x5 heat map."""
    from aisec.governance.risks import heat_map

    with reading(database, system) as store:
        assert store is not None
        risks = store.risks.list(system, status)
    if as_json:
        echo_json({"risks": [r.to_dict() for r in risks],
                   "heat_map": heat_map(risks).to_dict(),
                   "residual_heat_map": heat_map(risks, residual=True).to_dict()})  # fmt: skip
        return
    rows = [[r.id, r.level, str(r.score), r.residual_level or "-", r.status,
             r.owner or "-", r.threat or "-", r.title] for r in risks]  # fmt: skip
    header = ["id", "level", "score", "residual", "status", "owner", "threat", "title"]
    table(rows, header, f"{len(risks)} risks of {system}")
    typer.echo(heat_map_text(risks))


def heat_map_text(risks: list[Risk]) -> str:
    """Likelihood rows 5 down to 1 against impact columns 1 to 5, counts in the cells."""
    from aisec.governance.risks import heat_map

    grid = heat_map(risks).grid()
    lines = ["heat map (inherent): likelihood down, impact across", "      1   2   3   4   5"]
    for likelihood, row in zip(range(5, 0, -1), grid, strict=True):
        lines.append(f"  {likelihood} " + "".join(f"{n or '.':>4}" for n in row))
    return "\n".join(lines)


@app.command("set")
def set_risk(
    risk_id: Annotated[str, typer.Argument(help="The risk's id (R-...).")],
    owner: Annotated[str | None, typer.Option("--owner", help="Who owns the risk.")] = None,
    treatment: Annotated[
        str | None, typer.Option("--treatment", help="mitigate, accept, transfer or avoid.")
    ] = None,
    plan: Annotated[str | None, typer.Option("--plan", help="The treatment plan.")] = None,
    due: Annotated[
        str | None, typer.Option("--due", metavar="YYYY-MM-DD", help="When the plan is due.")
    ] = None,
    residual: Annotated[
        tuple[int, int] | None,
        typer.Option("--residual", metavar="L I", help="Residual likelihood and impact (1-5)."),
    ] = None,
    residual_note: Annotated[
        str | None, typer.Option("--residual-note", help="Why the residual is what it is.")
    ] = None,
    status: Annotated[
        str | None, typer.Option("--status", help="proposed, open, treated, accepted, closed.")
    ] = None,
    justification: Annotated[
        str | None, typer.Option("--justification", help="Why (required to accept).")
    ] = None,
    system: Annotated[
        str | None, typer.Option("--system", metavar="NAME", help="When ids are ambiguous.")
    ] = None,
    as_json: JsonOption = False,
    database: DatabaseOption = None,
) -> None:
    """Record a person's decisions on a risk; the register checks them (an acceptance
    needs a justification, a treated risk its residual) and the audit log keeps them."""
    from aisec.core.errors import RecordNotFound, UsageError
    from aisec.governance.risks import edit

    changes: dict[str, Any] = {
        k: v for k, v in (("owner", owner), ("treatment", treatment), ("plan", plan),
                          ("status", status), ("justification", justification),
                          ("residual_note", residual_note)) if v is not None
    }  # fmt: skip
    if due is not None:
        from aisec.cli.govern_common import parse_day

        changes["due"] = parse_day(due, "--due")
    # Typer gives (None, None) for a two-value option not given.
    if residual is not None and None not in residual:
        changes["residual_likelihood"], changes["residual_impact"] = residual
    if not changes:
        raise UsageError("nothing to set", hint="give --owner, --status, --residual, ...")
    from aisec.services.governance_risks import locked_system

    with reading(database, system) as store:
        if store is None:
            raise RecordNotFound(f"no risk {risk_id!r}: there is no store yet")
        first = store.risks.get(risk_id, system)
        if first is None:
            raise RecordNotFound(f"no risk with the id {risk_id!r}")
        # Edited from the copy read under the system's lock, in the transaction that
        # writes: read before it, a concurrent `risks set` or `propose` landing in between
        # would be silently overwritten by this stale copy.
        with locked_system(store, first.system):
            risk = store.risks.get(risk_id, first.system)
            if risk is None:
                raise RecordNotFound(f"no risk with the id {risk_id!r}")
            updated = store.risks.upsert(edit(risk, **changes), actor=actor())
    if as_json:
        echo_json(updated.to_dict())
        return
    say(f"updated {updated.id}: status {updated.status}, owner {updated.owner or '-'}, "
        f"residual {updated.residual_level or 'not assessed'}")  # fmt: skip
