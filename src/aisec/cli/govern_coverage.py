"""``aisec govern coverage``: per framework, which requirements a system's runs, evidence
and assessments cover, which fail, which lapse, and the gaps."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from aisec.cli.govern_common import (
    JsonOption,
    SystemOption,
    echo_json,
    parse_day,
    reading,
    say,
    table,
    utc_today,
)
from aisec.cli.store_access import DatabaseOption

if TYPE_CHECKING:
    from aisec.governance.coverage import Coverage, ItemCoverage


def _sources(item: ItemCoverage) -> str:
    return "; ".join(
        f"{s.kind} {s.name} {s.state}"
        + (f" {s.day.isoformat()}" if s.day else "")
        + (" (crosswalk)" if s.via == "crosswalk" else "")
        for s in item.sources
    )


def _summary(c: Coverage) -> str:
    share = f"{c.percent:.1f}%" if c.percent is not None else "n/a"
    counts = ", ".join(f"{status} {n}" for status, n in c.totals.items())
    scope = f"; {c.not_applicable} not applicable" if c.not_applicable else ""
    return f"{c.framework}: {c.covered}/{c.total} covered ({share}): {counts}{scope}"


def coverage(
    system: SystemOption,
    framework: Annotated[
        list[str] | None,
        typer.Option("--framework", metavar="ID",
                     help="A catalogue id (repeatable); default: the five main ones."),
    ] = None,
    today: Annotated[
        str | None,
        typer.Option(
            "--today", metavar="YYYY-MM-DD", help="Judge as of this day [default: today, UTC]."
        ),
    ] = None,
    within_days: Annotated[
        int, typer.Option("--within-days", min=0, help="Evidence lapsing sooner is expiring.")
    ] = 30,
    gaps_only: Annotated[
        bool, typer.Option("--gaps-only", help="List only requirements with no evidence.")
    ] = False,
    as_json: JsonOption = False,
    database: DatabaseOption = None,
) -> None:  # fmt: skip
    """Control coverage of a system per framework: each requirement evidenced, expiring,
    expired, failing (a check found problems) or a gap, with its sources. EU AI Act
    obligations are limited to those its classification puts on it, once classified."""
    from aisec.services.governance_coverage import FRAMEWORKS, gather, judge

    day = parse_day(today, "--today") if today else utc_today()
    with reading(database, system) as store:
        assert store is not None
        inputs = gather(store, system, day)
        results = [judge(inputs, f, day, within_days) for f in framework or FRAMEWORKS]
    wanted = ("gap",) if gaps_only else ()
    if as_json:
        frameworks: list[dict[str, Any]] = []
        for c in results:
            shown = c.to_dict()
            if wanted:
                shown["items"] = [i.to_dict() for i in c.with_status(*wanted)]
            frameworks.append(shown)
        echo_json({"system": inputs.system, "today": day.isoformat(), "frameworks": frameworks})
        return
    for c in results:
        items = c.with_status(*wanted) if wanted else list(c.items)
        rows = [[i.ref, i.status, i.title, _sources(i)] for i in items]
        table(rows, ["ref", "status", "title", "sources"], f"{c.title} ({inputs.system})")
        say(_summary(c))
