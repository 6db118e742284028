"""Revision 0007: run links, the risk register, approvals and evidence on SQLite and
PostgreSQL; every change with its audit entry, and the log still verifying after all of
them. Incidents, requests and the migration: test_store_governance_deadlines.py."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from aisec.core.errors import InvalidRecord, RecordNotFound
from aisec.core.run import Run
from aisec.governance.audit import AuditLog, SigningKey
from aisec.governance.risks.model import STATUSES, Risk, edit, risk_id
from aisec.store import SystemAsset
from aisec.store.models.governance import RISK_STATUSES
from aisec.store.session import clean, clean_data

DAY = date(2026, 9, 1)
NOON = datetime(2026, 9, 1, 12, tzinfo=UTC)


def system(store, name: str = "cv-screener") -> SystemAsset:
    return store.inventory.upsert(SystemAsset(name=name))


def make_run(kind: str = "scan") -> Run:
    run = Run(kind, ["a.pkl"], "0.1.0", {"fail_on": "high"})
    run.finish()
    return run


def make_risk(system_name: str = "cv-screener", **changes: Any) -> Risk:
    fields: dict[str, Any] = {
        "id": risk_id(system_name, "AML.T0015", "findings"),
        "system": system_name,
        "title": "Evade AI Model",
        "threat": "AML.T0015",
        "likelihood": 3,
        "impact": 4,
        "likelihood_rationale": "robust accuracy is low",
        "impact_rationale": "wrong hires",
    }
    return Risk(**(fields | changes))


def actions(store) -> list[str]:
    return [e.action for e in store.audit.entries()]


def count(store, table: str) -> int:
    with store.engine.connect() as connection:
        return connection.execute(text(f"SELECT count(*) FROM {table}")).scalar()


# -- runs -----------------------------------------------------------------------------------


def test_runs_link_to_systems_once_and_are_read_back_per_system(store):
    owner, other = system(store), system(store, "chatbot")
    scan, test = store.runs.record(make_run()), store.runs.record(make_run("test"))
    assert store.runs.link_system(scan.id, "cv-screener", actor="ci") is True
    assert store.runs.link_system(scan.id, owner) is False  # idempotent, no second entry
    assert store.runs.link_system(test.id, owner.id) is True
    assert store.runs.link_system(test.id, other) is True
    assert {r.id for r in store.runs.for_system(owner)} == {scan.id, test.id}
    assert [r.id for r in store.runs.for_system(owner, kind="test")] == [test.id]
    assert [r.id for r in store.runs.for_system("chatbot")] == [test.id]
    assert actions(store) == ["run.linked"] * 3
    (first, *_) = store.audit.entries()
    assert (first.actor, first.object_kind, first.object_id) == ("ci", "run", scan.id)
    assert first.payload["system"] == "cv-screener" and first.payload["kind"] == "scan"


def test_run_links_go_with_their_run_or_their_system(store):
    owner, other = system(store), system(store, "chatbot")
    kept, dropped = store.runs.record(make_run()), store.runs.record(make_run())
    for run in (kept, dropped):
        store.runs.link_system(run.id, owner)
        store.runs.link_system(run.id, other)
    with store.engine.begin() as connection:  # runs have no remove(): as a purge would
        connection.execute(text("DELETE FROM scan_runs WHERE id = :id"), {"id": dropped.id})
    assert [r.id for r in store.runs.for_system(owner)] == [kept.id]
    store.inventory.remove(SystemAsset, other.id, force=True)
    assert count(store, "run_systems") == 1 and store.runs.get(kept.id) is not None
    removed = store.audit.entries()[-1]
    assert (removed.action, removed.object_id) == ("system.removed", other.id)
    assert removed.payload["removed"] == {"run links": [kept.id]}


def test_linking_needs_a_stored_run_and_system(store):
    system(store)
    run = store.runs.record(make_run())
    with pytest.raises(RecordNotFound, match="no stored run"):
        store.runs.link_system("00000000-0000-0000-0000-000000000000", "cv-screener")
    with pytest.raises(InvalidRecord, match="not a UUID"):
        store.runs.link_system("nope", "cv-screener")
    with pytest.raises(RecordNotFound, match="no AI system"):
        store.runs.link_system(run.id, "nobody")
    assert count(store, "run_systems") == 0 and store.audit.size() == 0


# -- risks ----------------------------------------------------------------------------------


def test_the_register_shares_the_risk_model_s_statuses():
    assert RISK_STATUSES == STATUSES


def test_risks_round_trip_and_every_change_is_an_audit_entry(store):
    owner = system(store)
    risk = make_risk()
    assert store.risks.upsert(risk) == risk
    assert store.risks.upsert(risk) == risk  # unchanged: nothing written
    assert actions(store) == ["risk.recorded"]
    owned = edit(risk, owner="ciso", status="open", due=date(2026, 12, 1), likelihood=4)
    assert store.risks.upsert(owned, actor="ciso") == owned
    assert store.risks.get(risk.id) == owned == store.risks.get(risk.id, owner)
    assert store.risks.list("cv-screener") == [owned]
    assert store.risks.list(status="open") == [owned] and store.risks.list(status="closed") == []
    *_, update = store.audit.entries()
    assert (update.action, update.actor, update.object_id) == ("risk.updated", "ciso", risk.id)
    assert update.payload["changed"] == ["due", "edited", "likelihood", "owner", "status"]
    assert Risk.from_dict(update.payload["risk"]) == owned  # the history holds each version
    with store.engine.connect() as connection:
        row = connection.execute(text("SELECT level, status, owner, due FROM risks")).one()
    assert (row.level, row.status, row.owner) == ("critical", "open", "ciso")
    assert str(row.due).startswith("2026-12-01")


def test_risks_are_listed_worst_first_and_go_with_their_system(store):
    system(store), system(store, "chatbot")
    low = make_risk(likelihood=1, impact=2)
    high = make_risk("chatbot", likelihood=5, impact=5)
    other = make_risk(id="R-other", threat=None, threat_reason="a duty", likelihood=2, impact=3)
    for risk in (low, high, other):
        store.risks.upsert(risk)
    assert store.risks.list() == [high, other, low]
    chatbot = store.inventory.find(SystemAsset, "chatbot")
    with pytest.raises(InvalidRecord, match=r"system 'chatbot' has governance records \(1 risks\)"):
        store.inventory.remove(SystemAsset, chatbot.id)
    assert store.risks.get(high.id) == high  # refused: nothing went
    store.inventory.remove(SystemAsset, chatbot.id, force=True, actor="admin")
    assert store.risks.list() == [other, low] and store.risks.get(high.id) is None
    # The log outlives the risks, and says what went with the system.
    assert actions(store) == ["risk.recorded"] * 3 + ["system.removed"]
    removed = store.audit.entries()[-1]
    assert removed.actor == "admin"
    assert removed.payload == {
        "name": "chatbot", "counts": {"risks": 1}, "removed": {"risks": [high.id]},
    }  # fmt: skip


def test_risk_refusals_write_nothing(store):
    system(store)
    with pytest.raises(RecordNotFound):
        store.risks.upsert(make_risk("nobody"))
    with pytest.raises(InvalidRecord, match="owner is longer than 200"):
        store.risks.upsert(make_risk(owner="o" * 201))
    with pytest.raises(InvalidRecord, match="Risk records"):
        store.risks.upsert({"id": "R-1"})
    assert count(store, "risks") == 0 and store.audit.size() == 0
    insert = text(
        "INSERT INTO risks (id, system_id, title, likelihood, impact, level, status, owner,"
        " data, created_at, updated_at) SELECT 'R-x', id, 't', 1, 1, 'low', 'maybe', '', '{}',"
        " :now, :now FROM ai_systems"
    )
    with pytest.raises(IntegrityError), store.engine.begin() as connection:
        connection.execute(insert, {"now": "2026-01-01 00:00:00"})


# -- approvals ------------------------------------------------------------------------------


def approve(store, decision: str = "approved", **changes: Any):
    fields = {"approver": "head of hr", "justification": "reviewed", "decided_at": NOON}
    return store.approvals.record("cv-screener", "deployment", decision, **(fields | changes))


def test_the_current_approval_is_the_latest_unexpired_decision(store):
    system(store)
    assert store.approvals.current("cv-screener", "deployment", DAY) is None
    lasting = approve(store)
    assert store.approvals.current("cv-screener", "deployment", DAY) == lasting
    assert store.approvals.current("cv-screener", "deployment", DAY - timedelta(days=1)) is None
    short = approve(store, decided_at=NOON + timedelta(days=1), expires_on=date(2026, 9, 30))
    rejected = approve(
        store, "rejected", decided_at=NOON + timedelta(days=40), expires_on=date(2026, 12, 31)
    )
    at = store.approvals.current
    assert at("cv-screener", "deployment", date(2026, 9, 30)) == short  # expiry day counts
    assert at("cv-screener", "deployment", date(2026, 10, 1)) == lasting  # short lapsed
    assert at("cv-screener", "deployment", date(2026, 10, 11)) == rejected  # withdrawn
    assert at("cv-screener", "deployment", date(2027, 1, 1)) == lasting  # rejection lapsed
    assert at("cv-screener", "model:resnet", date(2026, 10, 1)) is None
    assert store.approvals.list("cv-screener") == [lasting, short, rejected]
    assert store.approvals.list("cv-screener", "model:resnet") == []
    assert actions(store) == ["approval.recorded"] * 3
    assert store.audit.entries()[0].payload["decision"] == "approved"


@pytest.mark.parametrize(
    ("decision", "changes", "message"),
    [
        ("maybe", {}, "unknown decision 'maybe'"),
        ("rejected", {"justification": " "}, "rejection needs a justification"),
        ("approved", {"approver": ""}, "needs its approver"),
        ("approved", {"decided_at": datetime(2026, 9, 1, 12)}, "decided_at has no time zone"),
        ("approved", {"expires_on": date(2026, 8, 31)}, "expire before it was decided"),
        ("approved", {"expires_on": NOON}, "expires_on must be a date"),
    ],
)
def test_approval_refusals_write_nothing(store, decision, changes, message):
    system(store)
    with pytest.raises(InvalidRecord, match=message):
        approve(store, decision, **changes)
    assert count(store, "approvals") == 0 and store.audit.size() == 0


# -- evidence -------------------------------------------------------------------------------


def test_evidence_round_trips_and_expiring_lists_what_lapses(store):
    system(store)

    def record(title: str, until: date | None) -> Any:
        return store.evidence.record(
            "cv-screener",
            title,
            "document",
            f"docs/{title}.pdf",
            recorded_by="dpo",
            refs=["EU-AI-Act:Art.9"],
            valid_from=date(2026, 1, 1),
            valid_until=until,
        )

    ends = (("old", -1), ("soon", 10), ("edge", 30), ("later", 31))
    lapsed, soon, edge, later = (record(t, DAY + timedelta(days=d)) for t, d in ends)
    forever = record("policy", None)
    assert store.evidence.list("cv-screener") == [lapsed, soon, edge, later, forever]
    assert store.evidence.expiring("cv-screener", DAY, 30) == [lapsed, soon, edge]
    assert store.evidence.expiring("cv-screener", DAY, 0) == [lapsed]
    # of every system at once (the dashboard's overview), at most ``limit``
    assert store.evidence.expiring(None, DAY, 30) == [lapsed, soon, edge]
    assert store.evidence.expiring(None, DAY, 30, limit=2) == [lapsed, soon]
    assert lapsed.expired(DAY) and not soon.expired(DAY) and not forever.expired(date.max)
    assert (soon.refs, soon.reference, soon.kind) == (
        ("EU-AI-Act:Art.9",),
        "docs/soon.pdf",
        "document",
    )
    assert actions(store) == ["evidence.recorded"] * 5
    with pytest.raises(InvalidRecord, match="before it is valid from"):
        record("backwards", date(2025, 12, 31))
    with pytest.raises(InvalidRecord, match="refs must be a list"):
        store.evidence.record("cv-screener", "t", "run", "x", recorded_by="a", refs="Art.9")
    with pytest.raises(InvalidRecord, match="unknown kind 'video'"):
        store.evidence.record("cv-screener", "t", "video", "x", recorded_by="a")
    with pytest.raises(InvalidRecord, match="within_days"):
        store.evidence.expiring("cv-screener", DAY, -1)
    assert count(store, "evidence") == 5


def test_a_signed_log_verifies_after_every_kind_of_change(store):
    key = SigningKey.generate()
    log = AuditLog(store, key=key, checkpoint_every=3)  # checkpoints inside the changes
    owner = system(store)
    store.runs.link_system(store.runs.record(make_run()).id, owner)
    store.risks.upsert(make_risk())
    store.risks.upsert(make_risk(likelihood=5))
    approve(store)
    store.evidence.record(owner, "DPIA", "assessment", "a-1", recorded_by="dpo")
    store.incidents.record(owner, "outage", categories={"b"}, aware_at=NOON, recorded_by="sre")
    store.requests.record(owner, "access", received_at=NOON, recorded_by="dpo")
    assert actions(store) == [
        "run.linked",
        "risk.recorded",
        "risk.updated",
        "approval.recorded",
        "evidence.recorded",
        "incident.recorded",
        "request.recorded",
    ]
    report = log.verify(key.public, allow_unsigned_tail=True)
    assert report.ok and report.entries == 7 and len(log.checkpoints()) == 2
    assert not log.verify(key.public).ok  # the 7th entry is unsigned
    store.inventory.remove(SystemAsset, owner.id, force=True)  # the 8th
    log.checkpoint()
    assert log.verify(key.public).ok and actions(store)[-1] == "system.removed"


def test_a_refused_change_in_a_transaction_takes_the_others_with_it(store):
    system(store)

    def risk_then_bad_rejection():
        with store.transaction():
            store.risks.upsert(make_risk())
            approve(store, "rejected", justification="")

    with pytest.raises(InvalidRecord):
        risk_then_bad_rejection()
    assert store.risks.list() == [] and store.audit.size() == 0


# Any character, lone surrogates included, and the two the databases refuse made likely.
characters = st.characters(exclude_categories=()) | st.sampled_from("\x00\udcff\ud800")
hostile = st.text(characters, max_size=40)
named = hostile.filter(lambda s: clean(s).strip() and len(clean(s.strip())) <= 200)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(name=named, words=st.lists(named, min_size=1, max_size=3), free=hostile)
def test_hostile_text_is_stored_visibly(store, name, words, free):
    owner = store.inventory.upsert(SystemAsset(name=name))
    title = words[0]
    risk = store.risks.upsert(make_risk(name, id="R-" + title[:10], title=title, owner=words[-1]))
    assert store.risks.get(risk.id, owner) == risk and risk.title == clean_data(title)
    approval = approve_as(store, owner, words[0], free)
    assert approval.scope == clean(words[0].strip()) and approval.justification == clean(
        free.strip()
    )
    evidence = store.evidence.record(owner, title, "document", title, refs=words, recorded_by=title)
    assert store.evidence.list(owner)[-1] == evidence and evidence.refs == tuple(clean_data(words))
    incident = store.incidents.record(
        owner,
        title,
        categories=["c"],
        aware_at=NOON,
        recorded_by=title,
        description=free,
        corrective_actions=words,
    )
    assert store.incidents.get(incident.id) == incident
    assert incident.description == clean(free.strip())
    assert store.audit.size() > 0


def approve_as(store, owner, scope: str, justification: str):
    return store.approvals.record(
        owner, scope, "approved", approver="x", justification=justification, decided_at=NOON
    )
