"""Revision 0007: serious incidents and data-subject requests with their stored deadlines,
status transitions, and the migration from 0006 and back, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import inspect, text

from aisec.core.errors import InvalidRecord, RecordNotFound
from aisec.governance.deadlines import incident_deadline, request_deadline
from aisec.store import SystemAsset, migrate
from aisec.store.engine import create_store_engine

PARIS = ZoneInfo("Europe/Paris")
AWARE = datetime(2026, 3, 2, 0, 30, tzinfo=PARIS)  # still 1 March in UTC


def system(store, name: str = "cv-screener") -> SystemAsset:
    return store.inventory.upsert(SystemAsset(name=name))


def incident(store, categories=("a",), **changes):
    fields = {"categories": categories, "aware_at": AWARE, "recorded_by": "sre"} | changes
    return store.incidents.record("cv-screener", "wrong rejection", **fields)


def actions(store) -> list[str]:
    return [e.action for e in store.audit.entries()]


@pytest.mark.parametrize(
    ("categories", "flags", "days", "basis"),
    [
        (("a", "d"), {}, 15, "EU AI Act Art. 73(2)"),
        (("a",), {"death": True}, 10, "EU AI Act Art. 73(4)"),
        (("b",), {"death": True}, 2, "EU AI Act Art. 73(3)"),
        (("c",), {"widespread": True}, 2, "EU AI Act Art. 73(3)"),
    ],
)
def test_incident_deadlines_are_computed_where_noticed_and_stored(
    store, categories, flags, days, basis
):
    system(store)
    stored = incident(store, categories, **flags)
    # Midnight in Paris, 2 March + days: the UTC date of awareness would give a day less.
    due = datetime(2026, 3, 2 + days, 23, 59, 59, 999999, tzinfo=PARIS)
    assert stored.deadline == due and stored.deadline.tzinfo is UTC
    assert stored.deadline == incident_deadline(categories, AWARE, **flags).due
    assert (stored.legal_basis, stored.status, stored.categories) == (basis, "open", categories)
    assert stored.aware_at == AWARE and stored.aware_at.tzinfo is UTC
    assert store.incidents.get(stored.id) == stored
    assert store.incidents.list() == [stored]
    (entry,) = store.audit.entries()
    assert (entry.action, entry.object_id) == ("incident.recorded", stored.id)
    assert entry.payload["deadline"] == stored.deadline.isoformat()
    assert "description" not in entry.payload["fields"]  # personal data: hashed only


def test_a_non_serious_incident_is_refused_and_nothing_written(store):
    system(store)
    with pytest.raises(InvalidRecord, match="not a serious incident") as caught:
        incident(store, ())
    assert "Art. 3(49)" in (caught.value.hint or "")
    with pytest.raises(InvalidRecord, match="unknown Art"):
        incident(store, ("z",))
    with pytest.raises(InvalidRecord, match="aware_at has no time zone"):
        incident(store, aware_at=datetime(2026, 3, 2))
    with pytest.raises(InvalidRecord, match="categories must be a list"):
        incident(store, "a")
    assert store.incidents.list() == [] and store.audit.size() == 0


def test_incident_status_moves_forward_only(store):
    system(store)
    made = incident(store)
    with pytest.raises(InvalidRecord, match="an incident open cannot become closed"):
        store.incidents.update(made.id, actor="dpo", status="closed")
    sent = datetime(2026, 3, 3, 9, tzinfo=UTC)
    first = store.incidents.update(
        made.id, actor="dpo", status="initial-report-sent", initial_report_at=sent
    )
    assert (first.status, first.initial_report_at) == ("initial-report-sent", sent)
    done = store.incidents.update(
        made.id,
        actor="dpo",
        status="complete-report-sent",
        corrective_actions=["retrain", "human review"],
    )
    assert done.complete_report_at is not None and done.corrective_actions[1] == "human review"
    closed = store.incidents.update(made.id, actor="dpo", status="closed")
    assert store.incidents.update(made.id, actor="dpo", status="closed") == closed  # no-op
    for status in ("open", "initial-report-sent", "reopened"):
        with pytest.raises(InvalidRecord):
            store.incidents.update(made.id, actor="dpo", status=status)
    with pytest.raises(InvalidRecord, match="cannot change \\['system_id'\\]"):
        store.incidents.update(made.id, actor="dpo", system_id="x")
    with pytest.raises(RecordNotFound):
        store.incidents.update("nope", actor="dpo", status="closed")
    assert store.incidents.get(made.id) == closed
    assert store.incidents.list(open_only=True) == [] and store.incidents.list("cv-screener")
    assert actions(store) == ["incident.recorded"] + ["incident.updated"] * 3
    assert store.audit.entries()[1].payload["changed"] == ["initial_report_at", "status"]


def test_a_reclassified_incident_gets_its_deadline_again(store):
    system(store)
    made = incident(store)
    with pytest.raises(InvalidRecord, match="needs aware_at again"):
        store.incidents.update(made.id, actor="dpo", death=True)
    worse = store.incidents.update(made.id, actor="dpo", death=True, aware_at=AWARE)
    assert worse.deadline == made.deadline - timedelta(days=5)
    assert worse.legal_basis == "EU AI Act Art. 73(4)"
    with pytest.raises(InvalidRecord, match="not a serious incident"):
        store.incidents.update(made.id, actor="dpo", death=False, categories=[], aware_at=AWARE)
    assert store.incidents.get(made.id) == worse


def test_requests_get_their_due_date_and_are_answered_once(store):
    system(store)
    received = datetime(2026, 1, 31, 23, 30, tzinfo=PARIS)
    access = store.requests.record("cv-screener", "access", received_at=received, recorded_by="dpo")
    assert access.due == request_deadline(received).due and access.status == "open"
    assert access.due.tzinfo is UTC and access.legal_basis == "GDPR Art. 12(3)"
    why = store.requests.record(
        "cv-screener", "explanation", received_at=received, recorded_by="dpo", extended=True
    )
    assert why.due == request_deadline(received, extended=True, basis="ai-act-art-86").due
    assert "Art. 86" in why.legal_basis
    assert store.requests.list() == [access, why]  # soonest due first
    with pytest.raises(InvalidRecord, match="needs received_at again"):
        store.requests.update(access.id, actor="dpo", extended=True)
    longer = store.requests.update(access.id, actor="dpo", extended=True, received_at=received)
    assert longer.due == why.due
    answered = store.requests.update(access.id, actor="dpo", status="answered")
    assert answered.answered_at is not None
    with pytest.raises(InvalidRecord, match="request answered cannot change"):
        store.requests.update(access.id, actor="dpo", status="refused")
    with pytest.raises(InvalidRecord, match="unknown kind 'complaint'"):
        store.requests.record("cv-screener", "complaint", received_at=received, recorded_by="a")
    assert store.requests.list(open_only=True) == [why]
    assert store.requests.get(access.id) == answered
    assert actions(store) == ["request.recorded"] * 2 + ["request.updated"] * 2


def test_cases_go_with_their_system_and_their_entries_stay(store):
    owner = system(store)
    incident(store)
    request = store.requests.record(owner, "erasure", received_at=AWARE, recorded_by="dpo")
    (case,) = store.incidents.list()
    with pytest.raises(InvalidRecord, match="1 incidents, 1 requests"):
        store.inventory.remove(SystemAsset, owner.id)
    store.inventory.remove(SystemAsset, owner.id, force=True)
    assert store.incidents.list() == [] and store.requests.list() == []
    assert actions(store) == ["incident.recorded", "request.recorded", "system.removed"]
    assert store.audit.entries()[-1].payload["counts"] == {"incidents": 1, "requests": 1}
    assert store.audit.entries()[-1].payload["removed"]["incidents"] == [case.id]
    assert store.audit.entries()[-1].payload["removed"]["requests"] == [request.id]


# -- the migration -------------------------------------------------------------------------

ENTRY = text(
    "INSERT INTO audit_entries (seq, recorded_at, actor, action, object_kind, object_id,"
    " payload, leaf_hash) VALUES (1, :now, 'a', 'b', 'c', 'd', '{}', '0')"
)
TABLES = {"run_systems", "risks", "approvals", "evidence", "incidents", "rights_requests"}


@pytest.fixture
def engine(database_url):
    engine = create_store_engine(database_url)
    yield engine
    engine.dispose()


def test_0007_upgrades_from_0006_keeping_the_log_and_downgrades_back(engine):
    migrate.upgrade(engine, "0006")
    assert not TABLES & set(inspect(engine).get_table_names())
    with engine.begin() as connection:
        connection.execute(ENTRY, {"now": "2026-01-01 00:00:00"})
    migrate.upgrade(engine, "0007")
    with engine.connect() as connection:
        assert migrate.current_revision(connection) == "0007"
    for table in TABLES:
        keys = inspect(engine).get_foreign_keys(table)
        assert keys and all(k["options"].get("ondelete") == "CASCADE" for k in keys), table
    link_targets = {k["referred_table"] for k in inspect(engine).get_foreign_keys("run_systems")}
    assert link_targets == {"scan_runs", "ai_systems"}
    assert inspect(engine).get_pk_constraint("risks")["constrained_columns"] == ["id", "system_id"]
    checks = {c["name"] for c in inspect(engine).get_check_constraints("rights_requests")}
    assert checks == {"ck_rights_requests_kind", "ck_rights_requests_status"}
    migrate.downgrade(engine, "0006")
    assert not TABLES & set(inspect(engine).get_table_names())
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM audit_entries")).scalar() == 1
    migrate.downgrade(engine, "base")
    assert inspect(engine).get_table_names() == []
