"""Systems relate to components; findings keep their remediation.

Revision ID: 0003
Revises: 0002

``system_components`` links an AI system to the components discovery found for it (or a
BOM listed for it), so that a system's BOM lists its libraries; rows go when either side
does. ``findings.remediation`` keeps a finding's advice as last seen, so that a BOM's
recommendation survives export -> import -> export (docs/adr/0013).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision: str | None = "0002"
branch_labels: tuple[str, ...] | None = None
depends_on: tuple[str, ...] | None = None

_ID = sa.String(length=36)
_LINK = "system_components"


def upgrade() -> None:
    op.create_table(
        _LINK,
        sa.Column("system_id", _ID, nullable=False),
        sa.Column("component_id", _ID, nullable=False),
        sa.ForeignKeyConstraint(
            ["system_id"],
            ["ai_systems.id"],
            name=op.f(f"fk_{_LINK}_system_id_ai_systems"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["component_id"],
            ["components.id"],
            name=op.f(f"fk_{_LINK}_component_id_components"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("system_id", "component_id", name=op.f(f"pk_{_LINK}")),
    )
    op.create_index(op.f(f"ix_{_LINK}_component_id"), _LINK, ["component_id"], unique=False)
    # Existing findings have no remediation stored: "" until a run sees them again.
    op.add_column(
        "findings",
        sa.Column("remediation", sa.Text(), nullable=False, server_default=""),
    )


def downgrade() -> None:
    op.drop_column("findings", "remediation")
    op.drop_index(op.f(f"ix_{_LINK}_component_id"), table_name=_LINK)
    op.drop_table(_LINK)
