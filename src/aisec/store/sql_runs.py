"""The run repository over SQLAlchemy: a run's findings fold into the findings over time.

A finding is one row per fingerprint: a run that sees it again links to it, counts one
more occurrence and refreshes what may have changed (severity, message, evidence). Runs
recorded out of order (an import of old reports) move first and last seen only where
they are earlier or later than what is stored. A finding marked fixed that a newer run
sees again is reopened, with the run named in its history. A run's measurements are kept
with it, in its order, and read back with :meth:`SqlRunRepository.measurements`.
"""

from __future__ import annotations

import builtins
import hashlib
from datetime import datetime

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from aisec.core.errors import InvalidRecord
from aisec.core.finding import Finding, fingerprint_path
from aisec.core.run import Measurement, Run
from aisec.store import run_rows as rows
from aisec.store import sql_run_systems as run_systems
from aisec.store.models import FindingRecord, RunFinding, RunMeasurement, ScanRun, Triage
from aisec.store.models import run_systems as run_systems_table
from aisec.store.models.base import new_id
from aisec.store.records import SystemAsset
from aisec.store.server_records import check_page
from aisec.store.session import clean, clean_data
from aisec.store.sql_audit import AuditedRepository
from aisec.store.sql_findings import latest_triage
from aisec.store.tracking import StoredRun, TriageState

_CHUNK = 500  # fingerprints per IN (...): far below every database's parameter limit
REOPENED_BY = "aisec"


class SqlRunRepository(AuditedRepository):
    def record(self, run: Run, *, exit_code: int | None = None) -> StoredRun:
        run_id = rows.run_id(run.id)
        if run.started_at.tzinfo is None:
            raise InvalidRecord(f"run {run_id}: started_at has no time zone")
        if exit_code is None:
            exit_code = run.exit_code(rows.fail_on(run))
        # Made before the transaction: a measurement the store refuses stops nothing half-way.
        measurements = rows.measurement_rows(run, run_id)
        with self._sessions.write() as session:
            if session.get(ScanRun, run_id) is not None:
                raise InvalidRecord(f"run {run_id} is already stored")
            row = rows.run_row(run, run_id, exit_code)
            session.add(row)
            # The models have no relationship() to order inserts by: the run's row goes
            # first, so that the rows naming it (links, measurements) find it.
            session.flush()
            _fold_findings(session, run, row)
            session.add_all(measurements)
            session.flush()
            return rows.stored_run(session, row)

    def get(self, run_id: str) -> StoredRun | None:
        with self._sessions.read() as session:
            row = session.get(ScanRun, run_id)
            return rows.stored_run(session, row) if row is not None else None

    def measurements(self, run_id: str) -> builtins.list[Measurement]:
        """The run's measurements in the order it made them; [] for a run not stored."""
        key = rows.run_id(run_id)
        query = (
            select(RunMeasurement)
            .where(RunMeasurement.run_id == key)
            .order_by(RunMeasurement.position, RunMeasurement.id)
        )
        with self._sessions.read() as session:
            return [rows.measurement(row) for row in session.scalars(query)]

    def list(
        self, *, kind: str | None = None, limit: int | None = None
    ) -> builtins.list[StoredRun]:
        query = select(ScanRun).order_by(ScanRun.started_at.desc(), ScanRun.id)
        if kind is not None:
            query = query.where(ScanRun.kind == kind)
        if limit is not None:
            query = query.limit(limit)
        with self._sessions.read() as session:
            return rows.stored_runs(session, builtins.list(session.scalars(query)))

    def page(
        self, *, kind: str | None = None, system: str | None = None, offset: int, limit: int
    ) -> tuple[builtins.list[StoredRun], int]:
        """Newest first, and the total before paging; ``system`` is a system's id."""
        check_page(offset, limit)
        query = select(ScanRun)
        if kind is not None:
            query = query.where(ScanRun.kind == kind)
        if system is not None:
            linked = select(run_systems_table.c.run_id).where(
                run_systems_table.c.system_id == system,
                run_systems_table.c.run_id == ScanRun.id,
            )
            query = query.where(exists(linked))
        total_query = query.with_only_columns(func.count(ScanRun.id))
        query = query.order_by(ScanRun.started_at.desc(), ScanRun.id).offset(offset).limit(limit)
        with self._sessions.read() as session:
            total = int(session.scalar(total_query) or 0)
            return rows.stored_runs(session, builtins.list(session.scalars(query))), total

    def link_system(self, run_id: str, system: str | SystemAsset, *, actor: str = "aisec") -> bool:
        """Record that the stored run concerns ``system`` (revision 0007); True if new."""
        return run_systems.link_system(self._sessions, self._audit, run_id, system, actor)

    def for_system(
        self, system: str | SystemAsset, kind: str | None = None
    ) -> builtins.list[StoredRun]:
        return run_systems.for_system(self._sessions, system, kind)


def fingerprint_of(finding: Finding) -> str:
    """The finding's fingerprint; one made from its content for a finding built without
    ``Finding.create`` (which has none), so that it is still one row, not one per run."""
    if finding.fingerprint:
        return finding.fingerprint
    raw = "\x1f".join((finding.check_id, finding.location.display(), finding.message))
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _fold_findings(session: Session, run: Run, row: ScanRun) -> None:
    seen: dict[str, Finding] = {}
    for finding in run.findings:  # one row per fingerprint: the most severe instance
        key = fingerprint_of(finding)
        if key not in seen or finding.severity > seen[key].severity:
            seen[key] = finding
    stored = _existing(session, builtins.list(seen))
    fixed = _fixed(session, [r.id for r in stored.values()])
    at = run.started_at
    for key, finding in seen.items():
        record = stored.get(key)
        if record is None:
            # The id is made here, not at flush, so that the link row can name it.
            record = FindingRecord(id=new_id(), fingerprint=key, first_seen_at=at)
            record.first_seen_run_id, record.last_seen_at, record.occurrences = row.id, at, 0
            session.add(record)
            _refresh(record, finding, row.id)
        else:
            if at < record.first_seen_at:
                record.first_seen_at, record.first_seen_run_id = at, row.id
            if at >= record.last_seen_at:
                _refresh(record, finding, row.id)
                record.last_seen_at = at
            # Only a run that started after the fix was recorded shows it did not hold.
            if record.id in fixed and fixed[record.id] <= at:
                session.add(_reopened(record, row.id))
        record.occurrences += 1
        disposition = run.disposition(finding)
        session.add(
            RunFinding(
                run_id=row.id,
                finding_id=record.id,
                severity=int(finding.severity),
                disposition=disposition.status if disposition else None,
            )
        )


def _existing(session: Session, keys: builtins.list[str]) -> dict[str, FindingRecord]:
    out: dict[str, FindingRecord] = {}
    for start in range(0, len(keys), _CHUNK):
        chunk = keys[start : start + _CHUNK]
        query = select(FindingRecord).where(FindingRecord.fingerprint.in_(chunk))
        out.update((r.fingerprint, r) for r in session.scalars(query))
    return out


def _refresh(record: FindingRecord, finding: Finding, run_id: str) -> None:
    record.check_id = clean(finding.check_id)
    record.severity = int(finding.severity)
    record.title = clean(finding.title)
    record.message = clean(finding.message)
    record.location = clean(finding.location.display())
    record.path = clean(fingerprint_path(finding.location.path))
    # A run that saw the finding without evidence or advice (an imported BOM carries
    # neither evidence nor, from other tools, a remediation) keeps what a scan recorded.
    if finding.evidence or record.evidence is None:
        record.evidence = clean_data(finding.evidence)
    if finding.remediation or record.remediation is None:
        record.remediation = clean(finding.remediation)
    record.refs = clean_data(finding.refs)
    record.last_seen_run_id = run_id


def _fixed(session: Session, ids: builtins.list[str]) -> dict[str, datetime]:
    """When each of these findings was marked fixed, if that is its latest decision."""
    out: dict[str, datetime] = {}
    latest = latest_triage()
    for start in range(0, len(ids), _CHUNK):
        query = (
            select(Triage.finding_id, Triage.created_at)
            .join(latest, latest.c.id == Triage.id)
            .where(Triage.state == TriageState.FIXED.value)
            .where(Triage.finding_id.in_(ids[start : start + _CHUNK]))
        )
        out.update((finding_id, at) for finding_id, at in session.execute(query))
    return out


def _reopened(record: FindingRecord, run_id: str) -> Triage:
    return Triage(
        finding_id=record.id,
        state=TriageState.OPEN.value,
        actor=REOPENED_BY,
        justification=f"seen again by run {run_id} after it was marked fixed",
    )
