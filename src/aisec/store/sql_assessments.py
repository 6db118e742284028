"""The assessment repository over SQLAlchemy: governance judgements about AI systems.

Assessments are never updated in place. A new judgement about a system (answers changed, the
law's phases moved on, a draft made final) is recorded as a new row, and the rows of a
system are its history: :meth:`SqlAssessmentRepository.latest` reads the newest,
:meth:`SqlAssessmentRepository.list` all of them, oldest first.
"""

from __future__ import annotations

import builtins
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from aisec.core.errors import InvalidRecord, RecordNotFound
from aisec.store.models import AISystem, Assessment
from aisec.store.models.base import new_id, utcnow
from aisec.store.records import SystemAsset
from aisec.store.session import clean, clean_data
from aisec.store.sql_audit import AuditedRepository
from aisec.store.tracking import StoredAssessment
from aisec.store.vocabulary import ASSESSMENT_STATUSES

# Limits the columns have: PostgreSQL refuses more and SQLite would keep it, so the store
# refuses it first, the same on both (as it does for measurements).
_LIMITS = {"kind": 40, "framework": 40, "assessor": 200, "tool_version": 100}
# One microsecond: the smallest step both databases keep in a timestamp.
_TICK = timedelta(microseconds=1)


class SqlAssessmentRepository(AuditedRepository):
    def record(
        self,
        system: str | SystemAsset,
        kind: str,
        *,
        framework: str,
        answers: Mapping[str, Any],
        result: Mapping[str, Any],
        rationale: Sequence[str],
        assessor: str,
        as_of: date,
        status: str = "final",
        tool_version: str | None = None,
    ) -> StoredAssessment:
        # Checked before the transaction: a refused assessment leaves nothing behind.
        row = Assessment(
            id=new_id(),
            kind=_text("kind", kind),
            framework=_text("framework", framework),
            answers=_mapping("answers", answers),
            result=_mapping("result", result),
            rationale=_rationale(rationale),
            assessor=_text("assessor", assessor),
            as_of=_date(as_of),
            status=_status(status),
            tool_version=_text("tool_version", _tool_version(tool_version), required=False),
        )
        with self._sessions.write() as session:
            # Locked (on PostgreSQL; SQLite's writers are serialised already) so that two
            # assessments of one system are recorded one after the other.
            owner = _system(session, system, lock=True)
            row.system_id = owner.id
            row.created_at = _after_last(session, owner.id, utcnow())
            session.add(row)
            session.flush()
            stored = _stored(row, owner.name)
            # In this transaction: an assessment never exists without its audit entry.
            self._audit.append(
                stored.assessor, "assessment.recorded", "assessment", stored.id,
                _audit_payload(stored),
            )  # fmt: skip
            return stored

    def latest(
        self, system: str | SystemAsset, kind: str, *, include_drafts: bool = False
    ) -> StoredAssessment | None:
        with self._sessions.read() as session:
            owner = _system(session, system)
            query = (
                select(Assessment)
                .where(Assessment.system_id == owner.id, Assessment.kind == clean(kind))
                .order_by(Assessment.created_at.desc(), Assessment.id.desc())
                .limit(1)
            )
            if not include_drafts:
                query = query.where(Assessment.status == "final")
            row = session.scalars(query).one_or_none()
            return _stored(row, owner.name) if row is not None else None

    def list(
        self, system: str | SystemAsset | None = None, kind: str | None = None
    ) -> builtins.list[StoredAssessment]:
        query = (
            select(Assessment, AISystem.name)
            .join(AISystem, AISystem.id == Assessment.system_id)
            .order_by(Assessment.created_at, Assessment.id)
        )
        if kind is not None:
            query = query.where(Assessment.kind == clean(kind))
        with self._sessions.read() as session:
            if system is not None:
                query = query.where(Assessment.system_id == _system(session, system).id)
            return [_stored(row, name) for row, name in session.execute(query)]

    def get(self, assessment_id: str) -> StoredAssessment | None:
        query = (
            select(Assessment, AISystem.name)
            .join(AISystem, AISystem.id == Assessment.system_id)
            .where(Assessment.id == clean(assessment_id))
        )
        with self._sessions.read() as session:
            found = session.execute(query).one_or_none()
            return _stored(*found) if found is not None else None


def _system(session: Session, system: str | SystemAsset, *, lock: bool = False) -> AISystem:
    """The stored system ``system`` names: a record, an id or a name (an id wins, since a
    system could be named like another's id)."""
    if isinstance(system, SystemAsset):
        if system.id is None:
            raise InvalidRecord("the system has no id: store it first")
        key = system.id
    elif isinstance(system, str):
        key = clean(system)
    else:
        raise InvalidRecord(f"a system is named by its name or id, not {system!r}")
    for column in (AISystem.id, AISystem.name):
        query = select(AISystem).where(column == key)
        row = session.scalars(query.with_for_update() if lock else query).one_or_none()
        if row is not None:
            return row
    shown = system if isinstance(system, str) else system.id
    raise RecordNotFound(
        f"no AI system with the name or id {shown!r}", hint="add it to the inventory first"
    )


def _after_last(session: Session, system_id: str, now: datetime) -> datetime:
    """``now``, or just after the system's newest assessment if that is not earlier: two
    judgements within the clock's resolution (or across a clock set back) must still read
    back in the order they were made, and ids are random."""
    query = select(func.max(Assessment.created_at)).where(Assessment.system_id == system_id)
    last = session.scalar(query)
    return now if last is None or last < now else last + _TICK


def _text(what: str, value: object, *, required: bool = True) -> str:
    if not isinstance(value, str):
        raise InvalidRecord(f"an assessment's {what} must be text, not {value!r}")
    text = clean(value.strip())
    if required and not text:
        raise InvalidRecord(f"an assessment needs its {what}")
    if len(text) > _LIMITS[what]:
        # As stored: an escaped character counts as the four it becomes.
        raise InvalidRecord(f"an assessment's {what} is longer than {_LIMITS[what]} characters")
    return text


def _mapping(what: str, value: object) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise InvalidRecord(f"an assessment's {what} must be a mapping, not {value!r}")
    data: dict[str, Any] = clean_data(value)
    return data


def _rationale(value: object) -> builtins.list[str]:
    # A lone string is a sequence too: stored as such it would read back letter by letter.
    if isinstance(value, str | bytes) or not isinstance(value, Sequence):
        raise InvalidRecord("an assessment's rationale must be a list of sentences")
    if not all(isinstance(line, str) for line in value):
        raise InvalidRecord("an assessment's rationale must hold text only")
    lines: builtins.list[str] = clean_data(builtins.list(value))
    return lines


def _date(value: object) -> date:
    # A datetime is a date too, but a time of day would be silently dropped: refuse it.
    if isinstance(value, datetime) or not isinstance(value, date):
        raise InvalidRecord(f"an assessment's as_of must be a date, not {value!r}")
    return value


def _status(value: object) -> str:
    if value not in ASSESSMENT_STATUSES:
        raise InvalidRecord(
            f"unknown assessment status {value!r}",
            hint="use one of: " + ", ".join(ASSESSMENT_STATUSES),
        )
    return str(value)


def _tool_version(value: str | None) -> str:
    if value is not None:
        return value
    from aisec import __version__

    return __version__


def _audit_payload(stored: StoredAssessment) -> dict[str, Any]:
    from aisec.governance.audit.records import digest

    # Hashes, not copies, of the answers and result: the entry proves what was judged
    # without duplicating (possibly personal) questionnaire content into the log.
    return {
        "assessment_id": stored.id,
        "system_id": stored.system_id,
        "system": stored.system_name,
        "kind": stored.kind,
        "framework": stored.framework,
        "status": stored.status,
        "as_of": stored.as_of.isoformat(),
        "answers_sha256": digest(stored.answers),
        "result_sha256": digest(stored.result),
    }


def _stored(row: Assessment, system_name: str) -> StoredAssessment:
    return StoredAssessment(
        id=row.id,
        system_id=row.system_id,
        system_name=system_name,
        kind=row.kind,
        framework=row.framework,
        answers=dict(row.answers),
        result=dict(row.result),
        rationale=tuple(row.rationale),
        assessor=row.assessor,
        as_of=row.as_of,
        status=row.status,
        tool_version=row.tool_version,
        created_at=row.created_at,
    )
