"""Revision 0006: the audit log's tables, the repository on the store, and the store's
transactions that governance changes and their audit entries share."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from aisec.store import SystemAsset, migrate
from aisec.store.engine import create_store_engine


@pytest.fixture
def engine(database_url):
    engine = create_store_engine(database_url)
    yield engine
    engine.dispose()


def test_0006_upgrades_from_0005_keeping_assessments_and_downgrades_back(engine):
    migrate.upgrade(engine, "0005")
    assert "audit_entries" not in inspect(engine).get_table_names()
    migrate.upgrade(engine, "0006")
    with engine.connect() as connection:
        assert migrate.current_revision(connection) == "0006"
        assert connection.execute(text("SELECT count(*) FROM audit_entries")).scalar() == 0
    assert inspect(engine).get_pk_constraint("audit_entries")["constrained_columns"] == ["seq"]
    indexes = {i["name"] for i in inspect(engine).get_indexes("audit_checkpoints")}
    assert indexes == {"ix_audit_checkpoints_tree_size"}
    assert inspect(engine).get_foreign_keys("audit_entries") == []  # the log outlives objects
    migrate.downgrade(engine, "0005")
    tables = set(inspect(engine).get_table_names())
    assert "assessments" in tables
    assert not tables & {"audit_entries", "audit_checkpoints"}
    migrate.downgrade(engine, "base")
    assert inspect(engine).get_table_names() == []


def test_a_seq_is_never_stored_twice(engine):
    migrate.upgrade(engine)
    insert = text(
        "INSERT INTO audit_entries (seq, recorded_at, actor, action, object_kind, object_id,"
        " payload, leaf_hash) VALUES (1, :now, 'a', 'b', 'c', 'd', '{}', '00')"
    )
    with engine.begin() as connection:
        connection.execute(insert, {"now": "2026-01-01 00:00:00"})
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(insert, {"now": "2026-01-01 00:00:00"})


def test_the_store_has_an_audit_repository(store):
    entry = store.audit.append("dpo", "risk.accepted", "risk", "r1", {"until": "2027-01-01"})
    assert entry.seq == 1 and entry.leaf_hash == entry.computed_leaf().hex()
    assert [e.seq for e in store.audit.iter_entries()] == [1]
    assert store.audit.size() == 1 and store.audit.checkpoints() == []


def test_a_store_transaction_keeps_all_or_nothing(store):
    store.inventory.upsert(SystemAsset(name="cv-screener"))
    fields = {
        "framework": "eu-ai-act", "answers": {}, "result": {}, "rationale": [],
        "assessor": "dpo", "as_of": date(2026, 8, 2),
    }  # fmt: skip

    def failing_approval():
        with store.transaction():
            store.assessments.record("cv-screener", "eu-ai-act-classification", **fields)
            store.audit.append("dpo", "approval.granted", "assessment", "x", {})
            raise RuntimeError("the approval failed")

    with pytest.raises(RuntimeError):
        failing_approval()
    assert store.assessments.list() == [] and store.audit.size() == 0
    with store.transaction():
        stored = store.assessments.record("cv-screener", "eu-ai-act-classification", **fields)
        store.audit.append("dpo", "approval.granted", "assessment", stored.id, {})
    assert [e.action for e in store.audit.entries()] == ["assessment.recorded", "approval.granted"]


def test_deleting_a_system_keeps_the_audit_entries_of_its_assessments(store):
    owner = store.inventory.upsert(SystemAsset(name="cv-screener"))
    store.assessments.record(
        owner, "eu-ai-act-classification", framework="eu-ai-act", answers={}, result={},
        rationale=[], assessor="dpo", as_of=date(2026, 8, 2),
    )  # fmt: skip
    (assessment,) = store.assessments.list()
    store.inventory.remove(SystemAsset, owner.id, force=True)
    assert store.assessments.list() == []
    entries = store.audit.entries()
    assert [e.action for e in entries] == ["assessment.recorded", "system.removed"]
    assert entries[-1].payload["removed"] == {"assessments": [assessment.id]}
