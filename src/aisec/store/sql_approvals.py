"""Human-oversight approvals over SQLAlchemy: decisions about a scope of a system.

Decisions are never updated: a new one is a new row, and :meth:`SqlApprovalRepository.current`
reads the latest one (by ``decided_at``) that has not expired on the day asked about. A
rejection counts as a decision too, so a later rejection withdraws an approval; an expired
decision stops counting, and the one before it (if still valid) counts again.
"""

from __future__ import annotations

import builtins
from datetime import UTC, date, datetime

from sqlalchemy import Select, or_, select

from aisec.core.errors import InvalidRecord
from aisec.store import governance_rows as g
from aisec.store.governance_records import StoredApproval
from aisec.store.models import Approval
from aisec.store.models.base import new_id, utcnow
from aisec.store.records import SystemAsset
from aisec.store.session import clean
from aisec.store.sql_audit import AuditedRepository
from aisec.store.vocabulary import APPROVAL_DECISIONS

_RECORD = "an approval"


class SqlApprovalRepository(AuditedRepository):
    def record(
        self,
        system: str | SystemAsset,
        scope: str,
        decision: str,
        *,
        approver: str,
        justification: str = "",
        decided_at: datetime | None = None,
        expires_on: date | None = None,
    ) -> StoredApproval:
        row = Approval(
            id=new_id(),
            scope=g.text(_RECORD, "scope", scope, 200),
            decision=g.one_of(_RECORD, "decision", decision, APPROVAL_DECISIONS),
            approver=g.text(_RECORD, "approver", approver, 200),
            justification=g.text(_RECORD, "justification", justification, required=False),
            # In UTC, as both databases read it back: what record() returns equals list().
            decided_at=_utc(g.aware(_RECORD, "decided_at", decided_at or utcnow())),
            expires_on=g.day(_RECORD, "expires_on", expires_on, required=False),
        )
        if row.decision == "rejected" and not row.justification:
            # A person overriding the system must say why (EU AI Act Art. 14(4)).
            raise InvalidRecord("a rejection needs a justification")
        if row.expires_on is not None and row.expires_on < row.decided_at.date():
            raise InvalidRecord("an approval cannot expire before it was decided")
        with self._sessions.write() as session:
            owner = g.system_row(session, system, lock=True)
            row.system_id = owner.id
            where = Approval.system_id == owner.id
            row.recorded_at = g.after_last(session, Approval.recorded_at, where, utcnow())
            session.add(row)
            session.flush()
            stored = _stored(row, owner.name)
            self._audit.append(stored.approver, "approval.recorded", "approval", stored.id, {
                "approval_id": stored.id, "system_id": owner.id, "system": owner.name,
                "scope": stored.scope, "decision": stored.decision,
                "justification": stored.justification,
                "decided_at": stored.decided_at.isoformat(),
                "expires_on": stored.expires_on.isoformat() if stored.expires_on else None,
            })  # fmt: skip
            return stored

    def list(
        self, system: str | SystemAsset, scope: str | None = None
    ) -> builtins.list[StoredApproval]:
        """Every decision about ``system`` (in ``scope``), oldest first."""
        with self._sessions.read() as session:
            owner = g.system_row(session, system)
            query = _ordered(select(Approval).where(Approval.system_id == owner.id))
            if scope is not None:
                query = query.where(Approval.scope == clean(scope))
            return [_stored(row, owner.name) for row in session.scalars(query)]

    def current(self, system: str | SystemAsset, scope: str, today: date) -> StoredApproval | None:
        """The latest decision about ``scope`` that has not expired on ``today`` (its
        expiry day included) and was made by then; None if there is none."""
        g.day(_RECORD, "today", today)
        with self._sessions.read() as session:
            owner = g.system_row(session, system)
            query = select(Approval).where(
                Approval.system_id == owner.id,
                Approval.scope == clean(scope),
                or_(Approval.expires_on.is_(None), Approval.expires_on >= today),
            )
            # A decision dated after ``today`` (recorded ahead) does not count yet; compared
            # in Python on the UTC day, which SQL cannot extract alike on both databases.
            rows = [r for r in session.scalars(_ordered(query)) if r.decided_at.date() <= today]
            return _stored(rows[-1], owner.name) if rows else None


def _utc(value: datetime | None) -> datetime:
    assert value is not None  # aware() refuses None unless told not to
    return value.astimezone(UTC)


def _ordered(query: Select[Approval]) -> Select[Approval]:
    return query.order_by(Approval.decided_at, Approval.recorded_at, Approval.id)


def _stored(row: Approval, system_name: str) -> StoredApproval:
    return StoredApproval(
        id=row.id, system_id=row.system_id, system_name=system_name, scope=row.scope,
        decision=row.decision, approver=row.approver, justification=row.justification,
        decided_at=row.decided_at, expires_on=row.expires_on, recorded_at=row.recorded_at,
    )  # fmt: skip
