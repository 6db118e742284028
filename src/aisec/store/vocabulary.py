"""The store's closed vocabularies, in a module of their own so that the command line can
offer them as choices without loading the record types (every command starts faster)."""

from __future__ import annotations

from enum import StrEnum

# Stages of the AI system life cycle, after ISO/IEC 22989 (inception to retirement).
LIFECYCLE_STAGES = ("inception", "development", "validation", "deployment", "operation", "retired")
# Operator roles of the EU AI Act, Art. 3(3)-(8).
EU_AI_ACT_ROLES = (
    "provider",
    "deployer",
    "importer",
    "distributor",
    "product-manufacturer",
    "authorised-representative",
)
SENSITIVITIES = ("public", "internal", "confidential", "restricted")
AUTHENTICATIONS = ("none", "api-key", "bearer-token", "oauth2", "mtls", "basic", "other")
# A governance assessment is a draft until its assessor stands by it (revision 0005).
ASSESSMENT_STATUSES = ("draft", "final")


class TriageState(StrEnum):
    OPEN = "open"
    ACCEPTED_RISK = "accepted-risk"
    FALSE_POSITIVE = "false-positive"
    FIXED = "fixed"


# Governance records of revision 0007.
APPROVAL_DECISIONS = ("approved", "rejected")
EVIDENCE_KINDS = ("document", "run", "finding", "assessment")
INCIDENT_STATUSES = ("open", "initial-report-sent", "complete-report-sent", "closed")
# Art. 73(5) allows an initial, incomplete report before the complete one, or the complete
# one straight away; an incident is closed once the complete report is sent, never reopened.
INCIDENT_TRANSITIONS = {
    "open": ("initial-report-sent", "complete-report-sent"),
    "initial-report-sent": ("complete-report-sent",),
    "complete-report-sent": ("closed",),
    "closed": (),
}
# "explanation" is the EU AI Act Art. 86 right to explanation; the others are GDPR rights.
REQUEST_KINDS = ("access", "erasure", "objection", "explanation", "other")
REQUEST_STATUSES = ("open", "answered", "refused")
REQUEST_TRANSITIONS = {"open": ("answered", "refused"), "answered": (), "refused": ()}
