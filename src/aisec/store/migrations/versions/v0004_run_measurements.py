"""Runs keep their measurements.

Revision ID: 0004
Revises: 0003

``run_measurements`` holds each measurement of a run (an assurance test's rates, AUCs,
disparities with their intervals), in the run's order, so that governance can cite them as
evidence; rows go with their run. ``value`` is NULL for NaN, which SQLite cannot store.
Runs recorded before 0004 have no rows: their measurements were never stored.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision: str | None = "0003"
branch_labels: tuple[str, ...] | None = None
depends_on: tuple[str, ...] | None = None

_ID = sa.String(length=36)
_TABLE = "run_measurements"


def upgrade() -> None:
    op.create_table(
        _TABLE,
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("run_id", _ID, nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("ci_low", sa.Float(), nullable=True),
        sa.Column("ci_high", sa.Float(), nullable=True),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("unit", sa.String(length=40), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["scan_runs.id"],
            name=op.f(f"fk_{_TABLE}_run_id_scan_runs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{_TABLE}")),
    )
    op.create_index(op.f(f"ix_{_TABLE}_run_id"), _TABLE, ["run_id"], unique=False)
    op.create_index(op.f(f"ix_{_TABLE}_name"), _TABLE, ["name"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f(f"ix_{_TABLE}_name"), table_name=_TABLE)
    op.drop_index(op.f(f"ix_{_TABLE}_run_id"), table_name=_TABLE)
    op.drop_table(_TABLE)
