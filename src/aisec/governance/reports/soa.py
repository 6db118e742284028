"""ISO/IEC 42001 statement of applicability: every Annex A control of the catalogue
(ids and titles only: the standard's text is copyrighted), with the organisation's
decision on each. A control not supplied is listed as not yet assessed; an entry for an
id the catalogue does not have is shown apart rather than dropped."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from aisec.governance.catalogs import load_catalogue
from aisec.governance.reports import common as c
from aisec.governance.reports.document import Item, ReportDocument, Section, Table, now

HEADER = ["Control", "Title", "Applicable", "Justification", "Implementation", "Evidence"]
TODO = "missing — to complete"


def _key(control: Mapping[str, Any]) -> str:
    raw = str(control.get("control") or control.get("id") or "").strip()
    return raw.removeprefix("ISO42001:")


def _row(control_id: str, title: str, entry: Mapping[str, Any] | None) -> list[str]:
    if entry is None:
        return [control_id, title, "not yet assessed", TODO, c.NO_VALUE, c.NO_VALUE]
    applicable = entry.get("applicable")
    shown = "yes" if applicable is True else "no" if applicable is False else "not yet assessed"
    justification = str(entry.get("justification") or "").strip() or TODO
    implementation = c.text(entry.get("implementation"))
    if applicable is True and implementation == c.NO_VALUE:
        implementation = TODO
    evidence = c.text(entry.get("evidence"))
    return [control_id, title, shown, justification, implementation, evidence]


def statement_of_applicability(
    controls: Sequence[Mapping[str, Any]],
    *,
    organisation: str = "",
    generated_at: datetime | None = None,
) -> ReportDocument:
    catalogue = load_catalogue("iso-42001")
    supplied = {_key(x): x for x in controls}
    sections: list[Section] = []
    counts = {"yes": 0, "no": 0, "not yet assessed": 0}
    for area in catalogue.of_kind("area"):
        rows = []
        for objective in catalogue.children(area.id):
            for control in catalogue.children(objective.id):
                row = _row(control.id, control.title, supplied.get(control.id))
                counts[row[2]] += 1
                rows.append(row)
        heading = f"{area.id} {area.title}"
        sections.append(Section(heading, tables=[Table(HEADER, rows)], ref="ISO/IEC 42001 Annex A"))
    known = {item.id for item in catalogue.of_kind("control")}
    unknown = [k for k in supplied if k not in known]
    summary = [Item(f"Controls {label}", str(n)) for label, n in counts.items()]
    if unknown:
        summary.append(
            Item("Entries for ids not in Annex A", ", ".join(unknown) or "(empty id)", "info")
        )
    if counts["not yet assessed"]:
        summary.append(
            Item(
                "Assessment",
                f"{counts['not yet assessed']} of {len(known)} controls are still to be assessed.",
                "missing",
            )
        )
    sections.insert(0, Section("Summary", items=summary, ref="ISO/IEC 42001 clause 6.1.3"))
    preamble = [
        f"The Annex A reference controls of {catalogue.title}, version {catalogue.version}, "
        "each with the organisation's decision on whether it applies and why. Control "
        "titles only: the standard's text is not reproduced.",
    ]
    return ReportDocument(
        "soa",
        "Statement of applicability (ISO/IEC 42001 Annex A)",
        organisation,
        now(generated_at),
        sections,
        preamble,
    )
