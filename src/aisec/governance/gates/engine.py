"""Evaluating a policy against a system's state: one result per condition, in order.

Tier filters (the policy's ``applies_to`` and each condition's ``when_tier``) make a
condition not applicable only when the system's tiers are known and outside the filter;
an unclassified system is held to every condition (fail closed). A condition whose
evaluator raises fails, with the error as its reason.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from aisec.governance.gates import checks_records as records
from aisec.governance.gates import checks_scan as scan
from aisec.governance.gates.policy import Condition, Policy
from aisec.governance.gates.result import ConditionResult, ConditionStatus, GateResult, Verdict
from aisec.governance.gates.state import SystemState

Evaluator = Callable[[Mapping[str, Any], SystemState], Verdict]

EVALUATORS: dict[str, Evaluator] = {
    "no_open_findings": scan.no_open_findings,
    "findings_absent": scan.findings_absent,
    "signatures_verified": scan.signatures_verified,
    "measurement": scan.measurement,
    "assessment_done": records.assessment_done,
    "evidence_valid": records.evidence_valid,
    "approval_present": records.approval_present,
    "no_overdue_incidents": records.no_overdue_incidents,
    "risks_treated": records.risks_treated,
}


def _tiers(tiers: tuple[str, ...] | None) -> str:
    if tiers is None:
        return "not classified"
    return ", ".join(tiers) if tiers else "in no tier"


def _outside(wanted: tuple[str, ...], state: SystemState) -> str | None:
    """Why a tier filter excludes the system, or None when it applies."""
    if not wanted or state.tiers is None or set(wanted) & set(state.tiers):
        return None
    return f"applies to {', '.join(wanted)}; {state.system} is {_tiers(state.tiers)}"


def _result(
    condition: Condition, status: ConditionStatus, reason: str, evidence: tuple[str, ...] = ()
) -> ConditionResult:
    return ConditionResult(
        condition.id,
        condition.type,
        condition.description,
        condition.severity,
        status,
        reason,
        condition.refs,
        evidence,
    )


def evaluate_condition(condition: Condition, state: SystemState) -> ConditionResult:
    outside = _outside(condition.when_tier, state)
    if outside is not None:
        return _result(condition, ConditionStatus.NOT_APPLICABLE, f"not applicable: {outside}")
    try:
        verdict = EVALUATORS[condition.type](condition.params, state)
    except Exception as exc:  # a gate never passes on an error
        reason = f"could not be evaluated: {type(exc).__name__}: {exc}"
        return _result(condition, ConditionStatus.FAILED, reason)
    status = ConditionStatus.PASSED if verdict.passed else ConditionStatus.FAILED
    return _result(condition, status, verdict.reason, verdict.evidence)


def evaluate(policy: Policy, state: SystemState) -> GateResult:
    """The gate's verdict on ``state``: passed unless a blocking condition failed."""
    outside = _outside(policy.applies_to, state)
    if outside is not None:
        note = f"the policy {outside}"
        results = tuple(
            _result(c, ConditionStatus.NOT_APPLICABLE, f"not applicable: {note}")
            for c in policy.conditions
        )
    else:
        note = ""
        if state.tiers is None and (
            policy.applies_to or any(c.when_tier for c in policy.conditions)
        ):
            note = f"{state.system} is not classified: every condition applies (fail closed)"
        results = tuple(evaluate_condition(c, state) for c in policy.conditions)
    return GateResult(
        policy.name, state.system, state.today, state.tiers, results, note, policy.source
    )
