"""The inference gateway's tables: its API keys, its traffic log and the log's checkpoints.

Revision ID: 0009
Revises: 0008

``gateway_keys`` hold the SHA-256 of each key (never the key), its scopes and limits.
``gateway_entries`` is one Merkle-hashed record per request, keyed by the writing
gateway's stream and its own sequence number; ``gateway_checkpoints`` sign a stream's
root and keep its frontier, so that pruned entries leave later roots checkable
(docs/adr/0023).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision: str | None = "0008"
branch_labels: tuple[str, ...] | None = None
depends_on: tuple[str, ...] | None = None

_ID = sa.String(length=36)
_AT = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "gateway_keys",
        sa.Column("id", _ID, nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("prefix", sa.String(length=20), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("models", sa.JSON(), nullable=False),
        sa.Column("routes", sa.JSON(), nullable=False),
        sa.Column("rate", sa.Float(), nullable=True),
        sa.Column("burst", sa.Float(), nullable=True),
        sa.Column("daily_quota", sa.Integer(), nullable=True),
        sa.Column("created_at", _AT, nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("expires_at", _AT, nullable=True),
        sa.Column("revoked_at", _AT, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gateway_keys")),
        sa.UniqueConstraint("name", name=op.f("uq_gateway_keys_name")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_gateway_keys_key_hash")),
    )
    op.create_table(
        "gateway_entries",
        sa.Column("stream", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("recorded_at", _AT, nullable=False),
        sa.Column("client", sa.String(length=100), nullable=False),
        sa.Column("model", sa.String(length=100), nullable=False),
        sa.Column("route", sa.String(length=40), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("latency_ms", sa.Float(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("leaf_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("stream", "seq", name=op.f("pk_gateway_entries")),
    )
    op.create_index(op.f("ix_gateway_entries_recorded_at"), "gateway_entries", ["recorded_at"])
    op.create_index(
        "ix_gateway_entries_model_recorded_at", "gateway_entries", ["model", "recorded_at"]
    )
    op.create_table(
        "gateway_checkpoints",
        sa.Column("id", _ID, nullable=False),
        sa.Column("stream", sa.String(length=64), nullable=False),
        sa.Column("tree_size", sa.BigInteger(), nullable=False),
        sa.Column("root_hash", sa.String(length=64), nullable=False),
        sa.Column("frontier", sa.JSON(), nullable=False),
        sa.Column("created_at", _AT, nullable=False),
        sa.Column("signature", sa.String(length=128), nullable=False),
        sa.Column("key_id", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gateway_checkpoints")),
    )
    op.create_index(op.f("ix_gateway_checkpoints_stream"), "gateway_checkpoints", ["stream"])


def downgrade() -> None:
    for table in ("gateway_checkpoints", "gateway_entries", "gateway_keys"):
        op.drop_table(table)
