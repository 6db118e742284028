"""Governance assessments of AI systems (revision 0005): questionnaire answers and the
judgement made from them, such as an EU AI Act classification.

Rows are only ever added: a new judgement about a system is a new row, so the table is the
system's assessment history. Rows go with their system.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import CheckConstraint, Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from aisec.store.models.base import Base, new_id, utcnow
from aisec.store.vocabulary import ASSESSMENT_STATUSES


class Assessment(Base):
    __tablename__ = "assessments"
    __table_args__ = (
        CheckConstraint(
            "status IN (" + ", ".join(f"'{s}'" for s in ASSESSMENT_STATUSES) + ")",
            name="status",
        ),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    system_id: Mapped[str] = mapped_column(
        ForeignKey("ai_systems.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(40), index=True)  # eu-ai-act-classification
    framework: Mapped[str] = mapped_column(String(40))  # eu-ai-act
    answers: Mapped[dict[str, Any]] = mapped_column()  # the questionnaire, as answered
    result: Mapped[dict[str, Any]] = mapped_column()  # the judgement: tier, obligations ...
    rationale: Mapped[list[Any]] = mapped_column()  # why, as sentences
    assessor: Mapped[str] = mapped_column(String(200))
    # The date whose obligations were judged: what applies changes with the Act's phases.
    as_of: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    status: Mapped[str] = mapped_column(String(20))
    tool_version: Mapped[str] = mapped_column(String(100))
