"""Shared shape of checks that report parser anomalies of given kinds."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from aisec.core.check import Check
from aisec.core.finding import Finding


class AnomalyCheck(Check[Any]):
    """Reports every anomaly of the kinds in ``anomaly_kinds`` on its subjects."""

    anomaly_kinds: ClassVar[tuple[str, ...]]

    def run(self, subject: Any) -> Iterable[Finding]:
        for anomaly in getattr(subject, "anomalies", ()):
            if anomaly.kind in self.anomaly_kinds:
                yield self.finding(
                    anomaly.location,
                    anomaly.detail,
                    evidence={"anomaly": anomaly.kind, **anomaly.evidence},
                    key=f"{anomaly.kind}:{anomaly.location.offset}",
                )
