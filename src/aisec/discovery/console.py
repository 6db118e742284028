"""The console summary of a discovery: what was found, by kind, and where."""

from __future__ import annotations

from aisec.discovery.items import KINDS, DiscoveryReport
from aisec.report import printable, shorten, text_console

SHOWN_PER_KIND = 15  # a large tree finds hundreds; the JSON report lists them all


def render_items(report: DiscoveryReport, *, color: bool, width: int | None) -> str:
    from rich.table import Table

    console, buffer = text_console(color=color, width=width)
    counts = report.counts()
    summary = Table(title=f"Discovered in {printable(report.root)}")
    summary.add_column("kind")
    summary.add_column("found", justify="right")
    for kind in KINDS:
        summary.add_row(kind, str(counts[kind]))
    console.print(summary)
    details = Table(show_lines=False)
    for column in ("kind", "name", "version", "where"):
        details.add_column(column)
    for kind in KINDS:
        items = report.of_kind(kind)
        for item in items[:SHOWN_PER_KIND]:
            first = item.places[0] if item.places else None
            where = "" if first is None else first.path + (f":{first.line}" if first.line else "")
            if len(item.places) > 1:
                where += f" (+{len(item.places) - 1})"
            details.add_row(
                kind, printable(shorten(item.name, 80)), printable(item.version), printable(where)
            )
        if len(items) > SHOWN_PER_KIND:
            details.add_row(kind, f"… {len(items) - SHOWN_PER_KIND} more (--format json)", "", "")
    if len(report.items):
        console.print(details)
    return buffer.getvalue()
