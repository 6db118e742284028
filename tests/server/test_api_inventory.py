"""The inventory API on both databases: add, list, show with relations, edit, link,
unlink, remove, and the audit entry each change writes."""

from __future__ import annotations

from api_core_data import audit_actions, error_of, recorded_run


def test_inventory_crud_and_links_are_audited(client, accounts, server_store):
    eng = accounts["ml-engineer"].headers
    made = client.post(
        "/api/v1/assets/systems",
        json={"name": "credit-scoring", "owner": "risk team", "geography": ["EU", "UK"]},
        headers=eng,
    )
    assert made.status_code == 201, made.text
    system = made.json()
    assert system["kind"] == "system" and system["geography"] == ["EU", "UK"]
    model = client.post(
        "/api/v1/assets/models", json={"name": "fraud-net", "version": "2"}, headers=eng
    ).json()
    client.post("/api/v1/assets/systems", json={"name": "chatbot"}, headers=eng)

    listed = client.get("/api/v1/assets/systems", params={"limit": 1}, headers=eng).json()
    assert listed["total"] == 2 and len(listed["items"]) == 1 and listed["limit"] == 1
    found = client.get("/api/v1/assets/systems", params={"q": "CREDIT"}, headers=eng).json()
    assert [a["name"] for a in found["items"]] == ["credit-scoring"]

    linked = client.post(
        "/api/v1/links",
        json={"kind": "system", "ref": "credit-scoring", "other_kind": "model",
              "other": "fraud-net@2"},
        headers=eng,
    )  # fmt: skip
    assert linked.status_code == 200, linked.text
    shown = client.get(f"/api/v1/assets/systems/{system['id']}", headers=eng).json()
    assert shown["asset"]["model_ids"] == [model["id"]]
    assert [m["name"] for m in shown["related"]["models"]] == ["fraud-net"]
    by_name = client.get("/api/v1/assets/models/fraud-net", headers=eng).json()
    assert [s["name"] for s in by_name["related"]["systems"]] == ["credit-scoring"]

    edited = client.patch(
        "/api/v1/assets/systems/credit-scoring",
        json={"owner": "", "lifecycle_stage": "operation"},
        headers=eng,
    )
    assert edited.status_code == 200, edited.text
    assert edited.json()["owner"] == "" and edited.json()["lifecycle_stage"] == "operation"

    unlinked = client.delete(
        "/api/v1/links",
        params={"kind": "models", "ref": model["id"], "other_kind": "systems",
                "other": "credit-scoring"},
        headers=eng,
    )  # fmt: skip
    assert unlinked.status_code == 200 and unlinked.json()["linked"] is False
    shown = client.get("/api/v1/assets/systems/credit-scoring", headers=eng).json()
    assert shown["related"]["models"] == []

    assert client.delete("/api/v1/assets/systems/chatbot", headers=eng).status_code == 200
    error_of(client.get("/api/v1/assets/systems/chatbot", headers=eng), 404)

    who = "ml_engineer"
    assert audit_actions(server_store, "system") == [
        (who, "system.created"), (who, "system.created"), (who, "system.linked"),
        (who, "system.updated"), (who, "system.removed"),
    ]  # fmt: skip
    assert audit_actions(server_store, "model") == [(who, "model.created"), (who, "model.unlinked")]


def test_forced_removal_of_a_system_with_run_links_is_audited_once(
    client, accounts, server_store, tmp_path
):
    eng = accounts["security-engineer"].headers
    client.post("/api/v1/assets/systems", json={"name": "scored"}, headers=eng)
    run = recorded_run(server_store, tmp_path)
    server_store.runs.link_system(run.id, "scored", actor="tests")

    refused = error_of(client.delete("/api/v1/assets/systems/scored", headers=eng), 409)
    assert "governance records" in refused["message"]
    done = client.delete("/api/v1/assets/systems/scored", params={"force": True}, headers=eng)
    assert done.status_code == 200, done.text
    removed = [a for a in audit_actions(server_store, "system") if a[1] == "system.removed"]
    assert removed == [("security_engineer", "system.removed")]


def test_inventory_errors_and_permissions(client, accounts):
    eng, auditor = accounts["admin"].headers, accounts["auditor"].headers
    denied = client.post("/api/v1/assets/vendors", json={"name": "acme"}, headers=auditor)
    assert error_of(denied, 403)["code"] == "AISEC-E702"
    assert error_of(client.get("/api/v1/assets/vendors/acme", headers=auditor), 404)["hint"]
    bad_kind = error_of(client.get("/api/v1/assets/robots", headers=eng), 422)
    assert bad_kind["code"] == "AISEC-E101" and bad_kind["details"]
    error_of(client.post("/api/v1/assets/vendors", json={"colour": "red"}, headers=eng), 422)
    # A field of another kind, and a missing name.
    error_of(client.post("/api/v1/assets/vendors", json={"url": "https://x"}, headers=eng), 400)
    error_of(client.post("/api/v1/assets/vendors", json={"website": "x"}, headers=eng), 409)
    assert (
        client.post("/api/v1/assets/vendors", json={"name": "acme"}, headers=eng).status_code == 201
    )
    error_of(client.post("/api/v1/assets/vendors", json={"name": "acme"}, headers=eng), 409)
    error_of(client.patch("/api/v1/assets/vendors/nobody", json={"contact": "x"}, headers=eng), 404)
    link = {"kind": "vendor", "ref": "acme", "other_kind": "vendor", "other": "acme"}
    error_of(client.post("/api/v1/links", json=link, headers=eng), 409)
