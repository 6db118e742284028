"""Which stored runs concern which AI system (revision 0007), for SqlRunRepository.

A link is evidence that a system was tested, so making one is a governance change: it
appends ``run.linked`` to the audit log in the same transaction. Linking twice changes
nothing and appends nothing; a link goes with its run or its system.
"""

from __future__ import annotations

from sqlalchemy import insert, select

from aisec.core.errors import RecordNotFound
from aisec.store import governance_rows as g
from aisec.store import run_rows as rows
from aisec.store.models import ScanRun, run_systems
from aisec.store.records import SystemAsset
from aisec.store.session import Sessions
from aisec.store.sql_audit import SqlAuditRepository
from aisec.store.tracking import StoredRun


def link_system(
    sessions: Sessions, audit: SqlAuditRepository, run_id: str, system: str | SystemAsset,
    actor: str,
) -> bool:  # fmt: skip
    """Link the run to the system; True if the link is new."""
    key = rows.run_id(run_id)
    who = g.text("a link", "actor", actor, 200)
    with sessions.write() as session:
        owner = g.system_row(session, system, lock=True)
        run = session.get(ScanRun, key)
        if run is None:
            raise RecordNotFound(f"no stored run with the id {key}", hint="record the run first")
        link = select(run_systems).where(
            run_systems.c.run_id == key, run_systems.c.system_id == owner.id
        )
        if session.execute(link).first() is not None:
            return False
        session.execute(insert(run_systems).values(run_id=key, system_id=owner.id))
        audit.append(who, "run.linked", "run", key, {
            "run_id": key, "system_id": owner.id, "system": owner.name, "kind": run.kind,
            "started_at": run.started_at.isoformat(),
        })  # fmt: skip
        return True


def for_system(sessions: Sessions, system: str | SystemAsset, kind: str | None) -> list[StoredRun]:
    """The runs linked to ``system`` (of ``kind``), newest first."""
    with sessions.read() as session:
        owner = g.system_row(session, system)
        query = (
            select(ScanRun)
            .join(run_systems, run_systems.c.run_id == ScanRun.id)
            .where(run_systems.c.system_id == owner.id)
            .order_by(ScanRun.started_at.desc(), ScanRun.id)
        )
        if kind is not None:
            query = query.where(ScanRun.kind == kind)
        return rows.stored_runs(session, list(session.scalars(query)))
