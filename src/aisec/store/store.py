"""The store: one object that holds the engine and the repositories over it."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from aisec.store import migrate
from aisec.store.engine import create_store_engine
from aisec.store.session import Sessions
from aisec.store.sql_approvals import SqlApprovalRepository
from aisec.store.sql_assessments import SqlAssessmentRepository
from aisec.store.sql_audit import SqlAuditRepository
from aisec.store.sql_components import SqlComponentRepository
from aisec.store.sql_evidence import SqlEvidenceRepository
from aisec.store.sql_findings import SqlFindingRepository
from aisec.store.sql_gateway_keys import SqlGatewayKeyRepository
from aisec.store.sql_gateway_log import SqlGatewayLog
from aisec.store.sql_incidents import SqlIncidentRepository
from aisec.store.sql_inventory import SqlInventoryRepository
from aisec.store.sql_jobs import SqlJobRepository
from aisec.store.sql_notes import SqlNoteRepository
from aisec.store.sql_requests import SqlRequestRepository
from aisec.store.sql_risks import SqlRiskRepository
from aisec.store.sql_runs import SqlRunRepository
from aisec.store.sql_users import SqlUserRepository
from aisec.store.url import describe

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from aisec.core.settings import Settings
    from aisec.store.component_records import ComponentRepository
    from aisec.store.records import SystemAsset
    from aisec.store.repositories import (
        ApprovalRepository,
        AssessmentRepository,
        AuditRepository,
        EvidenceRepository,
        FindingRepository,
        IncidentRepository,
        InventoryRepository,
        RequestRepository,
        RiskRepository,
        RunRepository,
    )
    from aisec.store.server_records import JobRepository, NoteRepository, UserRepository


class Store:
    """The database and the repositories over it; close it (or use ``with``) when done."""

    def __init__(self, engine: Engine, *, settings: Settings | None = None) -> None:
        self.engine = engine
        sessions = Sessions(engine)
        # The audit log first: governance repositories (and run links) append to it in
        # their own writes, and one instance carries the signer AuditLog sets (else the
        # one ``settings.audit_key`` names; settings read on first need when not given).
        audit = SqlAuditRepository(sessions, settings=settings)
        self.audit: AuditRepository = audit
        self.inventory: InventoryRepository = SqlInventoryRepository(sessions, audit=audit)
        self.runs: RunRepository = SqlRunRepository(sessions, audit=audit)
        self.findings: FindingRepository = SqlFindingRepository(sessions)
        self.components: ComponentRepository = SqlComponentRepository(sessions)
        self.assessments: AssessmentRepository = SqlAssessmentRepository(sessions, audit=audit)
        # Revision 0007: the governance registers.
        self.risks: RiskRepository = SqlRiskRepository(sessions, audit=audit)
        self.approvals: ApprovalRepository = SqlApprovalRepository(sessions, audit=audit)
        self.evidence: EvidenceRepository = SqlEvidenceRepository(sessions, audit=audit)
        self.incidents: IncidentRepository = SqlIncidentRepository(sessions, audit=audit)
        self.requests: RequestRepository = SqlRequestRepository(sessions, audit=audit)
        # Revision 0008: the server's. Their changes are audited by the server, which
        # knows who acted, in the same Store.transaction().
        self.users: UserRepository = SqlUserRepository(sessions, audit=audit)
        self.notes: NoteRepository = SqlNoteRepository(sessions)
        self.jobs: JobRepository = SqlJobRepository(sessions)
        # Revision 0009: the inference gateway's keys (audited) and its traffic log.
        self.gateway_keys = SqlGatewayKeyRepository(sessions, audit=audit)
        self.gateway_log = SqlGatewayLog(sessions)
        self._sessions = sessions

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One transaction for every repository call made inside: all of them are kept, or
        (when the block raises) none."""
        with self._sessions.write():
            yield

    @contextmanager
    def system_transaction(self, system: str | SystemAsset) -> Iterator[None]:
        """One write transaction, as :meth:`transaction`, that first takes the row lock of
        ``system`` (a record, id or name; RecordNotFound if there is none): the lock every
        governance writer takes before it changes a system's records (docs/adr/0018), so
        what a read-modify-write reads inside cannot change until the block commits.

        The lock is taken by the first statement: on SQLite the write session BEGINs
        IMMEDIATE only when it first runs SQL. Repository reads inside use their own read
        sessions and see the latest commit, which no writer that locks the system first
        can change meanwhile (one that does not is serialised by SQLite's database lock,
        but not on PostgreSQL)."""
        from aisec.store.governance_rows import system_row

        with self._sessions.write() as session:
            system_row(session, system, lock=True)
            yield

    @property
    def url(self) -> str:
        """The database's URL, without its password."""
        return describe(self.engine.url)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Store({self.url!r})"


def open_store(
    url: str | None = None,
    *,
    settings: Settings | None = None,
    environ: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    upgrade: bool = True,
) -> Store:
    """Open the store: an explicit ``url``, else ``AISEC_DATABASE_URL``, else
    ``settings.database_url``, else ``.aisec/aisec.db`` under ``cwd`` (created on first
    use). The schema is brought up to date unless ``upgrade`` is false.

    Raises StoreError (a documented ``AISEC-E600``) for a malformed URL, a missing driver,
    an unreachable database, or a schema written by a newer aisec.
    """
    engine = create_store_engine(url, settings=settings, environ=environ, cwd=cwd)
    try:
        if upgrade:
            migrate.upgrade(engine)
    except BaseException:
        engine.dispose()
        raise
    return Store(engine, settings=settings)
