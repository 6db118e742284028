"""The first schema: inventory, runs, findings over time and their triage.

Revision ID: 0001
Revises: (none)

A migration is a snapshot: it spells out its columns instead of importing the models,
which will have moved on by the time a later revision runs after it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.schema import SchemaItem

revision = "0001"
down_revision: str | None = None
branch_labels: tuple[str, ...] | None = None
depends_on: tuple[str, ...] | None = None

_ID = sa.String(length=36)
_TIME = sa.DateTime(timezone=True)
_SEVERITY = "severity BETWEEN 0 AND 4"
_STATES = "state IN ('open', 'accepted-risk', 'false-positive', 'fixed')"
_RUN_JSON = ("counts", "errors", "warnings", "skipped")


def _text(name: str, length: int | None = None) -> sa.Column[str]:
    kind: sa.types.TypeEngine[str] = sa.String(length) if length else sa.Text()
    return sa.Column(name, kind, nullable=False)


def _asset(name: str, *columns: SchemaItem, key: tuple[str, ...] = ("name",)) -> None:
    op.create_table(
        name,
        sa.Column("id", _ID, nullable=False),
        *columns,
        sa.Column("discovered_at", sa.JSON(), nullable=False),
        sa.Column("created_at", _TIME, nullable=False),
        sa.Column("updated_at", _TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{name}")),
        sa.UniqueConstraint(*key, name=op.f(f"uq_{name}_{'_'.join(key)}")),
    )


def _link(name: str, left: tuple[str, str], right: tuple[str, str]) -> None:
    op.create_table(
        name,
        *(sa.Column(column, _ID, nullable=False) for column, _ in (left, right)),
        *(
            sa.ForeignKeyConstraint(
                [column],
                [f"{table}.id"],
                name=op.f(f"fk_{name}_{column}_{table}"),
                ondelete="CASCADE",
            )
            for column, table in (left, right)
        ),
        sa.PrimaryKeyConstraint(left[0], right[0], name=op.f(f"pk_{name}")),
    )
    _index(name, right[0])


def _index(table: str, column: str) -> None:
    op.create_index(op.f(f"ix_{table}_{column}"), table, [column], unique=False)


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete=ondelete
    )


def upgrade() -> None:
    _asset(
        "ai_systems",
        _text("name", 200),
        _text("intended_purpose"),
        _text("owner", 200),
        _text("business_unit", 200),
        _text("lifecycle_stage", 40),
        _text("deployment_context"),
        _text("eu_ai_act_role", 40),
        sa.Column("geography", sa.JSON(), nullable=False),
    )
    _asset(
        "datasets",
        _text("name", 200),
        _text("source"),
        _text("licence", 200),
        _text("sensitivity", 40),
        sa.Column("contains_personal_data", sa.Boolean(), nullable=True),
        sa.Column("digests", sa.JSON(), nullable=False),
    )
    _asset(
        "endpoints",
        _text("url", 2000),
        _text("name", 200),
        _text("authentication", 40),
        key=("url",),
    )
    _asset("vendors", _text("name", 200), _text("website", 2000), _text("contact", 200))
    _asset(
        "models",
        _text("name", 200),
        _text("version", 100),
        _text("framework", 100),
        _text("format", 100),
        sa.Column("digests", sa.JSON(), nullable=False),
        _text("licence", 200),
        _text("source_uri"),
        sa.Column("vendor_id", _ID, nullable=True),
        _fk("models", "vendor_id", "vendors", "SET NULL"),
        key=("name", "version"),
    )
    _index("models", "vendor_id")
    _link("system_models", ("system_id", "ai_systems"), ("model_id", "models"))
    _link("system_datasets", ("system_id", "ai_systems"), ("dataset_id", "datasets"))
    _link("system_endpoints", ("system_id", "ai_systems"), ("endpoint_id", "endpoints"))
    _link("model_datasets", ("model_id", "models"), ("dataset_id", "datasets"))

    op.create_table(
        "scan_runs",
        sa.Column("id", _ID, nullable=False),
        _text("kind", 40),
        sa.Column("targets", sa.JSON(), nullable=False),
        _text("tool_version", 100),
        sa.Column("config", sa.JSON(), nullable=False),
        sa.Column("started_at", _TIME, nullable=False),
        sa.Column("finished_at", _TIME, nullable=True),
        sa.Column("exit_code", sa.Integer(), nullable=True),
        *(sa.Column(name, sa.JSON(), nullable=False) for name in _RUN_JSON),
        sa.Column("recorded_at", _TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scan_runs")),
    )
    _index("scan_runs", "kind")
    _index("scan_runs", "started_at")
    op.create_table(
        "findings",
        sa.Column("id", _ID, nullable=False),
        _text("fingerprint", 64),
        _text("check_id", 200),
        sa.Column("severity", sa.SmallInteger(), nullable=False),
        *(_text(name) for name in ("title", "message", "location", "path")),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("refs", sa.JSON(), nullable=False),
        sa.Column("first_seen_run_id", _ID, nullable=True),
        sa.Column("last_seen_run_id", _ID, nullable=True),
        sa.Column("first_seen_at", _TIME, nullable=False),
        sa.Column("last_seen_at", _TIME, nullable=False),
        sa.Column("occurrences", sa.Integer(), nullable=False),
        sa.CheckConstraint(_SEVERITY, name=op.f("ck_findings_severity")),
        _fk("findings", "first_seen_run_id", "scan_runs", "SET NULL"),
        _fk("findings", "last_seen_run_id", "scan_runs", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_findings")),
        sa.UniqueConstraint("fingerprint", name=op.f("uq_findings_fingerprint")),
    )
    _index("findings", "check_id")
    _index("findings", "severity")
    op.create_table(
        "run_findings",
        sa.Column("run_id", _ID, nullable=False),
        sa.Column("finding_id", _ID, nullable=False),
        sa.Column("severity", sa.SmallInteger(), nullable=False),
        sa.Column("disposition", sa.String(length=20), nullable=True),
        sa.CheckConstraint(_SEVERITY, name=op.f("ck_run_findings_severity")),
        _fk("run_findings", "finding_id", "findings", "CASCADE"),
        _fk("run_findings", "run_id", "scan_runs", "CASCADE"),
        sa.PrimaryKeyConstraint("run_id", "finding_id", name=op.f("pk_run_findings")),
    )
    _index("run_findings", "finding_id")
    op.create_table(
        "triage",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("finding_id", _ID, nullable=False),
        _text("state", 20),
        _text("actor", 200),
        _text("justification"),
        sa.Column("expires_on", sa.Date(), nullable=True),
        sa.Column("created_at", _TIME, nullable=False),
        sa.CheckConstraint(_STATES, name=op.f("ck_triage_state")),
        _fk("triage", "finding_id", "findings", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_triage")),
    )
    _index("triage", "finding_id")


# Children before parents, so that no foreign key is left pointing at a dropped table:
# runs and findings, then the links between assets, then the assets.
_DROP_ORDER = (
    ("triage", "run_findings", "findings", "scan_runs"),
    ("model_datasets", "system_endpoints", "system_datasets", "system_models"),
    ("models", "vendors", "endpoints", "datasets", "ai_systems"),
)


def downgrade() -> None:
    # Dropping a table drops its indexes and constraints with it, on both databases.
    for group in _DROP_ORDER:
        for table in group:
            op.drop_table(table)
