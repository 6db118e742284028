"""Runs and findings over time: what each run saw, and the triage of each finding.

A finding is one row per fingerprint however many runs saw it; ``run_findings`` says which
runs did, with the severity and disposition it had in each. Triage is a history: rows are
only ever added, and the one with the highest id is the finding's state. A run's
measurements (assurance tests) are its own rows in ``run_measurements``, in the run's order.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Integer,
    SmallInteger,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from aisec.store.models.base import Base, new_id, utcnow

TRIAGE_STATES = ("open", "accepted-risk", "false-positive", "fixed")
_SEVERITY_RANGE = "severity BETWEEN 0 AND 4"  # aisec.core.severity.Severity values


class ScanRun(Base):
    __tablename__ = "scan_runs"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    targets: Mapped[list[Any]] = mapped_column()
    tool_version: Mapped[str] = mapped_column(String(100))
    config: Mapped[dict[str, Any]] = mapped_column()  # the full settings snapshot
    started_at: Mapped[datetime] = mapped_column(index=True)
    finished_at: Mapped[datetime | None] = mapped_column()
    exit_code: Mapped[int | None] = mapped_column(Integer)
    counts: Mapped[dict[str, Any]] = mapped_column()
    errors: Mapped[list[Any]] = mapped_column(default=list)
    warnings: Mapped[list[Any]] = mapped_column(default=list)
    skipped: Mapped[list[Any]] = mapped_column(default=list)  # artefacts not analysed
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)


class FindingRecord(Base):
    __tablename__ = "findings"
    __table_args__ = (CheckConstraint(_SEVERITY_RANGE, name="severity"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)
    check_id: Mapped[str] = mapped_column(String(200), index=True)
    severity: Mapped[int] = mapped_column(SmallInteger, index=True)
    title: Mapped[str] = mapped_column(Text)
    message: Mapped[str] = mapped_column(Text)  # as last seen
    location: Mapped[str] = mapped_column(Text)  # Location.display(), as last seen
    remediation: Mapped[str] = mapped_column(Text, default="", server_default="")  # 0003
    path: Mapped[str] = mapped_column(Text)
    evidence: Mapped[dict[str, Any]] = mapped_column(default=dict)
    refs: Mapped[list[Any]] = mapped_column(default=list)
    first_seen_run_id: Mapped[str | None] = mapped_column(
        ForeignKey("scan_runs.id", ondelete="SET NULL")
    )
    last_seen_run_id: Mapped[str | None] = mapped_column(
        ForeignKey("scan_runs.id", ondelete="SET NULL")
    )
    first_seen_at: Mapped[datetime] = mapped_column()
    last_seen_at: Mapped[datetime] = mapped_column()
    occurrences: Mapped[int] = mapped_column(Integer, default=0)


class RunFinding(Base):
    """Which run saw which finding, as it was in that run."""

    __tablename__ = "run_findings"
    __table_args__ = (CheckConstraint(_SEVERITY_RANGE, name="severity"),)

    run_id: Mapped[str] = mapped_column(
        ForeignKey("scan_runs.id", ondelete="CASCADE"), primary_key=True
    )
    finding_id: Mapped[str] = mapped_column(
        ForeignKey("findings.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    severity: Mapped[int] = mapped_column(SmallInteger)
    # "suppressed" or "baseline" when the finding did not count in that run.
    disposition: Mapped[str | None] = mapped_column(String(20))


class Triage(Base):
    __tablename__ = "triage"
    __table_args__ = (
        CheckConstraint(
            "state IN (" + ", ".join(f"'{s}'" for s in TRIAGE_STATES) + ")", name="state"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    finding_id: Mapped[str] = mapped_column(
        ForeignKey("findings.id", ondelete="CASCADE"), index=True
    )
    state: Mapped[str] = mapped_column(String(20))
    actor: Mapped[str] = mapped_column(String(200))
    justification: Mapped[str] = mapped_column(Text, default="")
    expires_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class RunMeasurement(Base):
    """One measurement of a run (revision 0004), kept in the run's order.

    ``value`` is NULL for NaN: SQLite cannot store NaN (its driver turns it into NULL), so
    PostgreSQL, which could, stores NULL too and both read back alike. Infinities are kept
    as they are; both databases store them.
    """

    __tablename__ = "run_measurements"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[str] = mapped_column(ForeignKey("scan_runs.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)  # index in Run.measurements
    name: Mapped[str] = mapped_column(String(200), index=True)
    value: Mapped[float | None] = mapped_column(Float)
    ci_low: Mapped[float | None] = mapped_column(Float)
    ci_high: Mapped[float | None] = mapped_column(Float)
    n: Mapped[int] = mapped_column(Integer)
    unit: Mapped[str] = mapped_column(String(40))
    params: Mapped[dict[str, Any]] = mapped_column(default=dict)
