"""The result types of the quality checks: one :class:`Indicator` per kind of problem.

An indicator is structured evidence, not a finding: it carries a stable id, the severity
it suggests, whether it fired, counts, example rows (0-based positions in the file as
read) and, where one applies, a test statistic with its p-value or confidence interval.
`aisec data check` reports indicators as they are and sets its exit code from the
severity of those that fired; nothing turns them into findings yet.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from aisec.core.severity import Severity

INDICATOR_IDS = (
    "duplicate-rows",
    "duplicate-conflicting-labels",
    "near-duplicate-conflicting-labels",
    "label-issues",
    "label-leakage",
    "outliers",
    "schema-change",
    "class-balance-shift",
    "feature-shift",
    "train-test-overlap",
    "train-test-near-overlap",
    "trigger-phrases",
)


@dataclass(frozen=True)
class Statistic:
    name: str  # e.g. "chi-square", "share", "max PSI"
    value: float
    p_value: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    method: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "value": _num(self.value),
            "p_value": _num(self.p_value),
            "ci_low": _num(self.ci_low),
            "ci_high": _num(self.ci_high),
            "method": self.method,
        }


@dataclass(frozen=True)
class Indicator:
    id: str
    title: str
    severity: Severity  # suggested for a finding when the indicator fires
    fired: bool
    count: int  # rows, clusters or features affected
    total: int  # rows, clusters or features examined
    rows: tuple[int, ...] = ()  # example row indices
    statistic: Statistic | None = None
    details: dict[str, Any] = field(default_factory=dict)
    notes: tuple[str, ...] = ()  # sampling and other limits of this result

    def __post_init__(self) -> None:
        if self.id not in INDICATOR_IDS:
            raise ValueError(f"unknown indicator id {self.id!r}")

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "severity": self.severity.label,
            "fired": self.fired,
            "count": self.count,
            "total": self.total,
            "rows": list(self.rows),
            "statistic": self.statistic.to_dict() if self.statistic else None,
            "details": self.details,
            "notes": list(self.notes),
        }


@dataclass(frozen=True)
class Skipped:
    id: str
    reason: str


@dataclass
class QualityReport:
    path: str
    rows: int
    columns: dict[str, str]  # name -> role
    label: str | None
    indicators: list[Indicator] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def get(self, indicator_id: str) -> Indicator | None:
        return next((i for i in self.indicators if i.id == indicator_id), None)

    def fired_at(self, threshold: Severity) -> list[Indicator]:
        return [i for i in self.indicators if i.fired and i.severity >= threshold]

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "rows": self.rows,
            "columns": self.columns,
            "label": self.label,
            "indicators": [i.to_dict() for i in self.indicators],
            "skipped": [{"id": s.id, "reason": s.reason} for s in self.skipped],
            "notes": self.notes,
        }


def _num(value: float | None) -> float | None:
    # JSON has no NaN or infinity; a statistic that is undefined is null.
    if value is None or not math.isfinite(value):
        return None
    return float(value)
