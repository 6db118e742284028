"""AI systems keep their governance assessments.

Revision ID: 0005
Revises: 0004

``assessments`` holds each questionnaire-based judgement about an AI system (first the EU
AI Act classification: answers, the tier and obligations found, the rationale), with who
made it, the date whose obligations it judged and whether it is a draft or final. Rows are
only added, never updated, so the table is each system's history; rows go with their
system. Systems stored before 0005 have no assessments.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision: str | None = "0004"
branch_labels: tuple[str, ...] | None = None
depends_on: tuple[str, ...] | None = None

_ID = sa.String(length=36)
_TABLE = "assessments"
_STATUSES = "status IN ('draft', 'final')"


def upgrade() -> None:
    op.create_table(
        _TABLE,
        sa.Column("id", _ID, nullable=False),
        sa.Column("system_id", _ID, nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("framework", sa.String(length=40), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.Column("rationale", sa.JSON(), nullable=False),
        sa.Column("assessor", sa.String(length=200), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("tool_version", sa.String(length=100), nullable=False),
        sa.CheckConstraint(_STATUSES, name=op.f(f"ck_{_TABLE}_status")),
        sa.ForeignKeyConstraint(
            ["system_id"],
            ["ai_systems.id"],
            name=op.f(f"fk_{_TABLE}_system_id_ai_systems"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{_TABLE}")),
    )
    op.create_index(op.f(f"ix_{_TABLE}_system_id"), _TABLE, ["system_id"], unique=False)
    op.create_index(op.f(f"ix_{_TABLE}_kind"), _TABLE, ["kind"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f(f"ix_{_TABLE}_kind"), table_name=_TABLE)
    op.drop_index(op.f(f"ix_{_TABLE}_system_id"), table_name=_TABLE)
    op.drop_table(_TABLE)
