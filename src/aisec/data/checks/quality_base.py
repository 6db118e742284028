"""The shared judgement of the quality checks: an indicator that fired is a finding.

Each indicator of ``aisec data check`` has one check; the check claims only subjects of
its own indicator id. The finding's severity is the one the indicator suggests (it can
depend on the data, e.g. how far a feature moved), its evidence the counts, the statistic
and example row numbers, never a value from the data: details that are not plain numbers
(phrases, class labels, cluster contents) stay in the data report.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, ClassVar

from aisec.core.check import Check
from aisec.core.finding import Finding, fingerprint_path
from aisec.data.subjects import DatasetIndicator

if TYPE_CHECKING:
    from aisec.data.quality.indicator import Indicator

# Label noise, conflicting labels, odd rows and trigger phrases are how poisoning shows.
POISONING_REFS = (
    "AML.T0020",
    "ML02:2023",
    "LLM04:2025",
    "EU-AI-Act:Art.10(3)",
    "ISO42001:A.7.4",
)
# Duplicates, leakage, overlap and drift make the data less relevant or representative.
QUALITY_REFS = ("EU-AI-Act:Art.10(3)", "ISO42001:A.7.4")
EXAMPLE_ROWS = 20


class IndicatorCheck(Check[DatasetIndicator]):
    applies_to = ("dataset-indicator",)
    indicator_id: ClassVar[str] = ""

    def run(self, subject: DatasetIndicator) -> Iterator[Finding]:
        ind = subject.indicator
        if ind is None or ind.id != self.indicator_id or not ind.fired:
            return
        key = f"{ind.id}:{fingerprint_path(subject.location.path)}"
        if subject.compared_with:
            key += f":{fingerprint_path(subject.compared_with)}"
        yield self.finding(
            subject.location,
            f"{ind.title}: {ind.count} of {ind.total}{statistic_text(ind)}",
            severity=ind.severity,
            evidence=evidence(ind, subject.compared_with),
            key=key,
        )


def statistic_text(ind: Indicator) -> str:
    stat = ind.statistic
    if stat is None or not math.isfinite(stat.value):
        return ""
    text = f"; {stat.name} {stat.value:.4g}"
    if stat.p_value is not None and math.isfinite(stat.p_value):
        text += f" (p={stat.p_value:.3g})"
    if stat.ci_low is not None and stat.ci_high is not None:
        text += f" (95% interval {stat.ci_low:.3g}-{stat.ci_high:.3g})"
    return text


def evidence(ind: Indicator, compared_with: str) -> dict[str, Any]:
    out: dict[str, Any] = {
        "indicator": ind.id,
        "count": ind.count,
        "total": ind.total,
        "example_rows": list(ind.rows[:EXAMPLE_ROWS]),
    }
    if ind.statistic is not None:
        out["statistic"] = ind.statistic.to_dict()
    numbers = {k: v for k, v in ind.details.items() if _plain_number(v)}
    if numbers:
        out["details"] = numbers
    if compared_with:
        out["compared_with"] = compared_with
    if ind.notes:
        out["notes"] = list(ind.notes)
    return out


def _plain_number(value: object) -> bool:
    if isinstance(value, bool):
        return True
    return isinstance(value, int | float) and math.isfinite(value)
