"""The posture overview: its data (a pure function of the store) and the page, read with
a real recorded scan of a pickle with a harmless payload."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from dashboard_data import add_system, record_scan
from server_accounts import browser_login


def _governance(store, system):
    today = date.today()
    store.incidents.record(
        system, "Scores leaked <b>", categories=["a"], recorded_by="tests",
        aware_at=datetime.now(UTC) - timedelta(days=60),
    )  # fmt: skip
    store.evidence.record(
        system, "Model card", "document", "docs/card.md", recorded_by="tests",
        valid_from=today - timedelta(days=10), valid_until=today + timedelta(days=5),
    )  # fmt: skip
    store.evidence.record(
        system, "Pen test", "document", "docs/pentest.pdf", recorded_by="tests",
        valid_from=today - timedelta(days=10), valid_until=today + timedelta(days=300),
    )  # fmt: skip


def test_overview_shows_the_posture_of_real_data(client, server_store, tmp_path):
    system = add_system(server_store)
    add_system(server_store, "chatbot", tier=None)
    record_scan(server_store, tmp_path, system=system.id)
    _governance(server_store, system)
    browser_login(client, "auditor")

    page = client.get("/")

    assert page.status_code == 200
    text = page.text
    assert text.count("<h1") == 1
    assert '<span class="tag tier-high-risk">high-risk</span></td><td class="num">1<' in text
    assert '<span class="tag tier-unclassified">unclassified</span></td><td class="num">1<' in text
    assert "<svg" in text and "Open findings by severity and age" in text
    assert "critical: 1 (&lt;7d 1" in text  # the chart's description: the scan's finding
    assert '<tr class="overdue">' in text and "Overdue:" in text
    assert "Scores leaked &lt;b&gt;" in text
    assert "Model card" in text and "Pen test" not in text
    assert "eu-ai-act" in text and "nist-ai-rmf" in text
    assert 'class="table-wrap"' in text
    assert "/runs/" in text
    assert "<script" not in text and "https://" not in text.replace("https://testserver", "")


def test_overview_needs_a_login(sqlite_client):
    page = sqlite_client.get("/", follow_redirects=False)
    assert page.status_code == 303
    assert page.headers["location"].startswith("/login")


def test_posture_counts_tiers_findings_incidents_and_evidence(sqlite_store, tmp_path):
    from aisec.server.dashboard.posture import posture

    system = add_system(sqlite_store)
    add_system(sqlite_store, "chatbot", tier="minimal")
    add_system(sqlite_store, "search", tier=None)
    run = record_scan(sqlite_store, tmp_path, system=system.id)
    _governance(sqlite_store, system)

    seen = posture(sqlite_store)

    tiers = dict(seen.tiers)
    assert (tiers["high-risk"], tiers["minimal"], tiers["unclassified"]) == (1, 1, 1)
    assert tiers["prohibited"] == 0
    assert seen.systems == 3
    assert seen.findings.open == 1
    assert seen.findings.open_by_age["critical"]["<7d"] == 1
    assert [e.title for e in seen.evidence] == ["Model card"]
    assert [i.overdue for i in seen.incidents] == [True]
    assert [r.id for r in seen.runs] == [run.id] and seen.runs_total == 1


def test_a_newer_draft_does_not_change_the_tier(sqlite_store):
    from aisec.server.dashboard.posture import latest_tiers
    from aisec.services.governance import FRAMEWORK, KIND

    system = add_system(sqlite_store, tier="minimal")
    sqlite_store.assessments.record(
        system, KIND, framework=FRAMEWORK, answers={}, result={"tiers": ["high-risk"]},
        rationale=[], assessor="tests", as_of=date.today(), status="draft",
    )  # fmt: skip
    assert latest_tiers(sqlite_store) == {system.id: "minimal"}


def test_coverage_is_judged_again_only_after_a_change(sqlite_store, tmp_path):
    from aisec.server.dashboard.posture import CoverageCache, posture

    system = add_system(sqlite_store)
    record_scan(sqlite_store, tmp_path, system=system.id)
    cache = CoverageCache()
    today = date.today()
    seen = posture(sqlite_store)
    first, refreshing = cache.get(sqlite_store, today, seen.findings, seen.systems)
    assert not refreshing
    assert cache.get(sqlite_store, today, seen.findings, seen.systems) == (first, False)
    assert cache.get(sqlite_store, today, seen.findings, seen.systems)[0] is first
    assert all(row.systems == 1 and row.total > 0 for row in first)

    _governance(sqlite_store, system)  # evidence and an incident: audit entries
    again, _ = cache.get(sqlite_store, today, seen.findings, seen.systems)
    assert again is not first


def test_a_large_inventory_is_judged_in_the_background(sqlite_store, tmp_path):
    import time

    from aisec.server.dashboard.posture import CoverageCache, posture

    system = add_system(sqlite_store)
    record_scan(sqlite_store, tmp_path, system=system.id)
    cache = CoverageCache()
    cache.INLINE_SYSTEMS = 0  # as if the inventory were large
    seen = posture(sqlite_store)
    value, refreshing = cache.get(sqlite_store, date.today(), seen.findings, seen.systems)
    assert value is None and refreshing  # the page does not wait
    deadline = time.monotonic() + 60
    while refreshing and time.monotonic() < deadline:
        time.sleep(0.05)
        value, refreshing = cache.get(sqlite_store, date.today(), seen.findings, seen.systems)
    assert not refreshing and value and all(row.systems == 1 for row in value)
