"""The risk register over SQLAlchemy: one row per risk id and system.

A risk is stored whole (``Risk.to_dict()`` as ``data``) and the fields the register is
queried or sorted by also as columns. Rows are updated in place; the history of a risk is
the audit log, where every upsert that changes something appends ``risk.recorded`` (new)
or ``risk.updated`` (with the changed fields) carrying the full risk as stored.
"""

from __future__ import annotations

import builtins
from typing import Any

from sqlalchemy import select

from aisec.core.errors import ConfigError, InvalidRecord
from aisec.governance.risks.model import Risk
from aisec.store import governance_rows as g
from aisec.store.models import AISystem, RiskRecord
from aisec.store.models.base import utcnow
from aisec.store.records import SystemAsset
from aisec.store.session import clean, clean_data
from aisec.store.sql_audit import AuditedRepository

_RECORD = "a risk"
# Bookkeeping of to_dict that is derived, not decided: a change of it is no change.
_DERIVED = ("score", "level", "residual_score", "residual_level")


class SqlRiskRepository(AuditedRepository):
    def upsert(self, risk: Risk, *, actor: str | None = None) -> Risk:
        if not isinstance(risk, Risk):
            raise InvalidRecord(f"a risk register stores Risk records, not {risk!r}")
        data = _data(risk)
        who = g.text(_RECORD, "actor", actor if actor is not None else risk.owner or "aisec", 200)
        with self._sessions.write() as session:
            # The system first, then the risk, then the audit log (docs/adr/0018 lock order).
            owner = g.system_row(session, risk.system, lock=True)
            key = clean(data["id"])  # a column, unlike data: no NUL on PostgreSQL
            query = select(RiskRecord).where(RiskRecord.id == key, RiskRecord.system_id == owner.id)
            row = session.scalars(query.with_for_update()).one_or_none()
            before = dict(row.data) if row is not None else None
            if before == data:
                return _risk(data)  # nothing changed: no write, no entry
            now = utcnow()
            if row is None:
                row = RiskRecord(id=key, system_id=owner.id, created_at=now)
                session.add(row)
            _columns(row, data)
            row.updated_at = now
            session.flush()
            old = before or {}
            changed = sorted(k for k in data if k not in _DERIVED and old.get(k) != data[k])
            payload = {"risk_id": data["id"], "system_id": owner.id, "system": owner.name,
                       "changed": [] if before is None else changed, "risk": data}  # fmt: skip
            action = "risk.recorded" if before is None else "risk.updated"
            self._audit.append(who, action, "risk", key, payload)
            return _risk(data)

    def get(self, risk_id: str, system: str | SystemAsset | None = None) -> Risk | None:
        """The risk with this id (of ``system``); ids hash the system's name, so one id is
        one system's unless a risk was built by hand, then name the system."""
        query = select(RiskRecord.data).where(RiskRecord.id == clean(risk_id))
        with self._sessions.read() as session:
            if system is not None:
                query = query.where(RiskRecord.system_id == g.system_row(session, system).id)
            found = builtins.list(session.scalars(query.limit(2)))
        if len(found) > 1:
            raise InvalidRecord(f"risk {risk_id!r} is in several systems: name the system")
        return _risk(found[0]) if found else None

    def list(
        self, system: str | SystemAsset | None = None, status: str | None = None
    ) -> builtins.list[Risk]:
        """The register, worst first (inherent score), then by id."""
        query = select(RiskRecord.data).join(AISystem, AISystem.id == RiskRecord.system_id)
        if status is not None:
            query = query.where(RiskRecord.status == clean(status))
        with self._sessions.read() as session:
            if system is not None:
                query = query.where(RiskRecord.system_id == g.system_row(session, system).id)
            found = [_risk(data) for data in session.scalars(query)]
        return sorted(found, key=lambda r: (-r.score, r.system, r.id))


def _data(risk: Risk) -> dict[str, Any]:
    data: dict[str, Any] = clean_data(risk.to_dict())
    if len(clean(data["id"])) > 64:
        raise InvalidRecord(f"a risk's id is longer than 64 characters: {data['id'][:70]!r}")
    if len(clean(data["owner"])) > 200:
        raise InvalidRecord("a risk's owner is longer than 200 characters")
    if data["threat"] is not None and len(clean(data["threat"])) > 40:
        raise InvalidRecord("a risk's threat is longer than 40 characters")
    _risk(data)  # escaped text must still make a valid risk, or it could not be read back
    return data


def _columns(row: RiskRecord, data: dict[str, Any]) -> None:
    risk = _risk(data)
    # Columns are text like any other (no NUL on PostgreSQL); ``data`` is JSON, which
    # escapes NUL itself, like an assessment's answers.
    row.title, row.owner = clean(risk.title), clean(risk.owner)
    row.threat = clean(risk.threat) if risk.threat is not None else None
    row.likelihood, row.impact = risk.likelihood, risk.impact
    row.residual_likelihood, row.residual_impact = risk.residual_likelihood, risk.residual_impact
    row.level, row.status, row.treatment = risk.level, risk.status, risk.treatment
    row.due, row.data = risk.due, data


def _risk(data: Any) -> Risk:
    try:
        return Risk.from_dict(data)
    except ConfigError as exc:
        raise InvalidRecord(f"a stored risk cannot be read: {exc}") from None
