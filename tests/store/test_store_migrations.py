"""Migrations: up from empty, down to empty, and the models equal to the migrated schema."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from aisec.core.errors import StoreError
from aisec.store import migrate, open_store
from aisec.store.engine import create_store_engine
from aisec.store.models import Base

TABLES = {
    "ai_systems",
    "models",
    "datasets",
    "endpoints",
    "vendors",
    "system_models",
    "system_datasets",
    "system_endpoints",
    "model_datasets",
    "scan_runs",
    "findings",
    "run_findings",
    "triage",
    "components",  # 0002, discovery (tests/discovery/test_components_store.py)
    "system_components",  # 0003 (tests/store/test_store_component_links.py)
    "run_measurements",  # 0004 (tests/store/test_store_measurements.py)
    "assessments",  # 0005 (tests/store/test_store_assessments.py)
    "audit_entries",  # 0006 (tests/store/test_store_audit.py, tests/governance/test_audit.py)
    "audit_checkpoints",  # 0006
    # 0007 (tests/store/test_store_governance.py)
    "run_systems",
    "risks",
    "approvals",
    "evidence",
    "incidents",
    "rights_requests",
    # 0008 (tests/store/test_store_users.py, test_store_notes.py, test_store_jobs.py)
    "users",
    "api_keys",
    "web_sessions",
    "finding_notes",
    "jobs",
    # 0009 (tests/runtime/test_traffic_log_*.py, test_gateway_access_repository.py)
    "gateway_keys",
    "gateway_entries",
    "gateway_checkpoints",
}


@pytest.fixture
def engine(database_url):
    engine = create_store_engine(database_url)
    yield engine
    engine.dispose()


def tables(engine) -> set[str]:
    return set(inspect(engine).get_table_names())


def test_upgrade_from_empty_and_downgrade_to_empty(engine):
    assert tables(engine) == set()
    migrate.upgrade(engine)
    assert tables(engine) == TABLES | {migrate.VERSION_TABLE}
    with engine.connect() as connection:
        assert migrate.current_revision(connection) == migrate.HEAD
    migrate.downgrade(engine, "base")
    assert tables(engine) == set()
    migrate.upgrade(engine)  # and back up again: the downgrade left nothing in the way
    assert tables(engine) == TABLES | {migrate.VERSION_TABLE}


def test_models_match_the_migrated_schema(engine):
    migrate.upgrade(engine)
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={"compare_type": True, "version_table": migrate.VERSION_TABLE},
        )
        assert compare_metadata(context, Base.metadata) == []


def test_models_cover_every_migrated_table():
    assert set(Base.metadata.tables) == TABLES


def test_head_constant_is_the_newest_revision():
    config = migrate._config()
    assert ScriptDirectory.from_config(config).get_heads() == [migrate.HEAD]


def test_upgrade_twice_changes_nothing(engine):
    migrate.upgrade(engine)
    migrate.upgrade(engine)
    with engine.connect() as connection:
        assert migrate.current_revision(connection) == migrate.HEAD
        count = connection.execute(text(f"SELECT count(*) FROM {migrate.VERSION_TABLE}"))
        assert count.scalar() == 1


def test_open_store_upgrades_on_first_use(database_url):
    with open_store(database_url) as store:
        assert tables(store.engine) >= TABLES


def test_open_store_without_upgrade_leaves_the_database_alone(database_url):
    with open_store(database_url, upgrade=False) as store:
        assert tables(store.engine) == set()


def test_a_database_from_a_newer_aisec_is_refused(engine):
    migrate.upgrade(engine)
    with engine.begin() as connection:
        connection.execute(text(f"UPDATE {migrate.VERSION_TABLE} SET version_num = '9999'"))
    with pytest.raises(StoreError, match="cannot migrate") as caught:
        migrate.upgrade(engine)
    assert "upgrade aisec" in (caught.value.hint or "")


def test_foreign_keys_are_enforced(engine):
    migrate.upgrade(engine)
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(text("INSERT INTO system_models VALUES ('no-system', 'no-model')"))


@pytest.mark.parametrize("dialect", ["sqlite://", "postgresql+psycopg://"])
def test_upgrade_sql_is_written_for_review(dialect):
    sql = migrate.upgrade_sql(dialect)
    assert "CREATE TABLE findings" in sql
    assert migrate.VERSION_TABLE in sql


def test_a_migration_that_fails_halfway_leaves_nothing(engine, monkeypatch):
    from alembic.ddl.impl import DefaultImpl
    from alembic.ddl.postgresql import PostgresqlImpl

    calls = []

    def failing(original):
        def create_index(self, index, **kw):
            calls.append(index.name)
            if len(calls) == 3:  # after several tables exist
                raise RuntimeError("disk full")
            return original(self, index, **kw)

        return create_index

    for impl in (DefaultImpl, PostgresqlImpl):
        monkeypatch.setattr(impl, "create_index", failing(impl.create_index))
    with pytest.raises(RuntimeError, match="disk full"):
        migrate.upgrade(engine)
    assert tables(engine) == set()  # DDL is transactional on SQLite too
