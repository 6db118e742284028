"""Runs and findings through the API on both databases, over a real recorded scan of a
model file carrying a harmless os.system payload: filters, paging, the finding's history,
triage, comments and assignment, each audited."""

from __future__ import annotations

import pytest
from api_core_data import audit_actions, error_of, recorded_run


@pytest.fixture
def run(server_store, tmp_path):
    return recorded_run(server_store, tmp_path)


def test_runs_list_detail_and_their_findings(client, accounts, run, server_store):
    reader = accounts["auditor"].headers
    listed = client.get("/api/v1/runs", params={"kind": run.kind}, headers=reader).json()
    assert [r["id"] for r in listed["items"]] == [run.id] and listed["total"] == 1
    assert (
        client.get("/api/v1/runs", params={"kind": "nothing"}, headers=reader).json()["total"] == 0
    )
    shown = client.get(f"/api/v1/runs/{run.id}", headers=reader).json()
    assert shown["finding_count"] == run.finding_count >= 1
    assert shown["errors"] == [] and isinstance(shown["skipped"], list)
    measurements = client.get(f"/api/v1/runs/{run.id}/measurements", headers=reader).json()
    assert measurements == {"items": [], "total": 0, "limit": 50, "offset": 0}
    seen = client.get(f"/api/v1/runs/{run.id}/findings", headers=reader).json()
    assert seen["total"] == run.finding_count
    assert any("os.system" in f["message"] or "system" in f["message"] for f in seen["items"])
    error_of(client.get("/api/v1/runs/not-a-run", headers=reader), 404)
    error_of(client.get("/api/v1/runs/00000000-0000-0000-0000-000000000000", headers=reader), 404)

    client.post("/api/v1/assets/systems", json={"name": "scorer"},
                headers=accounts["admin"].headers)  # fmt: skip
    assert (
        client.get("/api/v1/runs", params={"system": "scorer"}, headers=reader).json()["total"] == 0
    )
    server_store.runs.link_system(run.id, "scorer", actor="tests")
    linked = client.get("/api/v1/runs", params={"system": "scorer"}, headers=reader).json()
    assert [r["id"] for r in linked["items"]] == [run.id]
    by_system = client.get("/api/v1/findings", params={"system": "scorer"}, headers=reader)
    assert by_system.json()["total"] == run.finding_count
    error_of(client.get("/api/v1/findings", params={"system": "nope"}, headers=reader), 404)


def test_findings_filters_paging_summary_and_detail(client, accounts, run):
    reader = accounts["auditor"].headers
    everything = client.get("/api/v1/findings", headers=reader).json()
    total = everything["total"]
    assert total == run.finding_count and total >= 1
    worst = everything["items"][0]
    assert worst["severity"] == "critical" and worst["state"] == "open"
    assert worst["assignee"] is None and worst["path"].endswith("model.joblib")

    page = client.get("/api/v1/findings", params={"limit": 1, "offset": total - 1},
                      headers=reader).json()  # fmt: skip
    assert len(page["items"]) == 1 and page["total"] == total and page["offset"] == total - 1
    family = worst["check_id"].split(".")[0] + ".*"
    for params, expect in [
        ({"severity": "critical"}, lambda n: 1 <= n <= total),
        ({"check": worst["check_id"]}, lambda n: n >= 1),
        ({"check": family}, lambda n: n >= 1),
        ({"check": "no.such.check"}, lambda n: n == 0),
        ({"state": "fixed"}, lambda n: n == 0),
        ({"path": "**/*.joblib"}, lambda n: n == total),
        ({"path": "**/*.onnx"}, lambda n: n == 0),
        ({"run": run.id}, lambda n: n == total),
    ]:
        n = client.get("/api/v1/findings", params=params, headers=reader).json()["total"]
        assert expect(n), (params, n)
    error_of(client.get("/api/v1/findings", params={"severity": "dire"}, headers=reader), 422)

    summary = client.get("/api/v1/findings/summary", headers=reader).json()
    assert summary["total"] == total and summary["open"] == total
    assert sum(summary["open_by_age"]["critical"].values()) >= 1

    detail = client.get(f"/api/v1/findings/{worst['fingerprint'][:10]}", headers=reader).json()
    assert detail["fingerprint"] == worst["fingerprint"]
    assert [r["id"] for r in detail["runs"]] == [run.id]
    assert detail["history"] == [] and detail["notes"] == []
    error_of(client.get("/api/v1/findings/abc", headers=reader), 404)
    error_of(client.get("/api/v1/findings/ffffffffffffffff", headers=reader), 404)


def test_triage_comment_and_assign_are_audited(client, accounts, run, server_store):
    sec, eng = accounts["security-engineer"].headers, accounts["ml-engineer"].headers
    auditor = accounts["auditor"].headers
    fingerprint = client.get("/api/v1/findings", headers=sec).json()["items"][0]["fingerprint"]
    url = f"/api/v1/findings/{fingerprint}"

    assert error_of(client.post(f"{url}/triage", json={"state": "fixed"}, headers=eng), 403)
    no_expiry = {"state": "accepted-risk", "justification": "isolated host"}
    error_of(client.post(f"{url}/triage", json=no_expiry, headers=sec), 409)
    error_of(client.post(f"{url}/triage", json={"state": "ignored"}, headers=sec), 422)
    done = client.post(
        f"{url}/triage",
        json={**no_expiry, "expires": "2999-01-31"},
        headers=sec,
    )
    assert done.status_code == 200, done.text
    assert done.json()["state"] == "accepted-risk"
    assert done.json()["triage"]["by"] == "security_engineer"

    error_of(client.post(f"{url}/comments", json={"text": "hm"}, headers=auditor), 403)
    error_of(client.post(f"{url}/comments", json={"text": ""}, headers=eng), 422)
    comment = client.post(f"{url}/comments", json={"text": "retrain it"}, headers=eng)
    assert comment.status_code == 201 and comment.json()["actor"] == "ml_engineer"

    error_of(client.post(f"{url}/assignment", json={"assignee": "ghost"}, headers=sec), 409)
    assigned = client.post(f"{url}/assignment", json={"assignee": "ML_ENGINEER"}, headers=sec)
    assert assigned.status_code == 201 and assigned.json()["assignee"] == "ml_engineer"
    listed = client.get("/api/v1/findings", params={"state": "accepted-risk"}, headers=auditor)
    assert [(f["fingerprint"], f["assignee"]) for f in listed.json()["items"]] == [
        (fingerprint, "ml_engineer")
    ]
    client.post(f"{url}/assignment", json={"assignee": ""}, headers=sec)
    detail = client.get(url, headers=auditor).json()
    assert detail["assignee"] is None
    assert [h["state"] for h in detail["history"]] == ["accepted-risk"]
    assert [(n["kind"], n["actor"]) for n in detail["notes"]] == [
        ("comment", "ml_engineer"), ("assignment", "security_engineer"),
        ("assignment", "security_engineer"),
    ]  # fmt: skip
    error_of(client.post("/api/v1/findings/ffffffffff/comments", json={"text": "x"},
                         headers=eng), 404)  # fmt: skip

    assert audit_actions(server_store, "finding") == [
        ("security_engineer", "finding.triaged"), ("ml_engineer", "finding.commented"),
        ("security_engineer", "finding.assigned"), ("security_engineer", "finding.assigned"),
    ]  # fmt: skip
