"""Policy gates as code: a YAML policy of typed conditions (no open critical findings,
signatures verified, measurements within thresholds, assessments done, evidence valid,
approval present, no overdue incidents, risks treated), evaluated over a snapshot of one
AI system's state, with console, JUnit and SARIF outputs. Pure Python; the store-backed
snapshot and the CLI live elsewhere. See docs/adr/0020-policy-gates.md."""

from aisec.governance.gates.engine import EVALUATORS, evaluate, evaluate_condition
from aisec.governance.gates.policy import (
    SCHEMA,
    TIERS,
    Condition,
    Policy,
    PolicyError,
    load_policy,
    policy_from_mapping,
)
from aisec.governance.gates.render import junit_tree, render_console, render_junit
from aisec.governance.gates.result import ConditionResult, ConditionStatus, GateResult, Verdict
from aisec.governance.gates.sarif import render_sarif, sarif_log
from aisec.governance.gates.state import (
    SIGNATURE_STATUSES,
    ApprovalRecord,
    AssessmentRecord,
    EvidenceRecord,
    FindingRecord,
    IncidentRecord,
    MeasurementRecord,
    RiskRecord,
    ScanRecord,
    SignatureRecord,
    SystemState,
)

__all__ = [
    "EVALUATORS",
    "SCHEMA",
    "SIGNATURE_STATUSES",
    "TIERS",
    "ApprovalRecord",
    "AssessmentRecord",
    "Condition",
    "ConditionResult",
    "ConditionStatus",
    "EvidenceRecord",
    "FindingRecord",
    "GateResult",
    "IncidentRecord",
    "MeasurementRecord",
    "Policy",
    "PolicyError",
    "RiskRecord",
    "ScanRecord",
    "SignatureRecord",
    "SystemState",
    "Verdict",
    "evaluate",
    "evaluate_condition",
    "junit_tree",
    "load_policy",
    "policy_from_mapping",
    "render_console",
    "render_junit",
    "render_sarif",
    "sarif_log",
]
