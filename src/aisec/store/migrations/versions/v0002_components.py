"""Components: what discovery finds beyond models and datasets.

Revision ID: 0002
Revises: 0001

Dependencies, notebooks, AI SDK and loader use, MCP servers; one row per natural key
(category, ecosystem, name, version), with the places it was found (docs/adr/0012).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision: str | None = "0001"
branch_labels: tuple[str, ...] | None = None
depends_on: tuple[str, ...] | None = None

_KEY = ("category", "ecosystem", "name", "version")


def upgrade() -> None:
    op.create_table(
        "components",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("ecosystem", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=500), nullable=False),
        sa.Column("version", sa.String(length=200), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("discovered_at", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_components")),
        sa.UniqueConstraint(*_KEY, name=op.f("uq_components_" + "_".join(_KEY))),
    )


def downgrade() -> None:
    op.drop_table("components")
