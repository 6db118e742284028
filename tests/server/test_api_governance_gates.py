"""Gates and reports over the API: a policy checked and a system judged against
examples/high-risk-release-policy.yaml (YAML text or JSON, evaluated, nothing recorded),
and a governance report rendered as HTML."""

from __future__ import annotations

import yaml
from api_governance_data import (
    API,
    POLICY,
    SYSTEM,
    add_system,
    high_risk_answers,
    linked_scan,
)

BASE = f"{API}/systems/{SYSTEM}"


def test_check_a_policy(client, accounts):
    headers = accounts["auditor"].headers
    text = POLICY.read_text(encoding="utf-8")
    checked = client.post(f"{API}/gates/policy/check", json={"policy": text}, headers=headers)
    assert checked.status_code == 200, checked.text
    policy = checked.json()
    assert policy["name"] == "high-risk release gate" and policy["applies_to"] == ["high-risk"]
    assert "release-approval" in {c["id"] for c in policy["conditions"]}
    as_json = client.post(f"{API}/gates/policy/check", json={"policy": yaml.safe_load(text)},
                          headers=headers)  # fmt: skip
    assert as_json.json() == policy
    for bad in ("schema: nope\n", "a: &x [1]\nb: *x\n", "[" * 100, ": : :"):
        refused = client.post(f"{API}/gates/policy/check", json={"policy": bad}, headers=headers)
        assert refused.status_code == 400, bad
        assert "/tmp" not in refused.json()["error"]["message"]


def test_gate_on_a_high_risk_system(client, accounts, server_store):
    add_system(server_store)
    linked_scan(server_store)
    officer = accounts["compliance-officer"].headers
    client.post(f"{BASE}/classification", json={"answers": high_risk_answers()},
                headers=officer)  # fmt: skip
    before = server_store.audit.size()
    text = POLICY.read_text(encoding="utf-8")
    auditor = accounts["auditor"].headers  # evaluating changes nothing: read is enough
    judged = client.post(f"{BASE}/gate", json={"policy": text}, headers=auditor)
    assert judged.status_code == 200, judged.text
    result = judged.json()
    assert result["system"] == SYSTEM and result["tiers"] == ["high-risk"]
    assert result["passed"] is False and result["exit_code"] == 1
    status = {c["id"]: c["status"] for c in result["conditions"]}
    assert status["no-critical-findings"] == "failed" and status["no-unsafe-pickle"] == "failed"
    assert status["release-approval"] == "failed"
    assert status["transparency-notice"] == "not-applicable"
    assert result["summary"]["blocking_failed"] >= 3
    client.post(f"{BASE}/approvals", json={"scope": "release", "decision": "approved"},
                headers=officer)  # fmt: skip
    later = client.post(f"{BASE}/gate", json={"policy": text, "today": "2099-01-01"},
                        headers=auditor).json()  # fmt: skip
    assert later["today"] == "2099-01-01"
    assert {c["id"]: c["status"] for c in later["conditions"]}["release-approval"] == "passed"
    # One audit entry: the approval; the gate evaluations recorded nothing.
    assert server_store.audit.size() == before + 1
    missing = client.post(f"{API}/systems/nobody/gate", json={"policy": text}, headers=auditor)
    assert missing.status_code == 404
    bad = client.post(f"{BASE}/gate", json={"policy": "schema: x"}, headers=auditor)
    assert bad.status_code == 400


def test_reports_as_html(client, accounts, server_store):
    add_system(server_store)
    headers = accounts["auditor"].headers
    client.post(f"{BASE}/classification", json={"answers": high_risk_answers()},
                headers=accounts["admin"].headers)  # fmt: skip
    named: set[str] = set()
    for kind in ("annex-iv", "fria", "dpia", "model-card", "soa", "posture"):
        shown = client.get(f"{BASE}/reports/{kind}", headers=headers)
        assert shown.status_code == 200, (kind, shown.text)
        assert shown.headers["content-type"].startswith("text/html")
        assert shown.text.lower().startswith("<!doctype html>"), kind
        named.update({kind} if SYSTEM in shown.text else set())
    assert {"annex-iv", "fria", "dpia", "soa"} <= named
    assert client.get(f"{BASE}/reports/essay", headers=headers).status_code == 422
    assert client.get(f"{API}/systems/nobody/reports/fria", headers=headers).status_code == 404
    schema = client.get("/api/openapi.json").json()
    ok = schema["paths"]["/api/v1/systems/{ref}/reports/{kind}"]["get"]["responses"]["200"]
    assert "text/html" in ok["content"]
