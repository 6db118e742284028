"""Pieces several reports share: numbers, measurement and risk tables, the
classification summary, the system facts. All wording is aisec's own."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from aisec.governance.reports.document import Item, Table, given, missing
from aisec.governance.reports.inputs import Record, SystemInfo

NO_VALUE = "–"


def number(value: object, digits: int = 4) -> str:
    if value is None:
        return NO_VALUE
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if isinstance(value, float) and math.isnan(value):
        return "undefined"
    if isinstance(value, float) and math.isinf(value):
        return "∞" if value > 0 else "-∞"
    return f"{value:.{digits}g}"


def interval(low: object, high: object) -> str:
    if low is None and high is None:
        return NO_VALUE
    return f"[{number(low)}, {number(high)}]"


def text(value: object) -> str:
    """A record's value as one cell: lists joined, None as a dash."""
    if value is None or value == "":
        return NO_VALUE
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value) or NO_VALUE
    return str(value)


def params(raw: object, skip: Sequence[str] = ("note",)) -> str:
    if not isinstance(raw, Mapping):
        return NO_VALUE
    shown = [f"{k}={v}" for k, v in raw.items() if k not in skip]
    return ", ".join(shown) or NO_VALUE


def measurement_table(measurements: Iterable[Record], caption: str = "") -> Table:
    rows = [
        [
            text(m.get("name")),
            params(m.get("params")),
            number(m.get("value")),
            interval(m.get("ci_low"), m.get("ci_high")),
            text(m.get("n")),
            text(m.get("unit")),
        ]
        for m in measurements
    ]
    header = ["Measurement", "Parameters", "Value", "95% interval", "n", "Unit"]
    return Table(header, rows, caption)


def with_prefix(measurements: Iterable[Record], *prefixes: str) -> list[Record]:
    return [m for m in measurements if str(m.get("name", "")).startswith(prefixes)]


def risk_table(risks: Iterable[Record], caption: str = "") -> Table:
    rows = []
    for r in risks:
        residual = r.get("residual_level") or NO_VALUE
        rows.append(
            [
                text(r.get("id")),
                text(r.get("title")),
                text(r.get("threat")),
                f"{text(r.get('level'))} ({text(r.get('score'))})",
                text(r.get("treatment")),
                text(r.get("status")),
                text(r.get("owner")),
                str(residual),
                text(r.get("controls")),
            ]
        )
    header = [
        "Id",
        "Risk",
        "Threat",
        "Level (score)",
        "Treatment",
        "Status",
        "Owner",
        "Residual",
        "Controls",
    ]
    return Table(header, rows, caption)


def system_title(system: SystemInfo) -> str:
    return system.name + (f" {system.version}" if system.version else "")


def system_items(system: SystemInfo) -> list[Item]:
    name = system_title(system)
    return [
        Item("System", name or "unnamed", "provided" if name else "missing"),
        given("Provider", system.provider),
        given(
            "Intended purpose",
            system.intended_purpose,
            "Describe what the system is for, who uses it and in which setting.",
        ),
        given("Description", system.description),
    ]


def classification_items(classification: Mapping[str, Any] | None) -> list[Item]:
    """The EU AI Act classification, or a prompt to run one."""
    if not classification:
        return [
            missing(
                "EU AI Act classification",
                "No classification recorded: run `aisec classify` for this system.",
            )
        ]
    tiers = text(classification.get("tiers")) if classification.get("tiers") else "none"
    items = [Item("Risk tier", f"{tiers} (as of {text(classification.get('as_of'))})")]
    if classification.get("annex_iii"):
        items.append(Item("Annex III use cases", text(classification.get("annex_iii"))))
    derogation = classification.get("derogation")
    if isinstance(derogation, Mapping):
        verdict = "applies" if derogation.get("applies") else "does not apply"
        items.append(Item("Art. 6(3) derogation", f"{verdict}: {text(derogation.get('reason'))}"))
    for reason in classification.get("rationale") or []:
        if isinstance(reason, Mapping):
            refs = text(reason.get("refs"))
            items.append(Item("Reason", f"{text(reason.get('text'))} [{refs}]", "info"))
    return items


def duty_refs(classification: Mapping[str, Any] | None, role: str) -> list[Record]:
    if not classification:
        return []
    duties = (classification.get("obligations") or {}).get(role) or []
    return [dict(d) for d in duties if isinstance(d, Mapping)]
