"""Governance registers of AI systems (revision 0007): which runs concern a system, its
risks, human-oversight approvals and evidence. Every row goes with its system; a risk's
or approval's history is in the audit log, not in these tables."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import CheckConstraint, Date, ForeignKey, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from aisec.store.models.base import Base, new_id, utcnow
from aisec.store.models.inventory import link_table
from aisec.store.vocabulary import APPROVAL_DECISIONS, EVIDENCE_KINDS

# Which stored runs concern which system; rows go when either side does.
run_systems = link_table("run_systems", ("run_id", "scan_runs"), ("system_id", "ai_systems"))


def one_of(column: str, values: tuple[str, ...], name: str | None = None) -> CheckConstraint:
    return CheckConstraint(
        f"{column} IN (" + ", ".join(f"'{v}'" for v in values) + ")", name=name or column
    )


# The Risk's own vocabulary (aisec.governance.risks.model), repeated so that importing the
# models does not import the risk engine; a test holds them equal.
RISK_STATUSES = ("proposed", "open", "treated", "accepted", "closed")


class RiskRecord(Base):
    """A risk of the register: queried fields as columns, the whole Risk as ``data``."""

    __tablename__ = "risks"
    __table_args__ = (one_of("status", RISK_STATUSES),)

    # The Risk's stable id (R-...), and the system: one row per risk and system.
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    system_id: Mapped[str] = mapped_column(
        ForeignKey("ai_systems.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    title: Mapped[str] = mapped_column(Text)
    threat: Mapped[str | None] = mapped_column(String(40))  # an ATLAS technique
    likelihood: Mapped[int] = mapped_column(SmallInteger)
    impact: Mapped[int] = mapped_column(SmallInteger)
    residual_likelihood: Mapped[int | None] = mapped_column(SmallInteger)
    residual_impact: Mapped[int | None] = mapped_column(SmallInteger)
    level: Mapped[str] = mapped_column(String(20), index=True)
    status: Mapped[str] = mapped_column(String(20), index=True)
    owner: Mapped[str] = mapped_column(String(200))
    treatment: Mapped[str | None] = mapped_column(String(20))
    due: Mapped[date | None] = mapped_column(Date)
    data: Mapped[dict[str, Any]] = mapped_column()  # Risk.to_dict(), as stored
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class Approval(Base):
    """A human-oversight decision; rows are only added, the latest unexpired one counts."""

    __tablename__ = "approvals"
    __table_args__ = (one_of("decision", APPROVAL_DECISIONS),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    system_id: Mapped[str] = mapped_column(
        ForeignKey("ai_systems.id", ondelete="CASCADE"), index=True
    )
    scope: Mapped[str] = mapped_column(String(200))  # deployment, model:NAME ...
    decision: Mapped[str] = mapped_column(String(20))
    approver: Mapped[str] = mapped_column(String(200))
    justification: Mapped[str] = mapped_column(Text)
    decided_at: Mapped[datetime] = mapped_column()
    expires_on: Mapped[date | None] = mapped_column(Date)  # inclusive
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)


class Evidence(Base):
    __tablename__ = "evidence"
    __table_args__ = (one_of("kind", EVIDENCE_KINDS),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    system_id: Mapped[str] = mapped_column(
        ForeignKey("ai_systems.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(20))
    # No foreign key: evidence may outlive the run or file it names, and says so by dangling.
    reference: Mapped[str] = mapped_column(Text)
    refs: Mapped[list[Any]] = mapped_column()  # framework refs it evidences
    valid_from: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date, index=True)  # inclusive
    recorded_by: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
