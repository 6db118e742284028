"""Serious incidents over SQLAlchemy, with their EU AI Act Art. 73 reporting deadline.

The deadline is computed when the incident is recorded (and again when its classification
changes: categories, death, widespread, awareness) with
:func:`aisec.governance.deadlines.incident_deadline`, and stored: it is what the provider
worked to, even if the rules are later read differently. The status moves forward only
(``INCIDENT_TRANSITIONS``); the reports' times are set when their status is reached.
"""

from __future__ import annotations

import builtins
from collections.abc import Collection, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from aisec.core.errors import InvalidRecord, RecordNotFound
from aisec.governance.deadlines import incident_deadline
from aisec.store import governance_rows as g
from aisec.store.governance_records import StoredIncident
from aisec.store.models import AISystem, Incident
from aisec.store.models.base import new_id, utcnow
from aisec.store.records import SystemAsset
from aisec.store.session import clean
from aisec.store.sql_audit import AuditedRepository
from aisec.store.vocabulary import INCIDENT_STATUSES, INCIDENT_TRANSITIONS

_RECORD = "an incident"
_CLASSIFICATION = ("categories", "death", "widespread", "aware_at")
_UPDATABLE = (*_CLASSIFICATION, "title", "description", "status", "initial_report_at",
              "complete_report_at", "corrective_actions")  # fmt: skip
_REPORTED = {
    "initial-report-sent": "initial_report_at",
    "complete-report-sent": "complete_report_at",
}


class SqlIncidentRepository(AuditedRepository):
    def record(
        self, system: str | SystemAsset, title: str, *, categories: Collection[str],
        aware_at: datetime, recorded_by: str, description: str = "", death: bool = False,
        widespread: bool = False, corrective_actions: Sequence[str] = (),
    ) -> StoredIncident:  # fmt: skip
        row = Incident(id=new_id(), status="open", recorded_by=_text("recorded_by", recorded_by))
        _apply(row, {"title": title, "description": description, "categories": categories,
                     "death": death, "widespread": widespread, "aware_at": aware_at,
                     "corrective_actions": corrective_actions})  # fmt: skip
        with self._sessions.write() as session:
            owner = g.system_row(session, system, lock=True)
            row.system_id = owner.id
            where = Incident.system_id == owner.id
            row.recorded_at = g.after_last(session, Incident.recorded_at, where, utcnow())
            session.add(row)
            session.flush()
            stored = _stored(row, owner.name)
            self._audit.append(stored.recorded_by, "incident.recorded", "incident", stored.id,
                               _payload(stored, sorted(_UPDATABLE)))  # fmt: skip
            return stored

    def update(self, incident_id: str, *, actor: str, **changes: Any) -> StoredIncident:
        """Change an incident: InvalidRecord for a field that cannot change, a status it
        cannot move to from its own, or a value the record refuses; RecordNotFound if
        there is no such incident. Changing nothing writes nothing."""
        who = _text("actor", actor)
        unknown = sorted(set(changes) - set(_UPDATABLE))
        if unknown:
            raise InvalidRecord(f"cannot change {unknown} of an incident",
                                hint="changeable: " + ", ".join(_UPDATABLE))  # fmt: skip
        with self._sessions.write() as session:
            query = select(Incident).where(Incident.id == clean(incident_id))
            row = session.scalars(query.with_for_update()).one_or_none()
            if row is None:
                raise RecordNotFound(f"no incident with the id {incident_id!r}")
            before = _stored(row, "")
            _apply(row, changes)
            name = session.scalar(select(AISystem.name).where(AISystem.id == row.system_id))
            stored = _stored(row, name or "")
            changed = [k for k in sorted(_UPDATABLE) if getattr(stored, k) != getattr(before, k)]
            if changed:
                session.flush()
                self._audit.append(who, "incident.updated", "incident", stored.id,
                                   _payload(stored, changed))  # fmt: skip
            return stored

    def list(
        self, system: str | SystemAsset | None = None, *, open_only: bool = False
    ) -> builtins.list[StoredIncident]:
        """Incidents (of ``system``; not closed with ``open_only``), soonest deadline first."""
        query = (
            select(Incident, AISystem.name)
            .join(AISystem, AISystem.id == Incident.system_id)
            .order_by(Incident.deadline, Incident.recorded_at, Incident.id)
        )
        if open_only:
            query = query.where(Incident.status != "closed")
        with self._sessions.read() as session:
            if system is not None:
                query = query.where(Incident.system_id == g.system_row(session, system).id)
            return [_stored(row, name) for row, name in session.execute(query)]

    def get(self, incident_id: str) -> StoredIncident | None:
        query = (
            select(Incident, AISystem.name)
            .join(AISystem, AISystem.id == Incident.system_id)
            .where(Incident.id == clean(incident_id))
        )
        with self._sessions.read() as session:
            found = session.execute(query).one_or_none()
            return _stored(*found) if found is not None else None


def _text(what: str, value: object, *, required: bool = True) -> str:
    limits = {"recorded_by": 200, "actor": 200}
    return g.text(_RECORD, what, value, limits.get(what), required=required)


def _apply(row: Incident, changes: dict[str, Any]) -> None:
    """Check and set ``changes`` on ``row``, the deadline recomputed if the classification
    changed, the report times set when their status is reached."""
    _describe(row, changes)
    for what in ("death", "widespread"):
        if what in changes:
            setattr(row, what, g.flag(_RECORD, what, changes[what]))
    if "categories" in changes:
        row.categories = sorted(set(g.texts(_RECORD, "categories", changes["categories"])))
    # The deadline ends at midnight where the incident was noticed, and only the time given
    # has that zone (the stored one is UTC): a reclassification must give it again.
    if any(k in changes for k in _CLASSIFICATION) and "aware_at" not in changes:
        raise InvalidRecord("a changed classification needs aware_at again, with its zone",
                            hint="the deadline is recomputed from it")  # fmt: skip
    noticed = None
    if "aware_at" in changes:
        noticed = g.aware(_RECORD, "aware_at", changes["aware_at"])
        row.aware_at = _utc(noticed)
    for what in ("initial_report_at", "complete_report_at"):
        if what in changes:
            setattr(row, what, _utc(g.aware(_RECORD, what, changes[what], required=False)))
    if "status" in changes and changes["status"] != row.status:
        _move(row, changes)
    if noticed is not None:
        try:
            deadline = incident_deadline(row.categories, noticed, widespread=row.widespread,
                                         death=row.death)  # fmt: skip
        except ValueError as exc:  # not a serious incident, or an unknown category
            hint = "record only serious incidents (Art. 3(49))"
            raise InvalidRecord(str(exc), hint=hint) from None
        row.deadline, row.legal_basis = _utc(deadline.due), deadline.legal_basis


def _describe(row: Incident, changes: dict[str, Any]) -> None:
    for what in ("title", "description"):
        if what in changes:
            setattr(row, what, _text(what, changes[what], required=what == "title"))
    if "corrective_actions" in changes:
        actions = changes["corrective_actions"]
        row.corrective_actions = g.texts(_RECORD, "corrective actions", actions)


def _utc(value: datetime | None) -> Any:
    # As the databases return it, so that what record() returns equals what get() reads;
    # the deadline is computed first, in the zone the incident was noticed in.
    return value.astimezone(UTC) if value is not None else None


def _move(row: Incident, changes: dict[str, Any]) -> None:
    status = g.one_of(_RECORD, "status", changes["status"], INCIDENT_STATUSES)
    if status not in INCIDENT_TRANSITIONS[row.status]:
        allowed = ", ".join(INCIDENT_TRANSITIONS[row.status]) or "nothing"
        raise InvalidRecord(f"an incident {row.status} cannot become {status}",
                            hint=f"from {row.status}: {allowed}")  # fmt: skip
    reported = _REPORTED.get(status)
    if reported is not None and getattr(row, reported) is None:
        setattr(row, reported, utcnow())  # sent now, unless the time was given
    row.status = status


def _payload(stored: StoredIncident, changed: builtins.list[str]) -> dict[str, Any]:
    from aisec.governance.audit.records import digest

    def plain(value: Any) -> Any:
        return value.isoformat() if isinstance(value, datetime) else value

    # The description may hold personal data: the log proves it by hash, the row holds it.
    fields = {k: plain(getattr(stored, k)) for k in changed if k != "description"}
    if "description" in changed:
        fields["description_sha256"] = digest({"description": stored.description})
    return {"incident_id": stored.id, "system_id": stored.system_id, "system": stored.system_name,
            "changed": changed, "fields": fields, "status": stored.status,
            "deadline": stored.deadline.isoformat(), "legal_basis": stored.legal_basis}  # fmt: skip


def _stored(row: Incident, system_name: str) -> StoredIncident:
    return StoredIncident(
        id=row.id, system_id=row.system_id, system_name=system_name, title=row.title,
        description=row.description, categories=tuple(row.categories), death=row.death,
        widespread=row.widespread, aware_at=row.aware_at, deadline=row.deadline,
        legal_basis=row.legal_basis, status=row.status, initial_report_at=row.initial_report_at,
        complete_report_at=row.complete_report_at,
        corrective_actions=tuple(row.corrective_actions), recorded_by=row.recorded_by,
        recorded_at=row.recorded_at,
    )  # fmt: skip
