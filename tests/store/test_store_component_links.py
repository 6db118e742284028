"""Revision 0003: systems related to components (``system_components``) and findings'
remediation, on SQLite and PostgreSQL; and the repository methods over them."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, text

from aisec.core.errors import InvalidRecord, RecordNotFound
from aisec.core.finding import Finding, Location
from aisec.core.run import Run
from aisec.core.severity import Severity
from aisec.store import migrate
from aisec.store.component_records import ComponentRecord
from aisec.store.engine import create_store_engine
from aisec.store.records import SystemAsset


@pytest.fixture
def engine(database_url):
    engine = create_store_engine(database_url)
    yield engine
    engine.dispose()


def _tables(engine) -> set[str]:
    return set(inspect(engine).get_table_names())


def _finding_columns(engine) -> set[str]:
    return {c["name"] for c in inspect(engine).get_columns("findings")}


def test_0003_upgrades_from_0002_keeping_findings_and_downgrades_back(engine):
    migrate.upgrade(engine, "0002")
    assert "system_components" not in _tables(engine)
    assert "remediation" not in _finding_columns(engine)
    now = "2026-01-01 00:00:00"
    with engine.begin() as connection:  # a finding stored before 0003
        connection.execute(
            text(
                "INSERT INTO findings (id, fingerprint, check_id, severity, title, message,"
                " location, path, evidence, refs, first_seen_at, last_seen_at, occurrences)"
                " VALUES ('f1', 'fp', 'c', 3, 't', 'm', 'l', 'p', '{}', '[]', :now, :now, 1)"
            ),
            {"now": now},
        )
    migrate.upgrade(engine, "0003")
    assert "system_components" in _tables(engine)
    with engine.connect() as connection:
        assert migrate.current_revision(connection) == "0003"
        remediation = connection.execute(text("SELECT remediation FROM findings")).scalar()
        assert remediation == ""
    migrate.downgrade(engine, "0002")
    assert "system_components" not in _tables(engine)
    assert "remediation" not in _finding_columns(engine)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM findings")).scalar() == 1
    migrate.downgrade(engine, "base")
    assert _tables(engine) == set()


def _dependency(name: str, category: str = "dependency") -> ComponentRecord:
    return ComponentRecord(category=category, ecosystem="pypi", name=name, version="1")


def test_link_unlink_related_and_systems(store):
    system = store.inventory.upsert(SystemAsset(name="app"))
    other = store.inventory.upsert(SystemAsset(name="batch"))
    torch = store.components.upsert(_dependency("torch"))
    numpy = store.components.upsert(_dependency("numpy"))
    notebook = store.components.upsert(_dependency("eda.ipynb", "notebook"))
    for component in (torch, numpy, notebook, torch):  # linking twice is one link
        store.components.link(system, component)
    store.components.link(other, torch)
    assert [c.name for c in store.components.related(system)] == ["numpy", "torch", "eda.ipynb"]
    assert [c.name for c in store.components.related(system, "notebook")] == ["eda.ipynb"]
    assert [s.name for s in store.components.systems(torch)] == ["app", "batch"]
    store.components.unlink(system, torch)
    store.components.unlink(system, torch)  # and unlinking twice is harmless
    assert [s.name for s in store.components.systems(torch)] == ["batch"]
    # A link changes neither record.
    assert store.components.find("dependency", "pypi", "torch", "1") == torch
    assert store.inventory.find(SystemAsset, "app") == system


def test_links_go_with_either_side(store):
    system = store.inventory.upsert(SystemAsset(name="app"))
    torch = store.components.upsert(_dependency("torch"))
    numpy = store.components.upsert(_dependency("numpy"))
    store.components.link(system, torch)
    store.components.link(system, numpy)
    with store.engine.begin() as connection:
        connection.execute(text("DELETE FROM components WHERE id = :id"), {"id": numpy.id})
    assert [c.name for c in store.components.related(system)] == ["torch"]
    store.inventory.remove(SystemAsset, system.id)
    assert store.components.systems(torch) == []
    with store.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM system_components")).scalar() == 0


def test_linking_needs_stored_records(store):
    system = store.inventory.upsert(SystemAsset(name="app"))
    with pytest.raises(InvalidRecord, match="store it first"):
        store.components.link(system, _dependency("torch"))
    torch = store.components.upsert(_dependency("torch"))
    with pytest.raises(RecordNotFound):
        store.components.link(SystemAsset(id="no-such-id", name="ghost"), torch)


def _run(remediation: str, evidence: dict) -> Run:
    run = Run("scan", ["m.pkl"], "test", {})
    run.findings.append(
        Finding.create(
            check_id="c",
            severity=Severity.HIGH,
            title="t",
            message="m",
            location=Location("m.pkl"),
            remediation=remediation,
            evidence=evidence,
            key="k",
        )
    )
    run.finish()
    return run


def test_remediation_is_kept_and_not_erased_by_a_run_without_one(store):
    store.runs.record(_run("do not load it", {"callable": "os.system"}))
    [finding] = store.findings.list()
    assert finding.remediation == "do not load it"
    store.runs.record(_run("", {}))  # e.g. a BOM import: neither evidence nor advice
    [finding] = store.findings.list()
    assert finding.occurrences == 2
    assert finding.remediation == "do not load it"
    assert finding.evidence == {"callable": "os.system"}
    store.runs.record(_run("load it with weights_only", {"callable": "posix.system"}))
    [finding] = store.findings.list()
    assert finding.remediation == "load it with weights_only"
    assert finding.evidence == {"callable": "posix.system"}
