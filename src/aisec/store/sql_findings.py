"""The finding repository over SQLAlchemy: findings over time, filtered, and triaged.

The effective state is computed in SQL (the latest triage row, with a lapsed acceptance
read as open) so that filtering by state stays in the database. Path globs are matched
here, with the same glob rules as suppressions, because SQL's LIKE has other ones.
"""

from __future__ import annotations

import builtins
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import and_, case, exists, func, literal, select
from sqlalchemy.orm import Session, aliased

from aisec.core.errors import RecordNotFound
from aisec.core.pathglob import compile_glob
from aisec.core.severity import Severity
from aisec.store.models import FindingRecord, RunFinding, ScanRun, Triage, run_systems
from aisec.store.server_records import AGE_BUCKETS, FindingSummary, check_page
from aisec.store.session import Sessions, clean
from aisec.store.tracking import (
    FindingFilter,
    StoredFinding,
    TriageEntry,
    TriageState,
    check_triage,
    effective_state,
)


class SqlFindingRepository:
    def __init__(self, sessions: Sessions) -> None:
        self._sessions = sessions

    def list(
        self, where: FindingFilter | None = None, *, today: date | None = None
    ) -> builtins.list[StoredFinding]:
        where, today = where or FindingFilter(), today or utc_today()
        query, state = _query(today)
        query = _filtered(query, where, state)
        glob = compile_glob(where.path, "path filter") if where.path else None
        with self._sessions.read() as session:
            rows = session.execute(query).all()
            found = [_finding(record, triage, today) for record, triage in rows]
        return [f for f in found if glob is None or glob.fullmatch(f.path)]

    def page(
        self,
        where: FindingFilter | None = None,
        *,
        offset: int,
        limit: int,
        today: date | None = None,
    ) -> tuple[builtins.list[StoredFinding], int]:
        """A page of :meth:`list` and the total before paging: counted and cut in SQL,
        unless a path glob must be matched here first."""
        check_page(offset, limit)
        where = where or FindingFilter()
        if where.path:
            found = self.list(where, today=today)
            return found[offset : offset + limit], len(found)
        today = today or utc_today()
        query, state = _query(today)
        query = _filtered(query, where, state)
        # The latest triage row is one per finding at most: counting findings is enough.
        total_query = query.with_only_columns(func.count(FindingRecord.id)).order_by(None)
        query = query.offset(offset).limit(limit)
        with self._sessions.read() as session:
            total = int(session.scalar(total_query) or 0)
            rows = session.execute(query).all()
            return [_finding(record, triage, today) for record, triage in rows], total

    def summary(self, today: date | None = None) -> FindingSummary:
        """Every finding by effective state, and the open ones by severity and by days
        since first seen (in UTC: under 7, 7 to 30, 31 to 90, over 90), in one query."""
        today = today or utc_today()
        query, state = _query(today)

        def since(days: int) -> datetime:
            return datetime.combine(today - timedelta(days=days), time(), UTC)

        bucket = case(
            (FindingRecord.first_seen_at >= since(6), literal(AGE_BUCKETS[0])),
            (FindingRecord.first_seen_at >= since(30), literal(AGE_BUCKETS[1])),
            (FindingRecord.first_seen_at >= since(90), literal(AGE_BUCKETS[2])),
            else_=literal(AGE_BUCKETS[3]),
        )
        # Grouped over a subquery: PostgreSQL would not see the CASEs in SELECT and GROUP
        # BY as one expression, their parameters being bound separately.
        inner = (
            query.with_only_columns(
                FindingRecord.severity.label("severity"),
                state.label("state"),
                bucket.label("bucket"),
            )
            .order_by(None)
            .subquery("summary")
        )
        counts = select(inner.c.severity, inner.c.state, inner.c.bucket, func.count()).group_by(
            inner.c.severity, inner.c.state, inner.c.bucket
        )
        labels = [s.label for s in sorted(Severity, reverse=True)]
        by_age = {label: dict.fromkeys(AGE_BUCKETS, 0) for label in labels}
        by_state = dict.fromkeys((s.value for s in TriageState), 0)
        with self._sessions.read() as session:
            for severity, found_state, age, count in session.execute(counts):
                by_state[found_state] = by_state.get(found_state, 0) + count
                if found_state == TriageState.OPEN.value:
                    by_age[Severity(severity).label][age] += count
        return FindingSummary(open_by_age=by_age, by_state=by_state, total=sum(by_state.values()))

    def get(self, fingerprint: str, *, today: date | None = None) -> StoredFinding | None:
        today = today or utc_today()
        query, _ = _query(today)
        with self._sessions.read() as session:
            row = session.execute(query.where(FindingRecord.fingerprint == fingerprint)).first()
            return _finding(row[0], row[1], today) if row is not None else None

    def runs(self, fingerprint: str) -> builtins.list[str]:
        query = (
            select(RunFinding.run_id)
            .join(FindingRecord, FindingRecord.id == RunFinding.finding_id)
            .join(ScanRun, ScanRun.id == RunFinding.run_id)
            .where(FindingRecord.fingerprint == fingerprint)
            .order_by(ScanRun.started_at, ScanRun.id)
        )
        with self._sessions.read() as session:
            return builtins.list(session.scalars(query))

    def set_triage(
        self,
        fingerprint: str,
        state: TriageState,
        *,
        actor: str,
        justification: str = "",
        expires: date | None = None,
    ) -> TriageEntry:
        state = check_triage(state, actor, justification, expires, utc_today())
        with self._sessions.write() as session:
            record = _record(session, fingerprint)
            row = Triage(
                finding_id=record.id,
                state=state.value,
                actor=clean(actor.strip()),
                justification=clean(justification.strip()),
                expires_on=expires,
            )
            session.add(row)
            session.flush()
            return _entry(row)

    def history(self, fingerprint: str) -> builtins.list[TriageEntry]:
        with self._sessions.read() as session:
            record = _record(session, fingerprint)
            query = select(Triage).where(Triage.finding_id == record.id).order_by(Triage.id)
            return [_entry(row) for row in session.scalars(query)]


def utc_today() -> date:
    """The day decisions are judged on: UTC, as the age of findings is, whatever the
    zone of the machine (a server and its users may sit in different ones)."""
    return datetime.now(UTC).date()


def latest_triage() -> Any:
    """A subquery of each triaged finding's latest triage row id (``finding_id``, ``id``)."""
    return (
        select(Triage.finding_id, func.max(Triage.id).label("id"))
        .group_by(Triage.finding_id)
        .subquery("latest")
    )


def _query(today: date) -> tuple[Any, Any]:
    # Any: Select's type parameters differ between SQLAlchemy 2.0 and 2.1.
    latest = aliased(Triage, name="latest_triage")
    ids = latest_triage()
    state = case(
        (latest.state.is_(None), literal(TriageState.OPEN.value)),
        (
            and_(latest.state == TriageState.ACCEPTED_RISK.value, latest.expires_on < today),
            literal(TriageState.OPEN.value),
        ),
        else_=latest.state,
    )
    query = (
        select(FindingRecord, latest)
        .outerjoin(ids, ids.c.finding_id == FindingRecord.id)
        .outerjoin(latest, latest.id == ids.c.id)
        # The id last: findings alike in the rest keep one order, page after page.
        .order_by(
            FindingRecord.severity.desc(),
            FindingRecord.check_id,
            FindingRecord.location,
            FindingRecord.id,
        )
    )
    return query, state


def _filtered(query: Any, where: FindingFilter, state: Any) -> Any:
    if where.min_severity is not None:
        query = query.where(FindingRecord.severity >= int(Severity.parse(where.min_severity)))
    if where.max_severity is not None:
        query = query.where(FindingRecord.severity <= int(Severity.parse(where.max_severity)))
    if where.check_id:
        if "*" in where.check_id:
            query = query.where(FindingRecord.check_id.like(_like(where.check_id), escape="\\"))
        else:
            query = query.where(FindingRecord.check_id == where.check_id)
    if where.state is not None:
        query = query.where(state == TriageState(where.state).value)
    if where.run_id is not None:
        seen = select(RunFinding.finding_id).where(
            RunFinding.run_id == where.run_id, RunFinding.finding_id == FindingRecord.id
        )
        query = query.where(exists(seen))
    if where.system is not None:
        linked = (
            select(RunFinding.finding_id)
            .join(run_systems, run_systems.c.run_id == RunFinding.run_id)
            .where(run_systems.c.system_id == where.system)
            .where(RunFinding.finding_id == FindingRecord.id)
        )
        query = query.where(exists(linked))
    return query


def _like(pattern: str) -> str:
    escaped = pattern.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped.replace("*", "%")


def _record(session: Session, fingerprint: str) -> FindingRecord:
    record = session.scalars(
        select(FindingRecord).where(FindingRecord.fingerprint == fingerprint)
    ).one_or_none()
    if record is None:
        raise RecordNotFound(f"no finding with fingerprint {fingerprint!r}")
    return record


def _entry(row: Triage) -> TriageEntry:
    return TriageEntry(
        state=TriageState(row.state),
        actor=row.actor,
        at=row.created_at,
        justification=row.justification,
        expires=row.expires_on,
    )


def _finding(record: FindingRecord, triage: Triage | None, today: date) -> StoredFinding:
    entry = _entry(triage) if triage is not None else None
    return StoredFinding(
        fingerprint=record.fingerprint,
        check_id=record.check_id,
        severity=Severity(record.severity),
        title=record.title,
        message=record.message,
        location=record.location,
        path=record.path,
        remediation=record.remediation,
        evidence=record.evidence,
        refs=tuple(record.refs),
        first_seen_run=record.first_seen_run_id,
        last_seen_run=record.last_seen_run_id,
        first_seen_at=record.first_seen_at,
        last_seen_at=record.last_seen_at,
        occurrences=record.occurrences,
        state=effective_state(entry, today),
        triage=entry,
    )
