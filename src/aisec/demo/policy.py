"""The release gate the sample organisation holds its high-risk systems to.

The conditions of examples/high-risk-release-policy.yaml that apply to every high-risk
system, kept here as data so that the demo needs no file from a source checkout. The
fairness conditions of that example are left out: they name a sensitive feature (sex)
that credit scoring has and tumour screening does not.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from aisec.governance.gates.policy import Policy

DEMO_POLICY: dict[str, Any] = {
    "schema": "aisec.policy/1",
    "name": "high-risk release gate (demo)",
    "description": "What a high-risk AI system must show before release (EU AI Act, Chapter III).",
    "applies_to": {"tiers": ["high-risk"]},
    "conditions": [
        {"id": "no-critical-findings", "type": "no_open_findings", "at_or_above": "critical",
         "max_scan_age_days": 30, "refs": ["EU-AI-Act:Art.15"]},
        {"id": "no-unsafe-pickle", "type": "findings_absent", "check": "modelfile.pickle.*"},
        {"id": "robustness", "type": "measurement",
         "description": "robust accuracy under the worst attack at epsilon 0.05 of at least 0.6",
         "metric": "robust_accuracy", "where": {"attack": "worst", "epsilon": 0.05},
         "min": 0.6, "judge_on": "ci_low", "max_age_days": 90, "refs": ["EU-AI-Act:Art.15"]},
        {"id": "technical-documentation", "type": "evidence_valid",
         "refs": ["EU-AI-Act:Art.11"], "min_days_left": 14},
        {"id": "release-approval", "type": "approval_present", "scope": "release"},
        {"id": "incidents", "type": "no_overdue_incidents", "refs": ["EU-AI-Act:Art.73"]},
        {"id": "risks", "type": "risks_treated", "at_or_above": "high",
         "refs": ["EU-AI-Act:Art.9"]},
    ],
}  # fmt: skip


def demo_policy() -> Policy:
    from aisec.governance.gates.policy import policy_from_mapping

    return policy_from_mapping(DEMO_POLICY, source="<aisec demo>")
