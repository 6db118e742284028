"""A model card: intended use, training data, evaluation with intervals, fairness by
group, limitations and risks, from the inventory and aisec's assurance tests."""

from __future__ import annotations

from collections import defaultdict
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
from aisec.governance.reports.inputs import Record

SECTIONS = (
    "Model details",
    "Intended use",
    "Training data",
    "Evaluation",
    "Fairness by group",
    "Limitations",
    "Risks",
)


@dataclass(frozen=True)
class ModelCardInput:
    # Inventory facts: name, version, format, digest, licence, developer, source.
    model: Record
    intended_use: str = ""
    out_of_scope: str = ""
    users: str = ""
    training_data: list[Record] = field(default_factory=list)  # dataset components
    evaluation_data: str = ""
    measurements: list[Record] = field(default_factory=list)
    limitations: list[str] = field(default_factory=list)
    risks: list[Record] = field(default_factory=list)


def _details(model: Record) -> Section:
    keys = ("name", "version", "format", "digest", "licence", "developer", "source")
    items = [given(key.capitalize(), model.get(key)) for key in keys]
    items += [Item(str(k), c.text(v), "provided") for k, v in model.items() if k not in keys]
    return Section(SECTIONS[0], items=items)


def _data(rows: list[Record]) -> Section:
    if not rows:
        return Section(
            SECTIONS[2],
            items=[
                missing(
                    "Training data",
                    "Describe the data the model was trained on: source, period, size, labelling.",
                )
            ],
        )
    table = Table(
        ["Name", "Version", "Source", "Records", "Licence"],
        [
            [c.text(x.get(k)) for k in ("name", "version", "source", "records", "licence")]
            for x in rows
        ],
    )
    return Section(SECTIONS[2], tables=[table])


def fairness_by_group(measurements: list[Record]) -> Table | None:
    """Group rates (``fairness.<rate>`` with a ``group`` param) as one row per feature
    and group, one column per rate; None when there are none."""
    cells: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)
    rates: list[str] = []
    for m in c.with_prefix(measurements, "fairness."):
        params = m.get("params") or {}
        if "group" not in params:
            continue
        rate = str(m.get("name", "")).removeprefix("fairness.")
        if rate not in rates:
            rates.append(rate)
        value = f"{c.number(m.get('value'))} {c.interval(m.get('ci_low'), m.get('ci_high'))}"
        key = (c.text(params.get("sensitive_feature")), c.text(params.get("group")))
        cells[key][rate] = value
    if not cells:
        return None
    rows = [[f, g, *(v.get(r, c.NO_VALUE) for r in rates)] for (f, g), v in cells.items()]
    caption = "Rate per group, with its 95% interval"
    return Table(["Feature", "Group", *rates], rows, caption)


def _fairness(measurements: list[Record]) -> Section:
    table = fairness_by_group(measurements)
    overall = [
        m
        for m in c.with_prefix(measurements, "fairness.")
        if "group" not in (m.get("params") or {})
    ]
    tables = [t for t in (table,) if t is not None]
    if overall:
        tables.append(c.measurement_table(overall, "Disparities between groups"))
    if not tables:
        return Section(
            SECTIONS[4],
            items=[
                missing(
                    "Fairness",
                    "No fairness measurement "
                    "recorded: run a fairness test with a sensitive feature.",
                )
            ],
        )
    return Section(SECTIONS[4], tables=tables)


def _evaluation(d: ModelCardInput) -> Section:
    items = [given("Evaluation data", d.evaluation_data)]
    other = [m for m in d.measurements if not str(m.get("name", "")).startswith("fairness.")]
    if not other:
        items.append(missing("Measurements", "No evaluation recorded: run `aisec test`."))
        return Section(SECTIONS[3], items=items)
    table = c.measurement_table(other, "Measurements with 95% intervals")
    return Section(SECTIONS[3], items=items, tables=[table])


def model_card(data: ModelCardInput, *, generated_at: datetime | None = None) -> ReportDocument:
    limitations = [Item("Limitation", x, "provided") for x in data.limitations] or [
        missing(
            "Limitations",
            "State known failure modes and conditions the model was not tested under.",
        )
    ]
    risks = (
        Section(SECTIONS[6], tables=[c.risk_table(data.risks)])
        if data.risks
        else Section(SECTIONS[6], items=[missing("Risks", "No risk recorded for this model.")])
    )
    sections = [
        _details(data.model),
        Section(
            SECTIONS[1],
            items=[
                given("Intended use", data.intended_use),
                given("Intended users", data.users),
                given("Out-of-scope uses", data.out_of_scope),
            ],
        ),
        _data(data.training_data),
        _evaluation(data),
        _fairness(data.measurements),
        Section(SECTIONS[5], items=limitations),
        risks,
    ]
    name = c.text(data.model.get("name")) + (
        f" {data.model['version']}" if data.model.get("version") else ""
    )
    return ReportDocument("model-card", "Model card", name, now(generated_at), sections)
