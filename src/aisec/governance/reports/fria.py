"""Fundamental rights impact assessment under EU AI Act Art. 27(1), points (a) to (f).

The deployer writes most of it; aisec supplies the classification (and whether it makes
the assessment a duty), the risk register for point (d) and fairness measurements as
evidence of unequal treatment. Each point without data carries a prompt.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from aisec.governance.reports import common as c
from aisec.governance.reports.document import Item, ReportDocument, Section, given, missing, now
from aisec.governance.reports.inputs import Record, SystemInfo

#: Art. 27(1) points: (letter, heading).
POINTS: tuple[tuple[str, str], ...] = (
    ("a", "Deployer processes in which the system is used"),
    ("b", "Period and frequency of use"),
    ("c", "Categories of persons and groups likely to be affected"),
    ("d", "Specific risks of harm to those persons and groups"),
    ("e", "Human oversight measures"),
    ("f", "Measures if the risks materialise, governance and complaints"),
)


@dataclass(frozen=True)
class FriaInput:
    system: SystemInfo
    classification: Record | None = None
    processes: str = ""
    period: str = ""
    frequency: str = ""
    affected_groups: list[str] = field(default_factory=list)
    harms: str = ""
    risks: list[Record] = field(default_factory=list)
    measurements: list[Record] = field(default_factory=list)
    human_oversight: str = ""
    mitigation: str = ""
    governance: str = ""
    complaints: str = ""


def heading(letter: str) -> str:
    return f"({letter}) {dict(POINTS)[letter]}"


def _trigger(classification: Record | None) -> Section:
    items = c.classification_items(classification)
    if classification:
        duties = [
            d
            for d in c.duty_refs(classification, "deployer")
            if str(d.get("ref", "")).endswith("Art.27")
        ]
        if duties:
            items.insert(
                0,
                Item(
                    "Assessment required",
                    "Yes: Art. 27 is among the deployer's "
                    f"duties ({c.text(duties[0].get('status'))}).",
                ),
            )
        else:
            items.insert(
                0,
                Item(
                    "Assessment required",
                    "Art. 27 is not among the deployer "
                    "duties the classification found; an assessment made "
                    "anyway is good practice.",
                    "info",
                ),
            )
    return Section("When the assessment is required", items=items, ref="Art. 27(1); Art. 6")


def _groups(d: FriaInput) -> list[Item]:
    if not d.affected_groups:
        return [
            missing(
                "Affected persons and groups",
                "Name the people the outputs concern, including minors and vulnerable groups.",
            )
        ]
    return [Item("Affected group", g, "provided") for g in d.affected_groups]


def _risks(d: FriaInput) -> Section:
    items = [
        given(
            "Risks of harm",
            d.harms,
            "Describe the harms to each group named in (c), "
            "drawing on the provider's Art. 13 information.",
        )
    ]
    tables = []
    if d.risks:
        tables.append(c.risk_table(d.risks, "Risks in aisec's register for this system"))
    else:
        items.append(missing("Risk register", "No risk recorded for this system."))
    fairness = c.with_prefix(d.measurements, "fairness.")
    if fairness:
        tables.append(
            c.measurement_table(fairness, "Fairness measurements (group rates and disparities)")
        )
    else:
        items.append(
            missing(
                "Evidence of unequal treatment",
                "No fairness measurement recorded: run a fairness test.",
            )
        )
    return Section(heading("d"), items=items, tables=tables, ref="Art. 27(1)(d)")


def fria(data: FriaInput, *, generated_at: datetime | None = None) -> ReportDocument:
    sections = [
        _trigger(data.classification),
        Section(
            heading("a"),
            items=[
                given(
                    "Processes",
                    data.processes,
                    "Describe the deployer's processes that use the system, and its purpose there.",
                )
            ],
            ref="Art. 27(1)(a)",
        ),
        Section(
            heading("b"),
            items=[given("Period of use", data.period), given("Frequency of use", data.frequency)],
            ref="Art. 27(1)(b)",
        ),
        Section(heading("c"), items=_groups(data), ref="Art. 27(1)(c)"),
        _risks(data),
        Section(
            heading("e"),
            items=[
                given(
                    "Human oversight",
                    data.human_oversight,
                    "Describe who oversees the system, with what training and authority, "
                    "following the instructions for use.",
                )
            ],
            ref="Art. 27(1)(e); Art. 14",
        ),
        Section(
            heading("f"),
            items=[
                given("Measures if risks materialise", data.mitigation),
                given("Internal governance", data.governance),
                given("Complaint mechanisms", data.complaints),
            ],
            ref="Art. 27(1)(f)",
        ),
    ]
    preamble = [
        "The assessment a deployer makes before first use of a high-risk AI system under "
        "Art. 27 of the EU AI Act. Once complete, the market surveillance authority is "
        "notified of its results (Art. 27(3)); it may build on an existing DPIA (Art. 27(4)).",
    ]
    title = "Fundamental rights impact assessment (EU AI Act Art. 27)"
    return ReportDocument(
        "fria", title, c.system_title(data.system), now(generated_at), sections, preamble
    )
