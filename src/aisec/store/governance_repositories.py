"""The interfaces of the governance registers (revision 0007), re-exported by
:mod:`aisec.store.repositories`; plain records only, no SQLAlchemy.

Every change is recorded with an audit entry in its own transaction (docs/adr/0018), so a
register never holds what the log does not show. Systems are named by record, id or name
(RecordNotFound if the inventory lacks them); text is stored escaped like all stored text;
timestamps must be aware and read back in UTC. What a column cannot hold, an unknown
vocabulary word or a forbidden change is InvalidRecord, and nothing is written.
"""

from __future__ import annotations

import builtins
from collections.abc import Collection, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from aisec.governance.risks.model import Risk
    from aisec.store.governance_records import (
        StoredApproval,
        StoredEvidence,
        StoredIncident,
        StoredRightsRequest,
    )
    from aisec.store.records import SystemAsset

__all__ = [
    "ApprovalRepository",
    "EvidenceRepository",
    "IncidentRepository",
    "RequestRepository",
    "RiskRepository",
]


class RiskRepository(Protocol):
    """The risk register: one row per risk id and system, the latest version of each; its
    versions are the audit entries ``risk.recorded`` and ``risk.updated``."""

    def upsert(self, risk: Risk, *, actor: str | None = None) -> Risk:
        """Store ``risk`` for the system ``risk.system`` names, replacing the stored
        version; storing it unchanged writes nothing. ``actor`` defaults to the owner."""
        ...

    def get(self, risk_id: str, system: str | SystemAsset | None = None) -> Risk | None: ...

    def list(
        self, system: str | SystemAsset | None = None, status: str | None = None
    ) -> builtins.list[Risk]:
        """Highest inherent score first."""
        ...


class ApprovalRepository(Protocol):
    """Human-oversight decisions (EU AI Act Art. 14), only ever added."""

    def record(
        self, system: str | SystemAsset, scope: str, decision: str, *, approver: str,
        justification: str = "", decided_at: datetime | None = None,
        expires_on: date | None = None,
    ) -> StoredApproval:  # fmt: skip
        """``decision`` is "approved" or "rejected" (which needs a justification);
        ``expires_on`` is the last day it counts; ``decided_at`` defaults to now."""
        ...

    def list(
        self, system: str | SystemAsset, scope: str | None = None
    ) -> builtins.list[StoredApproval]: ...

    def current(self, system: str | SystemAsset, scope: str, today: date) -> StoredApproval | None:
        """The latest decision about ``scope`` that has not expired on ``today``."""
        ...


class EvidenceRepository(Protocol):
    def record(
        self, system: str | SystemAsset, title: str, kind: str, reference: str, *,
        recorded_by: str, refs: Sequence[str] = (), valid_from: date | None = None,
        valid_until: date | None = None,
    ) -> StoredEvidence:  # fmt: skip
        """``kind`` is document, run, finding or assessment; ``valid_from`` defaults to
        today (UTC), ``valid_until`` (inclusive) to never."""
        ...

    def list(self, system: str | SystemAsset) -> builtins.list[StoredEvidence]: ...

    def expiring(
        self, system: str | SystemAsset | None, today: date, within_days: int,
        *, limit: int | None = None,
    ) -> builtins.list[StoredEvidence]:  # fmt: skip
        """Evidence lapsed already or lapsing by ``today + within_days``, soonest first, of
        ``system`` (None: of every system, in one query); at most ``limit`` of them."""
        ...


class IncidentRepository(Protocol):
    def record(
        self, system: str | SystemAsset, title: str, *, categories: Collection[str],
        aware_at: datetime, recorded_by: str, description: str = "", death: bool = False,
        widespread: bool = False, corrective_actions: Sequence[str] = (),
    ) -> StoredIncident:  # fmt: skip
        """A serious incident and its Art. 73 deadline; InvalidRecord for one that is not
        serious (no Art. 3(49) category and no death)."""
        ...

    def update(self, incident_id: str, *, actor: str, **changes: Any) -> StoredIncident:
        """Status forward only (open, initial-report-sent, complete-report-sent, closed);
        a classification change needs ``aware_at`` again and recomputes the deadline."""
        ...

    def get(self, incident_id: str) -> StoredIncident | None: ...

    def list(
        self, system: str | SystemAsset | None = None, *, open_only: bool = False
    ) -> builtins.list[StoredIncident]: ...


class RequestRepository(Protocol):
    def record(
        self, system: str | SystemAsset, kind: str, *, received_at: datetime,
        recorded_by: str, extended: bool = False,
    ) -> StoredRightsRequest:  # fmt: skip
        """``kind``: access, erasure, objection, explanation (Art. 86) or other."""
        ...

    def update(self, request_id: str, *, actor: str, **changes: Any) -> StoredRightsRequest:
        """Answer or refuse an open request, or extend it (with ``received_at`` again)."""
        ...

    def get(self, request_id: str) -> StoredRightsRequest | None: ...

    def list(
        self, system: str | SystemAsset | None = None, *, open_only: bool = False
    ) -> builtins.list[StoredRightsRequest]: ...
