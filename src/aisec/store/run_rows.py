"""How runs map onto rows: the run record kept as a ``scan_runs`` row, and read back."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from aisec.core.errors import InvalidRecord
from aisec.core.run import Run
from aisec.core.severity import Severity
from aisec.store.models import RunFinding, ScanRun
from aisec.store.session import clean, clean_data
from aisec.store.tracking import StoredRun


def run_id(text: str) -> str:
    try:
        return str(uuid.UUID(text))
    except (ValueError, TypeError, AttributeError):
        raise InvalidRecord(f"run id {text!r} is not a UUID") from None


def fail_on(run: Run) -> Severity:
    try:
        return Severity.parse(str(run.config.get("fail_on", "high")))
    except Exception:  # a hand-made config: the verdict then uses the default threshold
        return Severity.HIGH


def run_row(run: Run, run_id: str, exit_code: int) -> ScanRun:
    counts: dict[str, object] = {
        "artefacts": len(run.artefacts),
        "incomplete": len(run.incomplete) - len(run.skipped),
        "skipped": len(run.skipped),
        "findings": run.counts(),
        **run.not_counted(),
    }
    skipped = [
        {"location": a.location.display(), "format": a.format, "reason": a.reason}
        for a in run.skipped
    ]
    return ScanRun(
        id=run_id,
        kind=clean(run.kind),
        targets=clean_data(run.targets),
        tool_version=clean(run.tool_version),
        config=clean_data(run.config),
        started_at=run.started_at,
        finished_at=run.ended_at,
        exit_code=exit_code,
        counts=clean_data(counts),
        errors=clean_data(run.errors),
        warnings=clean_data(run.warnings),
        skipped=clean_data(skipped),
    )


def stored_run(session: Session, row: ScanRun) -> StoredRun:
    count = session.scalar(
        select(func.count()).select_from(RunFinding).where(RunFinding.run_id == row.id)
    )
    return StoredRun(
        id=row.id,
        kind=row.kind,
        targets=tuple(row.targets),
        tool_version=row.tool_version,
        config=row.config,
        started_at=row.started_at,
        finished_at=row.finished_at,
        exit_code=row.exit_code,
        counts=row.counts,
        errors=tuple(row.errors),
        warnings=tuple(row.warnings),
        skipped=tuple(row.skipped),
        finding_count=count or 0,
    )
