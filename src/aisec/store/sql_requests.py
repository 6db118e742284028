"""Data-subject and redress requests over SQLAlchemy, with their answer deadline.

``due`` is computed with :func:`aisec.governance.deadlines.request_deadline` when the
request is recorded (GDPR Art. 12(3); Art. 86 explanations get the same periods) and again
when it is extended, and stored. Who asked is deliberately not stored: the register
tracks deadlines and the case file, elsewhere, holds the person's data.
"""

from __future__ import annotations

import builtins
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from aisec.core.errors import InvalidRecord, RecordNotFound
from aisec.governance.deadlines import RequestBasis, request_deadline
from aisec.store import governance_rows as g
from aisec.store.governance_records import StoredRightsRequest
from aisec.store.models import AISystem, RightsRequest
from aisec.store.models.base import new_id, utcnow
from aisec.store.records import SystemAsset
from aisec.store.session import clean
from aisec.store.sql_audit import AuditedRepository
from aisec.store.vocabulary import REQUEST_KINDS, REQUEST_STATUSES, REQUEST_TRANSITIONS

_RECORD = "a request"
_UPDATABLE = ("status", "answered_at", "extended", "received_at")


class SqlRequestRepository(AuditedRepository):
    def record(
        self, system: str | SystemAsset, kind: str, *, received_at: datetime,
        recorded_by: str, extended: bool = False,
    ) -> StoredRightsRequest:  # fmt: skip
        row = RightsRequest(
            id=new_id(),
            kind=g.one_of(_RECORD, "kind", kind, REQUEST_KINDS),
            status="open",
            recorded_by=g.text(_RECORD, "recorded_by", recorded_by, 200),
        )
        _deadline(row, g.aware(_RECORD, "received_at", received_at), extended)
        with self._sessions.write() as session:
            owner = g.system_row(session, system, lock=True)
            row.system_id = owner.id
            where = RightsRequest.system_id == owner.id
            row.recorded_at = g.after_last(session, RightsRequest.recorded_at, where, utcnow())
            session.add(row)
            session.flush()
            stored = _stored(row, owner.name)
            self._audit.append(stored.recorded_by, "request.recorded", "request", stored.id,
                               _payload(stored, ["kind", "received_at", "extended"]))  # fmt: skip
            return stored

    def update(self, request_id: str, *, actor: str, **changes: Any) -> StoredRightsRequest:
        """Answer, refuse or extend an open request (``status``, ``answered_at``;
        ``extended`` with ``received_at`` again, aware); InvalidRecord for anything
        else, RecordNotFound if there is no such request. Changing nothing writes nothing."""
        who = g.text(_RECORD, "actor", actor, 200)
        unknown = sorted(set(changes) - set(_UPDATABLE))
        if unknown:
            raise InvalidRecord(f"cannot change {unknown} of a request",
                                hint="changeable: " + ", ".join(_UPDATABLE))  # fmt: skip
        with self._sessions.write() as session:
            query = select(RightsRequest).where(RightsRequest.id == clean(request_id))
            row = session.scalars(query.with_for_update()).one_or_none()
            if row is None:
                raise RecordNotFound(f"no request with the id {request_id!r}")
            before = _stored(row, "")
            _apply(row, changes)
            name = session.scalar(select(AISystem.name).where(AISystem.id == row.system_id))
            stored = _stored(row, name or "")
            changed = [k for k in (*_UPDATABLE, "due")
                       if getattr(stored, k) != getattr(before, k)]  # fmt: skip
            if changed:
                session.flush()
                self._audit.append(who, "request.updated", "request", stored.id,
                                   _payload(stored, changed))  # fmt: skip
            return stored

    def list(
        self, system: str | SystemAsset | None = None, *, open_only: bool = False
    ) -> builtins.list[StoredRightsRequest]:
        """Requests (of ``system``; only open ones with ``open_only``), soonest due first."""
        query = (
            select(RightsRequest, AISystem.name)
            .join(AISystem, AISystem.id == RightsRequest.system_id)
            .order_by(RightsRequest.due, RightsRequest.recorded_at, RightsRequest.id)
        )
        if open_only:
            query = query.where(RightsRequest.status == "open")
        with self._sessions.read() as session:
            if system is not None:
                query = query.where(RightsRequest.system_id == g.system_row(session, system).id)
            return [_stored(row, name) for row, name in session.execute(query)]

    def get(self, request_id: str) -> StoredRightsRequest | None:
        query = (
            select(RightsRequest, AISystem.name)
            .join(AISystem, AISystem.id == RightsRequest.system_id)
            .where(RightsRequest.id == clean(request_id))
        )
        with self._sessions.read() as session:
            found = session.execute(query).one_or_none()
            return _stored(*found) if found is not None else None


def _deadline(row: RightsRequest, received_at: Any, extended: object) -> None:
    # Computed in the zone the request was received in: the month ends at midnight there.
    row.extended = g.flag(_RECORD, "extended", extended)
    basis: RequestBasis = "ai-act-art-86" if row.kind == "explanation" else "gdpr"
    deadline = request_deadline(received_at, extended=row.extended, basis=basis)
    row.received_at = received_at.astimezone(UTC)
    row.due, row.legal_basis = deadline.due.astimezone(UTC), deadline.legal_basis


def _apply(row: RightsRequest, changes: dict[str, Any]) -> None:
    if row.status != "open":
        raise InvalidRecord(f"a request {row.status} cannot change any more")
    if "extended" in changes or "received_at" in changes:
        # Like an incident's reclassification: the stored time is UTC, and the month ends
        # at midnight where the request was received, so that time is given again.
        if "received_at" not in changes:
            raise InvalidRecord("extending a request needs received_at again, with its zone",
                                hint="the due date is recomputed from it")  # fmt: skip
        received = g.aware(_RECORD, "received_at", changes["received_at"])
        _deadline(row, received, changes.get("extended", row.extended))
    if "answered_at" in changes:
        answered = g.aware(_RECORD, "answered_at", changes["answered_at"], required=False)
        row.answered_at = _utc(answered)
    if "status" in changes and changes["status"] != row.status:
        status = g.one_of(_RECORD, "status", changes["status"], REQUEST_STATUSES)
        if status not in REQUEST_TRANSITIONS[row.status]:
            raise InvalidRecord(f"a request {row.status} cannot become {status}")
        row.status = status
        if row.answered_at is None:
            row.answered_at = utcnow()


def _utc(value: datetime | None) -> datetime | None:
    return value.astimezone(UTC) if value is not None else None


def _payload(stored: StoredRightsRequest, changed: builtins.list[str]) -> dict[str, Any]:
    def plain(value: Any) -> Any:
        return value.isoformat() if isinstance(value, datetime) else value

    return {"request_id": stored.id, "system_id": stored.system_id, "system": stored.system_name,
            "kind": stored.kind, "changed": changed, "status": stored.status,
            "fields": {k: plain(getattr(stored, k)) for k in changed},
            "due": stored.due.isoformat(), "legal_basis": stored.legal_basis}  # fmt: skip


def _stored(row: RightsRequest, system_name: str) -> StoredRightsRequest:
    return StoredRightsRequest(
        id=row.id, system_id=row.system_id, system_name=system_name, kind=row.kind,
        received_at=row.received_at, extended=row.extended, due=row.due,
        legal_basis=row.legal_basis, status=row.status, answered_at=row.answered_at,
        recorded_by=row.recorded_by, recorded_at=row.recorded_at,
    )  # fmt: skip
