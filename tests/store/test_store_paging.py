"""Pages of findings and runs, and the findings summary, on both databases."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import event

from aisec.core.errors import UsageError
from aisec.core.finding import Finding, Location
from aisec.core.run import Run
from aisec.core.severity import Severity
from aisec.store import FindingFilter, SystemAsset, TriageState
from aisec.store.server_records import AGE_BUCKETS

TODAY = date(2025, 6, 30)


def finding(key, severity=Severity.HIGH, check="modelfile.pickle.dangerous-call", path=None):
    return Finding.create(
        check_id=check,
        severity=severity,
        title=check,
        message="m",
        location=Location(path or f"models/{key}.pkl"),
        key=key,
    )


def record(store, *findings, kind="scan", started=None):
    run = Run(kind, ["."], "0.1.0", {"fail_on": "high"}, findings=list(findings))
    if started is not None:
        run.started_at = started
    run.finish()
    return store.runs.record(run)


def days_ago(days, hour=12):
    return datetime.combine(TODAY - timedelta(days=days), time(hour), UTC)


def keys(found):
    return [f.fingerprint for f in found]


@pytest.fixture
def many(store):
    # Findings alike but for their key: their order rests on the tie-breaker alone.
    alike = [finding(f"same{i}", path="models/same.pkl") for i in range(5)]
    varied = [finding(f"v{i}", Severity(i % 5), f"check.{'ab'[i % 2]}.{i % 3}") for i in range(12)]
    record(store, *alike, *varied[:6])
    record(store, *varied[6:])
    return store


def test_pages_add_up_to_the_list(many):
    for where in (
        None,
        FindingFilter(min_severity=Severity.HIGH),
        FindingFilter(check_id="check.a.*"),
        FindingFilter(path="models/same.pkl"),
    ):
        everything = keys(many.findings.list(where, today=TODAY))
        pages = []
        for offset in range(0, len(everything) + 3, 3):
            items, total = many.findings.page(where, offset=offset, limit=3, today=TODAY)
            assert total == len(everything)
            pages.extend(keys(items))
        assert pages == everything


def test_page_beyond_the_end_and_bad_bounds(many):
    total = len(many.findings.list())
    assert many.findings.page(offset=total, limit=5) == ([], total)
    with pytest.raises(UsageError):
        many.findings.page(offset=-1, limit=5)
    with pytest.raises(UsageError):
        many.findings.page(offset=0, limit=0)


def test_page_by_state(many):
    first = many.findings.list()[0]
    many.findings.set_triage(first.fingerprint, TriageState.FIXED, actor="alice")
    items, total = many.findings.page(FindingFilter(state=TriageState.FIXED), offset=0, limit=5)
    assert (keys(items), total) == ([first.fingerprint], 1)
    open_items, open_total = many.findings.page(
        FindingFilter(state=TriageState.OPEN), offset=0, limit=100
    )
    assert open_total == len(many.findings.list()) - 1 == len(open_items)


def test_findings_and_runs_of_a_system(store):
    web = store.inventory.add(SystemAsset(name="web"))
    chat = store.inventory.add(SystemAsset(name="chat"))
    a, b, c = finding("a"), finding("b"), finding("c")
    first = record(store, a, b, started=days_ago(3))
    second = record(store, b, c, kind="test", started=days_ago(2))
    third = record(store, c, started=days_ago(1))
    store.runs.link_system(first.id, web)
    store.runs.link_system(second.id, web)
    store.runs.link_system(third.id, chat)

    def listed(system):
        where = FindingFilter(system=system)
        found = store.findings.page(where, offset=0, limit=10)
        assert keys(store.findings.list(where)) == keys(found[0])
        return set(keys(found[0])), found[1]

    assert listed(web.id) == ({a.fingerprint, b.fingerprint, c.fingerprint}, 3)
    assert listed(chat.id) == ({c.fingerprint}, 1)
    assert listed("no-such-system") == (set(), 0)
    both = FindingFilter(system=web.id, run_id=first.id)
    assert set(keys(store.findings.list(both))) == {a.fingerprint, b.fingerprint}

    def run_ids(**where):
        items, total = store.runs.page(offset=0, limit=10, **where)
        assert total == len(items)
        return [r.id for r in items]

    assert run_ids() == [third.id, second.id, first.id]
    assert run_ids(system=web.id) == [second.id, first.id]
    assert run_ids(system=web.id, kind="scan") == [first.id]
    assert run_ids(kind="test") == [second.id]
    assert run_ids(system="no-such-system") == []
    items, total = store.runs.page(offset=1, limit=1)
    assert ([r.id for r in items], total) == ([second.id], 3)
    assert [r.id for r in store.runs.list()] == run_ids()


def test_summary_buckets_by_first_seen(store):
    ages = {"a": 0, "b": 6, "c": 7, "d": 30, "e": 31, "f": 90, "g": 91, "h": 400}
    for key, age in ages.items():
        record(store, finding(key, Severity.HIGH), started=days_ago(age, hour=0))
    record(store, finding("low", Severity.LOW), started=days_ago(1))
    fixed = finding("fixed", Severity.CRITICAL)
    record(store, fixed, started=days_ago(1))
    store.findings.set_triage(fixed.fingerprint, TriageState.FIXED, actor="alice")
    summary = store.findings.summary(today=TODAY)
    assert summary.open_by_age["high"] == {"<7d": 2, "7-30d": 2, "31-90d": 2, ">90d": 2}
    assert summary.open_by_age["low"] == {"<7d": 1, "7-30d": 0, "31-90d": 0, ">90d": 0}
    assert summary.open_by_age["critical"] == dict.fromkeys(AGE_BUCKETS, 0)
    assert list(summary.open_by_age) == ["critical", "high", "medium", "low", "info"]
    assert summary.by_state == {"open": 9, "accepted-risk": 0, "false-positive": 0, "fixed": 1}
    assert summary.total == 10 and summary.open == 9


def test_summary_reads_lapsed_acceptances_as_open(store):
    accepted = finding("a", Severity.MEDIUM)
    record(store, accepted, started=days_ago(10))
    store.findings.set_triage(
        accepted.fingerprint,
        TriageState.ACCEPTED_RISK,
        actor="alice",
        justification="compensating control",
        expires=date.today() + timedelta(days=5),
    )
    now = store.findings.summary()
    assert now.by_state["accepted-risk"] == 1 and now.open == 0
    later = store.findings.summary(today=date.today() + timedelta(days=6))
    assert later.by_state["accepted-risk"] == 0 and later.open == 1
    assert sum(later.open_by_age["medium"].values()) == 1


def test_an_empty_summary(store):
    summary = store.findings.summary()
    assert summary.total == 0 and set(summary.by_state.values()) == {0}
    assert all(set(row.values()) == {0} for row in summary.open_by_age.values())


def test_paging_stays_in_sql_for_many_findings(store):
    many = [finding(f"k{i}", Severity(i % 5)) for i in range(2000)]
    record(store, *many)
    statements = []

    def count(*args):
        if args[2].lstrip().upper().startswith("SELECT"):
            statements.append(args[2])

    event.listen(store.engine, "before_cursor_execute", count)
    try:
        items, total = store.findings.page(offset=1990, limit=50)
        summary = store.findings.summary()
    finally:
        event.remove(store.engine, "before_cursor_execute", count)
    assert total == 2000 and len(items) == 10 and summary.total == 2000
    assert len(statements) == 3  # count, page, summary: no query per row
    assert keys(items) == keys(store.findings.list())[1990:]


def test_one_severity_exactly(many):
    everything = many.findings.list()
    for severity in Severity:
        exact = FindingFilter(min_severity=severity, max_severity=severity)
        found, total = many.findings.page(exact, offset=0, limit=100)
        assert total == len(found) == sum(f.severity == severity for f in everything)
        assert all(f.severity == severity for f in found)
