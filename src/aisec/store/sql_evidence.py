"""Evidence over SQLAlchemy: documents and links with a validity period, per system.

Evidence is never updated: a renewed document is a new record, and the old one simply
expires. :meth:`SqlEvidenceRepository.expiring` is the review list: what has lapsed or
will within a number of days.
"""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from datetime import date, timedelta

from sqlalchemy import select

from aisec.core.errors import InvalidRecord
from aisec.store import governance_rows as g
from aisec.store.governance_records import StoredEvidence
from aisec.store.models import AISystem, Evidence
from aisec.store.models.base import new_id, utcnow
from aisec.store.records import SystemAsset
from aisec.store.sql_audit import AuditedRepository
from aisec.store.vocabulary import EVIDENCE_KINDS

_RECORD = "evidence"


class SqlEvidenceRepository(AuditedRepository):
    def record(
        self,
        system: str | SystemAsset,
        title: str,
        kind: str,
        reference: str,
        *,
        recorded_by: str,
        refs: Sequence[str] = (),
        valid_from: date | None = None,
        valid_until: date | None = None,
    ) -> StoredEvidence:
        row = Evidence(
            id=new_id(),
            title=g.text(_RECORD, "title", title),
            kind=g.one_of(_RECORD, "kind", kind, EVIDENCE_KINDS),
            reference=g.text(_RECORD, "reference", reference),
            refs=g.texts(_RECORD, "refs", refs),
            valid_from=g.day(_RECORD, "valid_from", valid_from or utcnow().date()),
            valid_until=g.day(_RECORD, "valid_until", valid_until, required=False),
            recorded_by=g.text(_RECORD, "recorded_by", recorded_by, 200),
        )
        if row.valid_until is not None and row.valid_until < row.valid_from:
            raise InvalidRecord("evidence cannot be valid until before it is valid from")
        with self._sessions.write() as session:
            owner = g.system_row(session, system, lock=True)
            row.system_id = owner.id
            where = Evidence.system_id == owner.id
            row.recorded_at = g.after_last(session, Evidence.recorded_at, where, utcnow())
            session.add(row)
            session.flush()
            stored = _stored(row, owner.name)
            self._audit.append(stored.recorded_by, "evidence.recorded", "evidence", stored.id, {
                "evidence_id": stored.id, "system_id": owner.id, "system": owner.name,
                "title": stored.title, "kind": stored.kind, "reference": stored.reference,
                "refs": list(stored.refs), "valid_from": stored.valid_from.isoformat(),
                "valid_until": stored.valid_until.isoformat() if stored.valid_until else None,
            })  # fmt: skip
            return stored

    def list(self, system: str | SystemAsset) -> builtins.list[StoredEvidence]:
        """Every piece of evidence for ``system``, expired included, oldest first."""
        with self._sessions.read() as session:
            owner = g.system_row(session, system)
            query = (
                select(Evidence)
                .where(Evidence.system_id == owner.id)
                .order_by(Evidence.recorded_at, Evidence.id)
            )
            return [_stored(row, owner.name) for row in session.scalars(query)]

    def expiring(
        self, system: str | SystemAsset | None, today: date, within_days: int,
        *, limit: int | None = None,
    ) -> builtins.list[StoredEvidence]:  # fmt: skip
        """Evidence whose validity ends on or before ``today + within_days``: what has
        lapsed already (it needs renewing most) and what will lapse, soonest first; of
        ``system``, or of every system when it is None. Evidence valid without end never
        expires."""
        g.day(_RECORD, "today", today)
        if isinstance(within_days, bool) or not isinstance(within_days, int) or within_days < 0:
            raise InvalidRecord(f"within_days must be a whole number >= 0, not {within_days!r}")
        try:
            until = today + timedelta(days=within_days)
        except OverflowError:
            until = date.max
        query = (
            select(Evidence, AISystem.name)
            .join(AISystem, AISystem.id == Evidence.system_id)
            .where(Evidence.valid_until <= until)
            .order_by(Evidence.valid_until, Evidence.recorded_at, Evidence.id)
            .limit(limit)
        )
        with self._sessions.read() as session:
            if system is not None:
                query = query.where(Evidence.system_id == g.system_row(session, system).id)
            return [_stored(row, name) for row, name in session.execute(query)]


def _stored(row: Evidence, system_name: str) -> StoredEvidence:
    return StoredEvidence(
        id=row.id, system_id=row.system_id, system_name=system_name, title=row.title,
        kind=row.kind, reference=row.reference, refs=tuple(row.refs),
        valid_from=row.valid_from, valid_until=row.valid_until,
        recorded_by=row.recorded_by, recorded_at=row.recorded_at,
    )  # fmt: skip
