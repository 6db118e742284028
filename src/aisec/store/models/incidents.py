"""Serious incidents and data-subject requests (revision 0007): cases with a legal
deadline, computed when recorded (aisec.governance.deadlines) and stored, so that a later
change of the rules does not move a deadline already communicated."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from aisec.store.models.base import Base, new_id, utcnow
from aisec.store.models.governance import one_of
from aisec.store.vocabulary import INCIDENT_STATUSES, REQUEST_KINDS, REQUEST_STATUSES


class Incident(Base):
    __tablename__ = "incidents"
    __table_args__ = (one_of("status", INCIDENT_STATUSES),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    system_id: Mapped[str] = mapped_column(
        ForeignKey("ai_systems.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text)
    categories: Mapped[list[Any]] = mapped_column()  # Art. 3(49) letters
    death: Mapped[bool] = mapped_column(Boolean)
    widespread: Mapped[bool] = mapped_column(Boolean)
    aware_at: Mapped[datetime] = mapped_column()
    deadline: Mapped[datetime] = mapped_column(index=True)
    legal_basis: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(30), index=True)
    initial_report_at: Mapped[datetime | None] = mapped_column()
    complete_report_at: Mapped[datetime | None] = mapped_column()
    corrective_actions: Mapped[list[Any]] = mapped_column()
    recorded_by: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)


class RightsRequest(Base):
    __tablename__ = "rights_requests"
    __table_args__ = (one_of("kind", REQUEST_KINDS), one_of("status", REQUEST_STATUSES))

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    system_id: Mapped[str] = mapped_column(
        ForeignKey("ai_systems.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    received_at: Mapped[datetime] = mapped_column()
    extended: Mapped[bool] = mapped_column(Boolean)
    due: Mapped[datetime] = mapped_column(index=True)
    legal_basis: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), index=True)
    answered_at: Mapped[datetime | None] = mapped_column()
    recorded_by: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
