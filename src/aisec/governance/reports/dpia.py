"""Data protection impact assessment under GDPR Art. 35(7), points (a) to (d).

Privacy and fairness measurements from aisec's assurance tests are cited in point (c) as
indicators of risk to data subjects: a membership-inference AUC near 0.5 means an
attacker can barely tell training records from others, well above 0.5 that the model
leaks who was in its training data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from aisec.governance.reports import common as c
from aisec.governance.reports.document import Item, ReportDocument, Section, given, missing, now
from aisec.governance.reports.inputs import Record, SystemInfo

POINTS: tuple[tuple[str, str], ...] = (
    ("a", "Systematic description of the processing and its purposes"),
    ("b", "Necessity and proportionality of the processing"),
    ("c", "Risks to the rights and freedoms of data subjects"),
    ("d", "Measures to address the risks"),
)
_INDICATORS = ("privacy.", "fairness.", "explain.sensitive_influence")
MIA_AUC = "privacy.mia.auc"


@dataclass(frozen=True)
class DpiaInput:
    system: SystemInfo
    classification: Record | None = None
    processing: str = ""
    purposes: str = ""
    legitimate_interest: str = ""
    data_categories: list[str] = field(default_factory=list)
    data_subjects: list[str] = field(default_factory=list)
    retention: str = ""
    necessity: str = ""
    proportionality: str = ""
    risks: list[Record] = field(default_factory=list)
    measurements: list[Record] = field(default_factory=list)
    measures: list[str] = field(default_factory=list)
    dpo_advice: str = ""


def heading(letter: str) -> str:
    return f"({letter}) {dict(POINTS)[letter]}"


def _listed(label: str, values: list[str], prompt: str) -> Item:
    return given(label, ", ".join(values), prompt)


def _describe(d: DpiaInput) -> Section:
    items = [
        *c.system_items(d.system)[:1],
        given("Nature, scope and context of the processing", d.processing),
        given("Purposes", d.purposes),
        given(
            "Legitimate interest pursued",
            d.legitimate_interest,
            "Name the legitimate interest, or state that the processing rests on another "
            "legal basis.",
        ),
        _listed(
            "Categories of personal data",
            d.data_categories,
            "List the personal data used for training, input and output.",
        ),
        _listed("Data subjects", d.data_subjects, "List whose data is processed."),
        given("Retention", d.retention),
    ]
    return Section(heading("a"), items=items, ref="GDPR Art. 35(7)(a)")


def _mia_reading(m: Record) -> str:
    low, high = m.get("ci_low"), m.get("ci_high")
    if not isinstance(low, int | float) or not isinstance(high, int | float):
        verdict = "no interval recorded, so the value alone cannot show a leak"
    elif low > 0.5:
        verdict = "a measurable leak of training membership (the interval excludes chance)"
    else:
        verdict = "no evidence of a leak beyond chance (the interval includes 0.5)"
    return (
        f"Membership inference AUC {c.number(m.get('value'))}, 95% interval "
        f"{c.interval(low, high)}: {verdict}. 0.5 means an attacker does no better than "
        "guessing."
    )


def _risks(d: DpiaInput) -> Section:
    items: list[Item] = []
    indicators = c.with_prefix(d.measurements, *_INDICATORS)
    items += [
        Item("Privacy risk indicator", _mia_reading(m))
        for m in indicators
        if m.get("name") == MIA_AUC
    ]
    if not indicators:
        items.append(
            missing(
                "Measured indicators",
                "No privacy or fairness test recorded: "
                "run membership-inference and fairness tests.",
            )
        )
    if not d.risks:
        items.append(
            missing(
                "Risks to data subjects",
                "Describe the likelihood and severity "
                "of each risk to the people whose data is processed.",
            )
        )
    tables = [c.risk_table(d.risks, "Risks in aisec's register")] if d.risks else []
    if indicators:
        tables.append(c.measurement_table(indicators, "Privacy and fairness measurements"))
    if d.classification:
        items += c.classification_items(d.classification)[:1]
    return Section(heading("c"), items=items, tables=tables, ref="GDPR Art. 35(7)(c)")


def _measures(d: DpiaInput) -> Section:
    items = [Item("Measure", m, "provided") for m in d.measures]
    controls = sorted({str(x) for r in d.risks for x in r.get("controls") or []})
    items += [Item("Control named in the risk register", x) for x in controls]
    if not items:
        items.append(
            missing(
                "Safeguards and security measures",
                "Describe the safeguards, "
                "security measures and mechanisms that protect personal data.",
            )
        )
    items.append(given("Advice of the data protection officer (Art. 35(2))", d.dpo_advice))
    return Section(heading("d"), items=items, ref="GDPR Art. 35(7)(d)")


def dpia(data: DpiaInput, *, generated_at: datetime | None = None) -> ReportDocument:
    sections = [
        _describe(data),
        Section(
            heading("b"),
            items=[
                given("Necessity", data.necessity),
                given("Proportionality", data.proportionality),
            ],
            ref="GDPR Art. 35(7)(b)",
        ),
        _risks(data),
        _measures(data),
    ]
    preamble = [
        "The minimum content of a data protection impact assessment under GDPR Art. 35(7), "
        "for processing by or for an AI system. Deployers of high-risk systems use the "
        "provider's instructions for use here (EU AI Act Art. 26(9)).",
    ]
    title = "Data protection impact assessment (GDPR Art. 35)"
    return ReportDocument(
        "dpia", title, c.system_title(data.system), now(generated_at), sections, preamble
    )
