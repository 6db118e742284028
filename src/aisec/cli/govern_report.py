"""``aisec govern report KIND``: a governance report about one AI system, gathered from
the store and rendered as HTML or PDF."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from aisec.cli.govern_common import (
    SystemOption,
    reading,
    say,
    utc_today,
    writable,
    write_output,
)
from aisec.cli.store_access import DatabaseOption


class ReportKind(StrEnum):
    ANNEX_IV = "annex-iv"
    FRIA = "fria"
    DPIA = "dpia"
    MODEL_CARD = "model-card"
    SOA = "soa"
    POSTURE = "posture"


class ReportFormat(StrEnum):
    HTML = "html"
    PDF = "pdf"


def report(
    kind: Annotated[ReportKind, typer.Argument(help="Which report.")],
    system: SystemOption,
    output: Annotated[Path, typer.Option("--output", metavar="FILE", help="Write it here.")],
    fmt: Annotated[ReportFormat, typer.Option("--format", help="html, or pdf (the pdf extra).")]
    = ReportFormat.HTML,
    database: DatabaseOption = None,
) -> None:  # fmt: skip
    """Annex IV documentation, FRIA, DPIA, model card, ISO/IEC 42001 statement of
    applicability or posture summary of a system, from what the store holds; what it
    lacks is marked to complete, never invented."""
    from aisec.services.governance_reports import build_report, render

    writable(output)  # before the work: a directory or a missing one fails at once
    with reading(database, system) as store:
        assert store is not None
        doc = build_report(store, kind.value, system, today=utc_today())
    # Rendered before the file is opened, so a missing pdf extra leaves no empty file.
    data = render(doc, fmt.value)
    write_output(output, data)
    say(f"wrote {output} ({kind.value}, {fmt.value}, {len(data)} bytes)")
