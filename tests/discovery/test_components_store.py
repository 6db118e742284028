"""The components table (migration 0002) and its repository, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from aisec.core.errors import InvalidRecord
from aisec.store import Place, migrate, open_store
from aisec.store.component_records import ComponentRecord
from aisec.store.engine import create_store_engine
from aisec.store.models import Base


@pytest.fixture
def engine(database_url):
    engine = create_store_engine(database_url)
    yield engine
    engine.dispose()


def tables(engine) -> set[str]:
    return set(inspect(engine).get_table_names())


def test_upgrade_adds_components_and_downgrade_removes_them(engine):
    migrate.upgrade(engine, "0001")
    assert "components" not in tables(engine)
    migrate.upgrade(engine)
    assert "components" in tables(engine)
    columns = {c["name"] for c in inspect(engine).get_columns("components")}
    assert {"category", "ecosystem", "name", "version", "details", "discovered_at"} <= columns
    migrate.downgrade(engine, "0001")
    assert "components" not in tables(engine) and "models" in tables(engine)
    migrate.downgrade(engine, "base")
    assert tables(engine) == set()
    migrate.upgrade(engine)
    assert "components" in tables(engine)


def test_models_match_the_migrated_schema(engine):
    migrate.upgrade(engine)
    with engine.connect() as connection:
        opts = {"compare_type": True, "version_table": migrate.VERSION_TABLE}
        context = MigrationContext.configure(connection, opts=opts)
        assert compare_metadata(context, Base.metadata) == []


def dependency(*places: Place, **details) -> ComponentRecord:
    return ComponentRecord(
        category="dependency",
        ecosystem="pypi",
        name="torch",
        version="2.3.1",
        details=details or {"sources": ["requirements.txt"]},
        discovered_at=places,
    )


def test_upsert_merges_places_and_keeps_one_row(database_url):
    with open_store(database_url) as store:
        first = store.components.upsert(dependency(Place("requirements.txt", 2)))
        again = store.components.upsert(dependency(Place("requirements.txt", 2)))
        assert again == first  # unchanged: not even updated_at moves
        merged = store.components.upsert(dependency(Place("poetry.lock", 6)))
        assert merged.id == first.id
        assert merged.discovered_at == (Place("requirements.txt", 2), Place("poetry.lock", 6))
        assert len(store.components.list()) == 1
        assert store.components.list("sdk") == []
        found = store.components.find("dependency", "pypi", "torch", "2.3.1")
        assert found == merged
        assert store.components.find("dependency", "pypi", "torch", "9") is None


def test_details_are_replaced_when_given(database_url):
    with open_store(database_url) as store:
        store.components.upsert(dependency(sources=["a"]))
        updated = store.components.upsert(dependency(sources=["b"]))
        assert updated.details == {"sources": ["b"]}


def test_hostile_text_is_stored(database_url):
    with open_store(database_url) as store:
        odd = ComponentRecord(
            category="mcp-server", ecosystem="mcp", name="bad\x00name\udcff", details={"k": "\x00"}
        )
        stored = store.components.upsert(odd)
        assert stored.name == "bad\\x00name\\xff"


def test_a_record_needs_category_and_name():
    with pytest.raises(InvalidRecord):
        ComponentRecord(category="", name="x")
    with pytest.raises(InvalidRecord):
        ComponentRecord(category="sdk", name=" ")


def test_recording_long_names_fits_the_columns(database_url, tmp_path):
    from aisec.discovery import discover, record
    from aisec.store import DatasetAsset

    root = tmp_path / "repo"
    deep = root.joinpath(*(["d" * 60] * 5))
    deep.mkdir(parents=True)
    (deep / "data.jsonl").write_text('{"a": 1}\n{"a": 2}\n{"a": 3}\n')
    (root / "requirements.txt").write_text("torch @ https://example.org/" + "x" * 400 + ".whl\n")
    with open_store(database_url) as store:
        record(discover(root), store)
        (dataset,) = store.inventory.list(DatasetAsset)
        assert len(dataset.name) == 200 and dataset.name.endswith("/data.jsonl")
        (dep,) = store.components.list("dependency")
        assert len(dep.version) == 200 and dep.version.endswith(".whl")


def test_recording_into_a_system_links_everything_once(database_url, repository):
    from aisec.discovery import discover, record
    from aisec.store import DatasetAsset, ModelAsset, SystemAsset

    report = discover(repository)
    with open_store(database_url) as store:
        store.inventory.upsert(SystemAsset(name="app", owner="ml-team"))
        recorded = record(report, store, system="app")
        assert recorded.system == "app"
        record(discover(repository), store, system="app")  # again: nothing new
        system = store.inventory.find(SystemAsset, "app")
        assert system is not None and system.owner == "ml-team"  # its fields are kept
        assert len(system.model_ids) == len(store.inventory.list(ModelAsset)) > 0
        assert len(system.dataset_ids) == len(store.inventory.list(DatasetAsset)) > 0
        assert store.components.related(system) == store.components.list()
        # Without a system, nothing is linked to one.
        record(discover(repository), store)
        assert store.inventory.list(SystemAsset) == [system]
