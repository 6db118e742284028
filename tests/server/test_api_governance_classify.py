"""The governance API of a system: catalogues, crosswalk, the questionnaire as data,
classifying a system end to end, its assessments and its coverage; on both databases."""

from __future__ import annotations

from api_governance_data import API, SYSTEM, add_system, audit_actions, high_risk_answers


def test_catalogues_and_crosswalk(client, accounts):
    headers = accounts["auditor"].headers
    found = client.get(f"{API}/governance/catalogues", headers=headers)
    assert found.status_code == 200, found.text
    ids = {c["id"]: c for c in found.json()}
    assert "eu-ai-act" in ids and ids["eu-ai-act"]["version"] and ids["eu-ai-act"]["items"] > 0
    check = client.get(f"{API}/governance/crosswalk/modelfile.pickle.dangerous-call",
                       headers=headers)  # fmt: skip
    assert check.status_code == 200, check.text
    assert check.json()["is_check"] and check.json()["related"]
    unknown = client.get(f"{API}/governance/crosswalk/no-such-thing", headers=headers)
    assert unknown.status_code == 400
    assert unknown.json()["error"]["code"] == "AISEC-E101"


def test_questionnaire_as_data_and_progress(client, accounts):
    headers = accounts["auditor"].headers
    data = client.get(f"{API}/governance/questionnaire", headers=headers).json()
    by_id = {q["id"]: q for q in data["questions"]}
    assert by_id["annex_iii_use_cases"]["kind"] == "many-of"
    assert "AnnexIII.5(b)" in {c["value"] for c in by_id["annex_iii_use_cases"]["choices"]}
    assert by_id["annex_i_third_party"]["depends_on"] == ["annex_i_product"]
    assert "provider" in {r["id"] for r in data["roles"]}
    start = client.post(f"{API}/governance/questionnaire/progress", json={"answers": {}},
                        headers=headers).json()  # fmt: skip
    assert not start["complete"] and start["next"]
    done = client.post(f"{API}/governance/questionnaire/progress",
                       json={"answers": high_risk_answers()}, headers=headers).json()  # fmt: skip
    assert done["complete"] and done["next"] == []
    assert set(done["states"].values()) <= {"answered", "skipped"}
    bad = client.post(f"{API}/governance/questionnaire/progress",
                      json={"answers": {"nonsense": True}}, headers=headers)  # fmt: skip
    assert bad.status_code == 400


def test_classify_a_system_end_to_end(client, accounts, server_store):
    system = add_system(server_store)
    officer = accounts["compliance-officer"]
    url = f"{API}/systems/{SYSTEM}/classification"
    assert client.get(url, headers=officer.headers).status_code == 404
    body = {"answers": high_risk_answers(), "roles": ["provider", "deployer"],
            "as_of": "2026-11-28"}  # fmt: skip
    done = client.post(url, json=body, headers=officer.headers)
    assert done.status_code == 201, done.text
    result = done.json()
    assert result["classification"]["system_tiers"] == ["high-risk"]
    assert result["classification"]["annex_iii"] == ["EU-AI-Act:AnnexIII.5(b)"]
    refs = {d["ref"] for d in result["classification"]["obligations"]["provider"]}
    assert {"EU-AI-Act:Art.9", "EU-AI-Act:Art.15"} <= refs
    assessment = result["assessment"]
    assert assessment["assessor"] == officer.username and assessment["status"] == "final"
    assert assessment["system_id"] == system.id
    # The repository audits the assessment, once, as the officer.
    assert audit_actions(server_store, officer.username) == ["assessment.recorded"]
    # By id as well as by name; the latest reads back what was recorded.
    latest = client.get(f"{API}/systems/{system.id}/classification", headers=officer.headers)
    assert latest.status_code == 200
    assert latest.json()["assessment"]["id"] == assessment["id"]
    assert latest.json()["classification"]["roles"] == ["deployer", "provider"]
    # A draft does not replace the final one unless drafts are asked for.
    client.post(url, json=body | {"status": "draft"}, headers=officer.headers)
    assert client.get(url, headers=officer.headers).json()["assessment"]["status"] == "final"
    with_drafts = client.get(url, params={"include_drafts": True}, headers=officer.headers)
    assert with_drafts.json()["assessment"]["status"] == "draft"
    page = client.get(f"{API}/systems/{SYSTEM}/assessments", params={"limit": 1},
                      headers=officer.headers).json()  # fmt: skip
    assert page["total"] == 2 and page["items"][0]["status"] == "draft"


def test_incomplete_answers_say_what_is_missing(client, accounts, server_store):
    add_system(server_store)
    headers = accounts["admin"].headers
    url = f"{API}/systems/{SYSTEM}/classification"
    partial = client.post(url, json={"answers": {"subject": "ai-system"}}, headers=headers)
    assert partial.status_code == 409
    error = partial.json()["error"]
    assert error["code"] == "AISEC-E602" and "still to answer" in error["message"]
    assert "practices" in error["message"]
    bad_role = client.post(url, json={"answers": high_risk_answers(), "roles": ["king"]},
                           headers=headers)  # fmt: skip
    assert bad_role.status_code == 400
    missing = client.post(f"{API}/systems/nobody/classification",
                          json={"answers": high_risk_answers()}, headers=headers)  # fmt: skip
    assert missing.status_code == 404
    assert server_store.assessments.list() == []


def test_auditor_cannot_classify(client, accounts, server_store):
    add_system(server_store)
    refused = client.post(f"{API}/systems/{SYSTEM}/classification",
                          json={"answers": high_risk_answers()},
                          headers=accounts["auditor"].headers)  # fmt: skip
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "AISEC-E702"
    assert server_store.assessments.list() == []


def test_coverage_per_framework(client, accounts, server_store):
    add_system(server_store)
    headers = accounts["auditor"].headers
    url = f"{API}/systems/{SYSTEM}/coverage"
    found = client.get(url, headers=headers)
    assert found.status_code == 200, found.text
    frameworks = {f["framework"]: f for f in found.json()["frameworks"]}
    assert {"eu-ai-act", "nist-ai-rmf", "mitre-atlas"} <= set(frameworks)
    assert all(f["covered"] == 0 for f in frameworks.values())
    one = client.get(url, params={"framework": "iso-42001", "gaps_only": True}, headers=headers)
    [iso] = one.json()["frameworks"]
    assert iso["items"] and {i["status"] for i in iso["items"]} == {"gap"}
    assert client.get(url, params={"framework": "nope"}, headers=headers).status_code == 400
