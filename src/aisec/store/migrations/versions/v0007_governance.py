"""AI systems keep their governance registers.

Revision ID: 0007
Revises: 0006

``run_systems`` says which stored runs concern which AI system. ``risks`` is the risk
register (one row per risk id and system: the queried fields as columns, the whole risk as
JSON). ``approvals`` holds human-oversight decisions with an optional expiry, ``evidence``
documents and links with a validity period, ``incidents`` serious incidents with their
Art. 73 deadline, ``rights_requests`` data-subject and redress requests with their answer
deadline; both deadlines are computed when recorded and stored. Every row goes with its
system (a link row with its run too); every change is an audit entry (revision 0006).
Databases from before 0007 start with empty registers.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision: str | None = "0006"
branch_labels: tuple[str, ...] | None = None
depends_on: tuple[str, ...] | None = None

_ID = sa.String(length=36)
_AT = sa.DateTime(timezone=True)
# (table, indexed columns), in creation order; dropped in reverse.
_INDEXES = {
    "run_systems": ["system_id"],
    "risks": ["system_id", "level", "status"],
    "approvals": ["system_id"],
    "evidence": ["system_id", "valid_until"],
    "incidents": ["system_id", "deadline", "status"],
    "rights_requests": ["system_id", "due", "status"],
}


def _system(table: str) -> list[sa.schema.SchemaItem]:
    """The system column and its cascading key, which every table of 0007 has."""
    return [
        sa.Column("system_id", _ID, nullable=False),
        sa.ForeignKeyConstraint(
            ["system_id"],
            ["ai_systems.id"],
            name=op.f(f"fk_{table}_system_id_ai_systems"),
            ondelete="CASCADE",
        ),
    ]


def _one_of(table: str, column: str, values: tuple[str, ...]) -> sa.CheckConstraint:
    allowed = ", ".join(f"'{v}'" for v in values)
    return sa.CheckConstraint(f"{column} IN ({allowed})", name=op.f(f"ck_{table}_{column}"))


def _text(name: str, length: int | None = None, *, nullable: bool = False) -> sa.Column[str]:
    kind = sa.Text() if length is None else sa.String(length=length)
    return sa.Column(name, kind, nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "run_systems",
        sa.Column("run_id", _ID, nullable=False),
        *_system("run_systems"),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["scan_runs.id"],
            name=op.f("fk_run_systems_run_id_scan_runs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("run_id", "system_id", name=op.f("pk_run_systems")),
    )
    op.create_table(
        "risks",
        sa.Column("id", sa.String(length=64), nullable=False),
        *_system("risks"),
        _text("title"),
        _text("threat", 40, nullable=True),
        sa.Column("likelihood", sa.SmallInteger(), nullable=False),
        sa.Column("impact", sa.SmallInteger(), nullable=False),
        sa.Column("residual_likelihood", sa.SmallInteger(), nullable=True),
        sa.Column("residual_impact", sa.SmallInteger(), nullable=True),
        _text("level", 20),
        _text("status", 20),
        _text("owner", 200),
        _text("treatment", 20, nullable=True),
        sa.Column("due", sa.Date(), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("created_at", _AT, nullable=False),
        sa.Column("updated_at", _AT, nullable=False),
        _one_of("risks", "status", ("proposed", "open", "treated", "accepted", "closed")),
        sa.PrimaryKeyConstraint("id", "system_id", name=op.f("pk_risks")),
    )
    op.create_table(
        "approvals",
        sa.Column("id", _ID, nullable=False),
        *_system("approvals"),
        _text("scope", 200),
        _text("decision", 20),
        _text("approver", 200),
        _text("justification"),
        sa.Column("decided_at", _AT, nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=True),
        sa.Column("recorded_at", _AT, nullable=False),
        _one_of("approvals", "decision", ("approved", "rejected")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_approvals")),
    )
    op.create_table(
        "evidence",
        sa.Column("id", _ID, nullable=False),
        *_system("evidence"),
        _text("title"),
        _text("kind", 20),
        _text("reference"),
        sa.Column("refs", sa.JSON(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=True),
        _text("recorded_by", 200),
        sa.Column("recorded_at", _AT, nullable=False),
        _one_of("evidence", "kind", ("document", "run", "finding", "assessment")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence")),
    )
    op.create_table(
        "incidents",
        sa.Column("id", _ID, nullable=False),
        *_system("incidents"),
        _text("title"),
        _text("description"),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.Column("death", sa.Boolean(), nullable=False),
        sa.Column("widespread", sa.Boolean(), nullable=False),
        sa.Column("aware_at", _AT, nullable=False),
        sa.Column("deadline", _AT, nullable=False),
        _text("legal_basis", 200),
        _text("status", 30),
        sa.Column("initial_report_at", _AT, nullable=True),
        sa.Column("complete_report_at", _AT, nullable=True),
        sa.Column("corrective_actions", sa.JSON(), nullable=False),
        _text("recorded_by", 200),
        sa.Column("recorded_at", _AT, nullable=False),
        _one_of(
            "incidents",
            "status",
            ("open", "initial-report-sent", "complete-report-sent", "closed"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incidents")),
    )
    op.create_table(
        "rights_requests",
        sa.Column("id", _ID, nullable=False),
        *_system("rights_requests"),
        _text("kind", 20),
        sa.Column("received_at", _AT, nullable=False),
        sa.Column("extended", sa.Boolean(), nullable=False),
        sa.Column("due", _AT, nullable=False),
        _text("legal_basis", 200),
        _text("status", 20),
        sa.Column("answered_at", _AT, nullable=True),
        _text("recorded_by", 200),
        sa.Column("recorded_at", _AT, nullable=False),
        _one_of(
            "rights_requests", "kind", ("access", "erasure", "objection", "explanation", "other")
        ),
        _one_of("rights_requests", "status", ("open", "answered", "refused")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rights_requests")),
    )
    for table, columns in _INDEXES.items():
        for column in columns:
            op.create_index(op.f(f"ix_{table}_{column}"), table, [column], unique=False)


def downgrade() -> None:
    for table, columns in reversed(_INDEXES.items()):
        for column in columns:
            op.drop_index(op.f(f"ix_{table}_{column}"), table_name=table)
        op.drop_table(table)
