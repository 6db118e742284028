"""Background jobs over SQLAlchemy (revision 0008): a scan or a test the server runs,
queued, running, then done or failed, with the run it stored.

A job's state only moves forward. No job outlives the server process that runs it, so the
server marks every unfinished one failed as it starts (:meth:`fail_unfinished`).
"""

from __future__ import annotations

import builtins
from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from aisec.core.errors import InvalidRecord, RecordNotFound
from aisec.store import governance_rows as g
from aisec.store import run_rows as rows
from aisec.store.models import JOB_KINDS, JOB_STATES, Job, ScanRun
from aisec.store.models.base import new_id, utcnow
from aisec.store.server_records import StoredJob, check_page
from aisec.store.session import Sessions, clean, clean_data

_RECORD = "a job"
_UNFINISHED = ("queued", "running")


class SqlJobRepository:
    def __init__(self, sessions: Sessions) -> None:
        self._sessions = sessions

    def create(self, kind: str, params: Mapping[str, Any], created_by: str) -> StoredJob:
        if not isinstance(params, Mapping):
            raise InvalidRecord(f"a job's params must be a mapping, not {params!r}")
        row = Job(
            id=new_id(),
            kind=g.one_of(_RECORD, "kind", kind, JOB_KINDS),
            status="queued",
            params=clean_data(dict(params)),
            created_by=g.text(_RECORD, "created_by", created_by, 200),
        )
        with self._sessions.write() as session:
            # Ids are random: jobs made within the clock's resolution still list in order.
            row.created_at = g.after_last(session, Job.created_at, Job.id.is_not(None), utcnow())
            session.add(row)
            session.flush()
            return _job(row)

    def start(self, job_id: str) -> StoredJob:
        with self._sessions.write() as session:
            row = _row(session, job_id, ("queued",), "start")
            row.status, row.started_at = "running", utcnow()
            session.flush()
            return _job(row)

    def finish(
        self,
        job_id: str,
        *,
        run_id: str | None = None,
        exit_code: int | None = None,
        error: str | None = None,
    ) -> StoredJob:
        if exit_code is not None and (
            isinstance(exit_code, bool) or not isinstance(exit_code, int)
        ):
            raise InvalidRecord(f"a job's exit code must be a whole number, not {exit_code!r}")
        failure = None if error is None else clean(str(error))
        with self._sessions.write() as session:
            # A job can fail before it starts (its parameters are refused).
            row = _row(session, job_id, _UNFINISHED, "finish")
            if run_id is not None:
                key = rows.run_id(run_id)
                if session.get(ScanRun, key) is None:
                    raise RecordNotFound(f"no stored run with the id {key}")
                row.run_id = key
            row.status = "done" if failure is None else "failed"
            row.finished_at, row.exit_code, row.error = utcnow(), exit_code, failure
            session.flush()
            return _job(row)

    def get(self, job_id: str) -> StoredJob | None:
        with self._sessions.read() as session:
            row = session.get(Job, job_id)
            return _job(row) if row is not None else None

    def page(
        self, *, status: str | None = None, kind: str | None = None, offset: int, limit: int
    ) -> tuple[builtins.list[StoredJob], int]:
        check_page(offset, limit)
        query = select(Job)
        if status is not None:
            query = query.where(Job.status == g.one_of("jobs", "status", status, JOB_STATES))
        if kind is not None:
            query = query.where(Job.kind == g.one_of("jobs", "kind", kind, JOB_KINDS))
        total_query = query.with_only_columns(func.count(Job.id))
        query = query.order_by(Job.created_at.desc(), Job.id).offset(offset).limit(limit)
        with self._sessions.read() as session:
            total = int(session.scalar(total_query) or 0)
            return [_job(row) for row in session.scalars(query)], total

    def fail_unfinished(self, reason: str) -> int:
        why = g.text(_RECORD, "failure reason", reason)
        with self._sessions.write() as session:
            done = session.execute(
                update(Job)
                .where(Job.status.in_(_UNFINISHED))
                .values(status="failed", finished_at=utcnow(), error=why)
            )
            return int(getattr(done, "rowcount", 0) or 0)


def _row(session: Session, job_id: str, states: tuple[str, ...], verb: str) -> Job:
    row = session.get(Job, job_id, with_for_update=True)
    if row is None:
        raise RecordNotFound(f"no job with the id {job_id!r}")
    if row.status not in states:
        raise InvalidRecord(f"cannot {verb} job {job_id}: it is {row.status}")
    return row


def _job(row: Job) -> StoredJob:
    return StoredJob(
        id=row.id,
        kind=row.kind,
        status=row.status,
        params=dict(row.params),
        created_by=row.created_by,
        created_at=row.created_at,
        started_at=row.started_at,
        finished_at=row.finished_at,
        run_id=row.run_id,
        exit_code=row.exit_code,
        error=row.error,
    )
