"""One check per family of assurance tests; each turns its tests' failed thresholds into
findings. The test's outcome is the check's subject (kind ``assurance-outcome``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from aisec.assurance.plans.result import Judgement, TestOutcome
from aisec.core.check import Check
from aisec.core.finding import Finding
from aisec.core.severity import Severity


class ThresholdCheck(Check[TestOutcome]):
    applies_to = ("assurance-outcome",)
    test_types: ClassVar[tuple[str, ...]] = ()
    # Metrics of those tests this check answers for; empty: all of them.
    metrics: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def claims(cls, outcome: TestOutcome, metric: str) -> bool:
        if outcome.type not in cls.test_types:
            return False
        if not cls.metrics:
            return True
        return any(metric == m or m.endswith("." + metric) for m in cls.metrics)

    def run(self, subject: TestOutcome) -> Iterable[Finding]:
        for judgement in subject.failed:
            if judgement.measurement is not None and self.claims(subject, judgement.metric):
                yield self._finding(subject, judgement)

    def _finding(self, outcome: TestOutcome, judgement: Judgement) -> Finding:
        m = judgement.measurement
        evidence: dict[str, Any] = {"test": outcome.name, "threshold": judgement.description}
        interval = ""
        if m is not None:
            evidence["measurement"] = m.to_dict()
            if m.ci_low is not None and m.ci_high is not None:
                interval = f" (95% interval {m.ci_low:.3g}–{m.ci_high:.3g}, n={m.n})"
        return self.finding(
            outcome.location,
            f"{outcome.name}: {judgement.description} not met: {judgement.reason}{interval}",
            severity=Severity.parse(judgement.severity),
            evidence=evidence,
            key=judgement.description,
        )
