"""The gateway's activity on the dashboard and in the API, from a traffic log written by
the real writer (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest


@pytest.fixture
def traffic(server_store, tmp_path):
    """Twelve requests by two clients on two models: allowed, alerted, blocked, refused."""
    from aisec.runtime.audit.writer import TrafficLog

    log = TrafficLog(server_store, stream="gw-test", spool_dir=tmp_path / "spool", key=None)
    log.start()
    try:
        for _ in range(8):
            log.record("clinic", "tumour", "predict", "allow", 200, 1.5, {"scores": {}})
        log.record("prober", "tumour", "predict", "alert", 200, 2.0,
                   {"fired": ["extraction.prada"], "alerts": ["extraction.prada"]})  # fmt: skip
        log.record("prober", "tumour", "predict", "block", 403, 1.0,
                   {"fired": ["evasion.ood"], "alerts": ["evasion.ood"]})  # fmt: skip
        log.record("prober", "tumour", "predict", "refused", 429, 0.2, {"refusal": "AISEC-E713"})
        log.record("chat-app", "assistant", "chat", "redact", 200, 9.0,
                   {"fired": ["llm.pii"], "alerts": ["llm.pii"]})  # fmt: skip
        assert log.flush(timeout=30)
    finally:
        log.close()


def test_the_activity_api_counts_by_model_and_client(client, accounts, traffic):
    answer = client.get("/api/v1/gateway/activity?window=24h",
                        headers=accounts["auditor"].headers)  # fmt: skip
    assert answer.status_code == 200, answer.text
    data = answer.json()
    assert data["totals"] == {"requests": 12, "blocked": 1, "refused": 1, "alerts": 3}
    models = {m["model"]: m for m in data["models"]}
    assert models["tumour"]["actions"] == {"allow": 8, "alert": 1, "block": 1, "refused": 1}
    assert models["assistant"]["alerts"] == 1
    prober = next(c for c in data["clients"] if c["client"] == "prober")
    assert prober["requests"] == 3 and prober["alerts"] == 2
    assert [d["action"] for d in data["recent"]] == ["redact", "refused", "block", "alert"]
    assert data["recent"][2]["detectors"] == ["evasion.ood"]
    assert data["streams"][0]["stream"] == "gw-test" and data["streams"][0]["last_seq"] == 12


def test_the_window_is_checked(client, accounts):
    answer = client.get("/api/v1/gateway/activity?window=1y", headers=accounts["admin"].headers)
    assert answer.status_code == 422


def test_the_gateway_page_shows_live_activity(client, accounts, traffic):
    page = client.get("/gateway?window=24h", headers=accounts["ml-engineer"].headers)
    assert page.status_code == 200
    html = page.text
    assert 'http-equiv="refresh"' in html
    for text in ("tumour", "assistant", "prober", "evasion.ood", "gw-test", "<svg"):
        assert text in html
    assert '<a href="/gateway"' in html  # in the navigation


def test_an_empty_gateway_page_says_how_to_start_one(sqlite_client, sqlite_accounts):
    page = sqlite_client.get("/gateway", headers=sqlite_accounts["auditor"].headers)
    assert page.status_code == 200
    assert "aisec gateway serve" in page.text
