"""What a gate yields: per condition a status and a reason naming the evidence (or its
absence), and overall a verdict that only blocking conditions decide."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any, NamedTuple


class ConditionStatus(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    NOT_APPLICABLE = "not-applicable"  # the system's tier is outside the condition's


class Verdict(NamedTuple):
    """What an evaluator returns: met or not, why, and the evidence looked at."""

    passed: bool
    reason: str
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ConditionResult:
    id: str
    type: str
    description: str
    severity: str  # "blocking" or "warning"
    status: ConditionStatus
    reason: str  # a sentence naming the evidence, or what is missing
    refs: tuple[str, ...] = ()  # the policy's framework refs for the condition
    evidence: tuple[str, ...] = ()  # "finding:<fingerprint>", "run:<id>", "assessment:<id>", ...

    @property
    def blocking(self) -> bool:
        return self.severity == "blocking"

    @property
    def blocks(self) -> bool:
        """A failed blocking condition: the gate fails."""
        return self.blocking and self.status is ConditionStatus.FAILED

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "type": self.type,
            "description": self.description,
            "severity": self.severity,
            "status": self.status.value,
            "reason": self.reason,
            "refs": list(self.refs),
            "evidence": list(self.evidence),
        }


@dataclass(frozen=True, slots=True)
class GateResult:
    policy: str
    system: str
    today: date
    tiers: tuple[str, ...] | None
    results: tuple[ConditionResult, ...]
    note: str = ""  # e.g. why the policy does not apply, or that the system is unclassified
    source: str = "<mapping>"

    @property
    def passed(self) -> bool:
        return not any(r.blocks for r in self.results)

    @property
    def exit_code(self) -> int:
        return 0 if self.passed else 1

    @property
    def failed(self) -> tuple[ConditionResult, ...]:
        return tuple(r for r in self.results if r.status is ConditionStatus.FAILED)

    def counts(self) -> dict[str, int]:
        out = {s.value: 0 for s in ConditionStatus}
        for result in self.results:
            out[result.status.value] += 1
        out["blocking_failed"] = sum(r.blocks for r in self.results)
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "policy": self.policy,
            "source": self.source,
            "system": self.system,
            "today": self.today.isoformat(),
            "tiers": None if self.tiers is None else list(self.tiers),
            "note": self.note,
            "passed": self.passed,
            "exit_code": self.exit_code,
            "summary": self.counts(),
            "conditions": [r.to_dict() for r in self.results],
        }
