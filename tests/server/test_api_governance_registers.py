"""The governance registers over the API: risks proposed from a linked scan and the
classification and decided by people, approvals, evidence, incidents with their Art. 73
deadlines and data-subject requests; audited once each, by the acting user."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from api_governance_data import (
    API,
    SYSTEM,
    add_system,
    audit_actions,
    high_risk_answers,
    linked_scan,
)

BASE = f"{API}/systems/{SYSTEM}"


def test_risks_proposed_listed_and_decided(client, accounts, server_store):
    add_system(server_store)
    linked_scan(server_store)
    officer = accounts["compliance-officer"].headers
    classified = client.post(f"{BASE}/classification", json={"answers": high_risk_answers()},
                             headers=officer)  # fmt: skip
    assert classified.status_code == 201
    proposed = client.post(f"{BASE}/risks/propose", headers=officer)
    assert proposed.status_code == 200, proposed.text
    new = proposed.json()["new"]
    assert new and any("finding:" in s for r in new for s in r["sources"])
    assert any(s.startswith("classification:") for r in new for s in r["sources"])
    again = client.post(f"{BASE}/risks/propose", headers=officer).json()
    assert again["new"] == [] and len(again["unchanged"]) == len(new)
    page = client.get(f"{BASE}/risks", params={"limit": 2}, headers=officer).json()
    assert page["total"] == len(new) and len(page["items"]) == 2
    scores = [r["score"] for r in client.get(f"{BASE}/risks", headers=officer).json()["items"]]
    assert scores == sorted(scores, reverse=True)
    level = new[0]["level"]
    only = client.get(f"{BASE}/risks", params={"level": level}, headers=officer).json()
    assert only["items"] and {r["level"] for r in only["items"]} == {level}
    heat = client.get(f"{BASE}/risks/heat-map", headers=officer).json()
    assert sum(map(sum, heat["inherent"]["grid"])) == len(new)

    risk_id = new[0]["id"]
    url = f"{BASE}/risks/{risk_id}"
    refused = client.patch(url, json={"status": "accepted", "treatment": "accept"},
                           headers=officer)  # fmt: skip
    assert refused.status_code == 400  # an acceptance needs a justification
    changed = client.patch(url, json={"owner": "cro", "status": "open", "due": "2030-01-31"},
                           headers=officer)  # fmt: skip
    assert changed.status_code == 200, changed.text
    assert changed.json()["owner"] == "cro" and changed.json()["due"] == "2030-01-31"
    assert client.patch(url, json={}, headers=officer).status_code == 400
    assert client.patch(f"{BASE}/risks/R-nope", json={"owner": "x"},
                        headers=officer).status_code == 404  # fmt: skip
    actions = audit_actions(server_store, "compliance_officer")
    assert actions.count("risk.recorded") == len(new) and actions.count("risk.updated") == 1
    auditor = accounts["auditor"].headers
    assert client.post(f"{BASE}/risks/propose", headers=auditor).status_code == 403
    assert client.patch(url, json={"owner": "me"}, headers=auditor).status_code == 403


def test_approvals(client, accounts, server_store):
    add_system(server_store)
    officer = accounts["compliance-officer"]
    url = f"{BASE}/approvals"
    body = {"scope": "release", "decision": "approved", "expires": "2099-12-31"}
    done = client.post(url, json=body, headers=officer.headers)
    assert done.status_code == 201, done.text
    assert done.json()["approver"] == officer.username and not done.json()["expired"]
    rejected = client.post(url, json=body | {"decision": "rejected"}, headers=officer.headers)
    assert rejected.status_code == 409  # a rejection needs a note
    client.post(url, json={"scope": "deployment", "decision": "rejected", "note": "bias"},
                headers=officer.headers)  # fmt: skip
    listed = client.get(url, params={"scope": "release"}, headers=officer.headers).json()
    assert listed["total"] == 1 and listed["items"][0]["scope"] == "release"
    assert audit_actions(server_store, officer.username) == ["approval.recorded"] * 2
    engineer = accounts["security-engineer"].headers
    assert client.post(url, json=body, headers=engineer).status_code == 403


def test_evidence_and_what_expires(client, accounts, server_store):
    add_system(server_store)
    admin = accounts["admin"].headers
    url = f"{BASE}/evidence"
    soon = (datetime.now(UTC).date() + timedelta(days=10)).isoformat()
    for title, until in (("technical documentation", soon), ("policy", None)):
        body = {"title": title, "kind": "document", "reference": "docs/x.pdf",
                "refs": ["EU-AI-Act:Art.11"], "valid_until": until}  # fmt: skip
        made = client.post(url, json=body, headers=admin)
        assert made.status_code == 201, made.text
    assert client.get(url, headers=admin).json()["total"] == 2
    expiring = client.get(url, params={"expiring_within_days": 30}, headers=admin).json()
    assert [e["title"] for e in expiring["items"]] == ["technical documentation"]
    backwards = {"title": "t", "kind": "document", "reference": "r",
                 "valid_from": "2030-01-02", "valid_until": "2030-01-01"}  # fmt: skip
    assert client.post(url, json=backwards, headers=admin).status_code == 409
    assert client.post(url, json={"title": "t", "kind": "poem", "reference": "r"},
                       headers=admin).status_code == 422  # fmt: skip
    assert audit_actions(server_store, "admin") == ["evidence.recorded"] * 2
    auditor = accounts["auditor"].headers
    assert client.post(url, json={"title": "t", "kind": "document", "reference": "r"},
                       headers=auditor).status_code == 403  # fmt: skip


def test_incidents_with_deadlines(client, accounts, server_store):
    add_system(server_store)
    engineer = accounts["security-engineer"]
    url = f"{BASE}/incidents"
    aware = datetime.now(UTC) - timedelta(days=20)
    body = {"title": "wrong credit refusals", "aware_at": aware.isoformat(),
            "categories": ["c"], "description": "a group refused"}  # fmt: skip
    made = client.post(url, json=body, headers=engineer.headers)
    assert made.status_code == 201, made.text
    incident = made.json()
    # Fifteen days for a serious incident (Art. 73(2)): twenty days on, it is overdue.
    assert incident["legal_basis"] and incident["reporting"] == "overdue"
    assert incident["seconds_overdue"] > 0 and incident["seconds_left"] == 0
    fresh = client.post(url, json=body | {"aware_at": datetime.now(UTC).isoformat()},
                        headers=engineer.headers).json()  # fmt: skip
    assert fresh["reporting"] == "due" and fresh["seconds_left"] > 0
    naive = client.post(url, json=body | {"aware_at": "2026-01-01T10:00:00"},
                        headers=engineer.headers)  # fmt: skip
    assert naive.status_code == 422
    everything = client.get(f"{API}/incidents", headers=engineer.headers).json()
    assert everything["total"] == 2
    assert everything["items"][0]["id"] == incident["id"]  # soonest deadline first
    patch = f"{url}/{incident['id']}"
    moved = client.patch(patch, json={"status": "initial-report-sent",
                                      "corrective_actions": ["model withdrawn"]},
                         headers=engineer.headers)  # fmt: skip
    assert moved.status_code == 200, moved.text
    assert moved.json()["reporting"] == "complete-report-pending"
    assert moved.json()["corrective_actions"] == ["model withdrawn"]
    back = client.patch(patch, json={"status": "open"}, headers=engineer.headers)
    assert back.status_code == 409  # the status moves forward only
    assert client.patch(patch, json={}, headers=engineer.headers).status_code == 400
    open_ones = client.get(f"{API}/incidents", params={"status": "open", "system": SYSTEM},
                           headers=engineer.headers).json()  # fmt: skip
    assert [i["id"] for i in open_ones["items"]] == [fresh["id"]]
    assert audit_actions(server_store, engineer.username) == [
        "incident.recorded", "incident.recorded", "incident.updated"]  # fmt: skip
    ml = accounts["ml-engineer"].headers
    assert client.post(url, json=body, headers=ml).status_code == 403
    assert client.get(url, headers=ml).json()["total"] == 2


def test_rights_requests(client, accounts, server_store):
    add_system(server_store)
    officer = accounts["compliance-officer"].headers
    url = f"{BASE}/requests"
    received = datetime(2026, 3, 2, 9, 0, tzinfo=UTC).isoformat()
    made = client.post(url, json={"kind": "erasure", "received_at": received}, headers=officer)
    assert made.status_code == 201, made.text
    assert made.json()["due"].startswith("2026-04-0") and made.json()["overdue"] is (
        date(2026, 4, 3) < datetime.now(UTC).date())  # fmt: skip
    patch = f"{url}/{made.json()['id']}"
    extend = client.patch(patch, json={"extended": True}, headers=officer)
    assert extend.status_code == 409  # extending gives received_at again
    answered = client.patch(patch, json={"status": "answered"}, headers=officer)
    assert answered.status_code == 200 and answered.json()["status"] == "answered"
    assert client.patch(patch, json={"status": "refused"}, headers=officer).status_code == 409
    assert client.get(url, params={"open_only": True}, headers=officer).json()["total"] == 0
    engineer = accounts["security-engineer"].headers
    assert client.post(url, json={"kind": "access", "received_at": received},
                       headers=engineer).status_code == 403  # fmt: skip
