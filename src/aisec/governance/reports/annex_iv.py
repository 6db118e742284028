"""Draft technical documentation under EU AI Act Art. 11 and Annex IV (points 1 to 9).

Each point is filled from what aisec records (the classification, the inventory and
AI-BOM components, assurance measurements, the risk register, logging and monitoring
settings) and says "to complete by the provider" where aisec has nothing: the draft
never invents content.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from aisec.governance.reports import common as c
from aisec.governance.reports.document import (
    Item,
    ReportDocument,
    Section,
    Table,
    given,
    missing,
    now,
)
from aisec.governance.reports.inputs import Record, SystemInfo

#: Annex IV points, in order: (number, heading).
SECTIONS: tuple[tuple[int, str], ...] = (
    (1, "General description of the AI system"),
    (2, "Detailed description of the elements of the AI system and of its development"),
    (3, "Monitoring, functioning and control of the AI system"),
    (4, "Appropriateness of the performance metrics"),
    (5, "Risk management system"),
    (6, "Changes made to the system through its lifecycle"),
    (7, "Harmonised standards and other specifications applied"),
    (8, "Copy of the EU declaration of conformity"),
    (9, "Post-market monitoring system and plan"),
)
_SECURITY = ("evasion.", "extraction.", "poisoning.", "privacy.")


@dataclass(frozen=True)
class AnnexIVInput:
    system: SystemInfo
    classification: Record | None = None
    # Inventory / AI-BOM entries: kind ("model", "dataset", ...), name, version, format,
    # digest, source, licence.
    components: list[Record] = field(default_factory=list)
    measurements: list[Record] = field(default_factory=list)
    risks: list[Record] = field(default_factory=list)
    logging: Record | None = None  # what is logged, where, and for how long
    monitoring: Record | None = None  # post-market monitoring: plan, signals, schedule
    changes: list[Record] = field(default_factory=list)  # date, version, description
    standards: list[str] = field(default_factory=list)
    declaration_of_conformity: str = ""
    development_process: str = ""
    human_oversight: str = ""
    metrics_rationale: str = ""


def _heading(number: int) -> str:
    return f"{number}. {dict(SECTIONS)[number]}"


def _components(components: list[Record]) -> Table:
    rows = [
        [
            c.text(x.get("kind")),
            c.text(x.get("name")),
            c.text(x.get("version")),
            c.text(x.get("format")),
            c.text(x.get("digest")),
            c.text(x.get("source")),
            c.text(x.get("licence")),
        ]
        for x in components
    ]
    header = ["Kind", "Name", "Version", "Format", "Digest", "Source", "Licence"]
    return Table(header, rows, "Models, datasets and other components from the inventory")


def _record_items(record: Record | None, label: str) -> list[Item]:
    if not record:
        return [missing(label)]
    return [Item(f"{label}: {key}", c.text(value)) for key, value in record.items()]


def _general(d: AnnexIVInput) -> Section:
    items = c.system_items(d.system) + c.classification_items(d.classification)
    items += [
        missing("Interaction with other hardware, software and AI systems"),
        missing("Forms in which the system is placed on the market or put into service"),
        missing("Instructions for use and user interface for the deployer"),
    ]
    return Section(_heading(1), items=items, ref="Annex IV point 1")


def _elements(d: AnnexIVInput) -> Section:
    items = [given("Design choices and development methods", d.development_process)]
    models = [x for x in d.components if x.get("kind") == "model"]
    datasets = [x for x in d.components if x.get("kind") == "dataset"]
    if not models:
        items.append(missing("Models", "No model recorded in the inventory: list them."))
    if not datasets:
        items.append(missing("Training, validation and test data",
                             "No dataset recorded: describe provenance, scope, labelling "
                             "and cleaning of the data."))  # fmt: skip
    else:
        items.append(
            missing(
                "Data preparation",
                "Describe labelling, cleaning and the "
                "assumptions behind the data sets listed below.",
            )
        )
    items.append(given("Human oversight measures (Art. 14)", d.human_oversight))
    security = c.with_prefix(d.measurements, *_SECURITY)
    if security:
        items.append(
            Item(
                "Cybersecurity testing",
                f"{len(security)} security measurements "
                "recorded by aisec assurance tests (see point 4).",
            )
        )
    else:
        items.append(missing("Cybersecurity testing", "No adversarial or privacy test recorded."))
    tables = [_components(d.components)] if d.components else []
    return Section(_heading(2), items=items, tables=tables, ref="Annex IV point 2")


def _functioning(d: AnnexIVInput) -> Section:
    items = [
        missing(
            "Capabilities and limitations in performance",
            "State the accuracy expected for the groups and settings of intended use.",
        ),
        missing("Foreseeable unintended outcomes and sources of risk"),
        given("Human oversight measures", d.human_oversight),
        missing("Specifications of input data"),
    ]
    items += _record_items(d.logging, "Event logging (Art. 12)")
    return Section(_heading(3), items=items, ref="Annex IV point 3")


def _metrics(d: AnnexIVInput) -> Section:
    items = [given("Why these metrics suit the system", d.metrics_rationale)]
    if not d.measurements:
        items.append(
            missing(
                "Measurements",
                "No assurance measurement recorded: run `aisec test` with a plan for this system.",
            )
        )
        return Section(_heading(4), items=items, ref="Annex IV point 4")
    table = c.measurement_table(d.measurements, "Assurance measurements with 95% intervals")
    return Section(_heading(4), items=items, tables=[table], ref="Annex IV point 4")


def _risk(d: AnnexIVInput) -> Section:
    items = [missing("Description of the risk management process (Art. 9)")]
    if not d.risks:
        items.append(missing("Risk register", "No risk recorded: run `aisec risk propose`."))
        return Section(_heading(5), items=items, ref="Annex IV point 5; Art. 9")
    table = c.risk_table(d.risks, f"{len(d.risks)} risks in the register")
    return Section(_heading(5), items=items, tables=[table], ref="Annex IV point 5; Art. 9")


def _changes(d: AnnexIVInput) -> Section:
    if not d.changes:
        return Section(_heading(6), items=[missing("Changes")], ref="Annex IV point 6")
    rows = [
        [c.text(x.get("date")), c.text(x.get("version")), c.text(x.get("description"))]
        for x in d.changes
    ]
    table = Table(["Date", "Version", "Change"], rows)
    return Section(_heading(6), tables=[table], ref="Annex IV point 6")


def _listed(number: int, label: str, values: list[str], ref: str) -> Section:
    if not values:
        return Section(_heading(number), items=[missing(label)], ref=ref)
    return Section(_heading(number), items=[Item(label, v, "provided") for v in values], ref=ref)


def annex_iv(data: AnnexIVInput, *, generated_at: datetime | None = None) -> ReportDocument:
    sections = [
        _general(data),
        _elements(data),
        _functioning(data),
        _metrics(data),
        _risk(data),
        _changes(data),
        _listed(7, "Standard or specification", data.standards, "Annex IV point 7"),
        Section(
            _heading(8),
            items=[given("Declaration of conformity (Art. 47)", data.declaration_of_conformity)],
            ref="Annex IV point 8",
        ),
        Section(
            _heading(9),
            items=_record_items(data.monitoring, "Post-market monitoring"),
            ref="Annex IV point 9; Art. 72",
        ),
    ]
    preamble = [
        "A draft of the technical documentation a provider of a high-risk AI system keeps "
        "under Art. 11 of the EU AI Act. aisec filled in what it records; every statement "
        "marked 'missing — to complete' is for the provider to write.",
    ]
    return ReportDocument(
        "annex-iv",
        "Technical documentation (EU AI Act Annex IV) — draft",
        c.system_title(data.system),
        now(generated_at),
        sections,
        preamble,
    )
