"""The governance audit trail.

Revision ID: 0006
Revises: 0005

``audit_entries`` is an append-only log of governance changes (who, what, which object,
what changed), numbered by ``seq`` from 1 without gaps, each with the RFC 6962 leaf hash
of its content. ``audit_checkpoints`` holds Ed25519-signed Merkle roots of the log's
prefixes, which is what makes an edited, deleted or reordered entry detectable
(docs/adr/0018). Neither table has foreign keys: the log outlives what it describes.
Databases from before 0006 start with an empty log.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision: str | None = "0005"
branch_labels: tuple[str, ...] | None = None
depends_on: tuple[str, ...] | None = None

_ID = sa.String(length=36)
_ENTRIES = "audit_entries"
_CHECKPOINTS = "audit_checkpoints"


def upgrade() -> None:
    op.create_table(
        _ENTRIES,
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=100), nullable=False),
        sa.Column("object_kind", sa.String(length=40), nullable=False),
        sa.Column("object_id", sa.String(length=200), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("leaf_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f(f"pk_{_ENTRIES}")),
    )
    op.create_table(
        _CHECKPOINTS,
        sa.Column("id", _ID, nullable=False),
        sa.Column("tree_size", sa.Integer(), nullable=False),
        sa.Column("root_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("signature", sa.String(length=128), nullable=False),
        sa.Column("key_id", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{_CHECKPOINTS}")),
    )
    op.create_index(op.f(f"ix_{_CHECKPOINTS}_tree_size"), _CHECKPOINTS, ["tree_size"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f(f"ix_{_CHECKPOINTS}_tree_size"), table_name=_CHECKPOINTS)
    op.drop_table(_CHECKPOINTS)
    op.drop_table(_ENTRIES)
