"""Plain records of the governance registers of revision 0007: human-oversight approvals,
evidence with a validity period, serious incidents and data-subject requests.

Like :mod:`aisec.store.tracking`, importing them costs no SQLAlchemy. Risks need no record
of their own: the register stores and returns :class:`aisec.governance.risks.model.Risk`.
Every timestamp is aware and in UTC as read back; dates are plain dates.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

__all__ = ["StoredApproval", "StoredEvidence", "StoredIncident", "StoredRightsRequest"]


@dataclass(frozen=True, kw_only=True)
class StoredApproval:
    """A human-oversight decision about one ``scope`` of a system ("deployment",
    "model:NAME"): approved or rejected, by whom, why, and until when (inclusive)."""

    id: str
    system_id: str
    system_name: str
    scope: str
    decision: str  # APPROVAL_DECISIONS
    approver: str
    justification: str
    decided_at: datetime
    expires_on: date | None
    recorded_at: datetime

    def expired(self, today: date) -> bool:
        return self.expires_on is not None and self.expires_on < today


@dataclass(frozen=True, kw_only=True)
class StoredEvidence:
    """A document or link that evidences framework ``refs`` for a system, valid from
    ``valid_from`` to ``valid_until`` (inclusive; None: until withdrawn)."""

    id: str
    system_id: str
    system_name: str
    title: str
    kind: str  # EVIDENCE_KINDS
    reference: str  # a path, URL, run id, finding fingerprint or assessment id
    refs: tuple[str, ...]
    valid_from: date
    valid_until: date | None
    recorded_by: str
    recorded_at: datetime

    def expired(self, today: date) -> bool:
        return self.valid_until is not None and self.valid_until < today


@dataclass(frozen=True, kw_only=True)
class StoredIncident:
    """A serious incident (EU AI Act Art. 3(49)) and its Art. 73 reporting: ``deadline``
    and ``legal_basis`` were computed when it was recorded (or its classification last
    changed) by :func:`aisec.governance.deadlines.incident_deadline`."""

    id: str
    system_id: str
    system_name: str
    title: str
    description: str
    categories: tuple[str, ...]  # Art. 3(49) letters a-d
    death: bool
    widespread: bool
    aware_at: datetime
    deadline: datetime
    legal_basis: str
    status: str  # INCIDENT_STATUSES
    initial_report_at: datetime | None
    complete_report_at: datetime | None
    corrective_actions: tuple[str, ...]
    recorded_by: str
    recorded_at: datetime


@dataclass(frozen=True, kw_only=True)
class StoredRightsRequest:
    """A data-subject or redress request about a system (who asked is not stored: the
    register tracks the deadline, the case file holds the person's data). ``due`` was
    computed by :func:`aisec.governance.deadlines.request_deadline`."""

    id: str
    system_id: str
    system_name: str
    kind: str  # REQUEST_KINDS; "explanation" is EU AI Act Art. 86
    received_at: datetime
    extended: bool
    due: datetime
    legal_basis: str
    status: str  # REQUEST_STATUSES
    answered_at: datetime | None
    recorded_by: str
    recorded_at: datetime
