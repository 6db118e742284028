"""What a test plan leaves: per test, its measurements, thresholds judged, and status.

Reports (JSON, JUnit, HTML) and the findings are built from these records alone, so a
report can be rendered again from the stored JSON without the model.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from aisec.core.run import Measurement


class Status(StrEnum):
    PASSED = "passed"  # every threshold met (or none declared)
    FAILED = "failed"  # at least one threshold not met
    ERROR = "error"  # the test could not run, or a threshold matched no measurement
    SKIPPED = "skipped"  # not applicable to this target (a missing capability)


@dataclass(frozen=True, slots=True)
class Judgement:
    """One threshold applied to one measurement (or to none, when nothing matched)."""

    description: str  # e.g. "evasion.robust_accuracy[epsilon=0.1, attack=worst] >= 0.7"
    metric: str
    passed: bool
    severity: str  # the finding's severity if it fails
    judged_value: float | None  # the value compared (point, or an interval bound)
    judged_on: str  # "value", "ci_low" or "ci_high"
    measurement: Measurement | None
    reason: str = ""  # why it failed or erred, in words

    def to_dict(self) -> dict[str, Any]:
        return {
            "description": self.description,
            "metric": self.metric,
            "passed": self.passed,
            "severity": self.severity,
            "judged_value": self.judged_value,
            "judged_on": self.judged_on,
            "measurement": None if self.measurement is None else self.measurement.to_dict(),
            "reason": self.reason,
        }


@dataclass
class TestOutcome:
    """One test of a plan, run. Also the subject of the ``assurance.*`` checks."""

    name: str  # the plan's name for the test
    type: str  # evasion, extraction, membership_inference, fairness, ...
    target: str  # what was tested (the model's path or name)
    status: Status
    params: dict[str, Any] = field(default_factory=dict)
    measurements: list[Measurement] = field(default_factory=list)
    judgements: list[Judgement] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    error: str = ""
    seconds: float = 0.0
    queries: int = 0  # rows sent to the target

    __test__ = False  # not a pytest test class

    kind = "assurance-outcome"

    @property
    def location(self) -> Any:
        from aisec.core.finding import Location

        return Location(self.target, (self.name,))

    @property
    def failed(self) -> list[Judgement]:
        return [j for j in self.judgements if not j.passed]

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "type": self.type,
            "target": self.target,
            "status": self.status.value,
            "params": self.params,
            "seconds": self.seconds,
            "queries": self.queries,
            "measurements": [m.to_dict() for m in self.measurements],
            "judgements": [j.to_dict() for j in self.judgements],
            "details": self.details,
            "notes": list(self.notes),
            "error": self.error,
        }


@dataclass
class PlanReport:
    """A whole plan's results: the run record (findings, measurements) and every outcome."""

    plan: str  # the plan's name
    source: str  # the plan file, or "<python>"
    target: str  # the model under test, as the plan describes it
    data: dict[str, Any]  # the dataset: name, rows, features, split
    run: Any  # aisec.core.run.Run, kind "test"
    outcomes: list[TestOutcome] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        out = {s.value: 0 for s in Status}
        for outcome in self.outcomes:
            out[outcome.status.value] += 1
        return out

    def to_dict(self) -> dict[str, Any]:
        run = self.run
        return {
            "plan": self.plan,
            "source": self.source,
            "target": self.target,
            "data": self.data,
            "run": {
                "id": run.id,
                "kind": run.kind,
                "tool_version": run.tool_version,
                "started_at": run.started_at.isoformat(),
                "ended_at": None if run.ended_at is None else run.ended_at.isoformat(),
                "config": run.config,
                "errors": list(run.errors),
                "warnings": list(run.warnings),
            },
            "summary": self.counts(),
            "tests": [o.to_dict() for o in self.outcomes],
            "findings": [f.to_dict() for f in run.findings],
        }
