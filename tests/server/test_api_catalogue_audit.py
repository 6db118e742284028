"""The checks catalogue and the audit trail through the API: checks listed and filtered as
`aisec checks list` sees them; audit entries newest first and paged; the log verified with
the public key beside the audit key."""

from __future__ import annotations

from api_core_data import error_of


def test_checks_catalogue(sqlite_client, sqlite_accounts):
    from aisec.core.registry import default_registry

    client, reader = sqlite_client, sqlite_accounts["auditor"].headers
    registry = list(default_registry())
    everything = client.get("/api/v1/checks", params={"limit": 500}, headers=reader).json()
    assert everything["total"] == len(registry) > 0
    first = everything["items"][0]
    assert set(first) >= {"id", "title", "severity", "applies_to", "refs", "available", "reason"}

    pickles = client.get("/api/v1/checks", params={"q": "PICKLE"}, headers=reader).json()
    assert pickles["total"] >= 1
    assert all("pickle" in f"{c['id']} {c['title']}".lower() for c in pickles["items"])
    critical = client.get("/api/v1/checks", params={"severity": "critical"}, headers=reader)
    assert 1 <= critical.json()["total"] < everything["total"]
    assert {c["severity"] for c in critical.json()["items"]} == {"critical"}
    error_of(client.get("/api/v1/checks", params={"severity": "dire"}, headers=reader), 422)

    shown = client.get(f"/api/v1/checks/{first['id']}", headers=reader).json()
    assert shown["id"] == first["id"] and "description" in shown
    error_of(client.get("/api/v1/checks/no.such.check", headers=reader), 404)
    error_of(client.get("/api/v1/checks"), 401)


def test_audit_entries_newest_first_paged_and_filtered(client, accounts, server_store):
    admin, reader = accounts["admin"].headers, accounts["auditor"].headers
    client.post("/api/v1/assets/vendors", json={"name": "acme"}, headers=admin)
    size = server_store.audit.size()
    newest = client.get("/api/v1/audit", params={"limit": 2}, headers=reader).json()
    assert newest["total"] == size
    assert [e["seq"] for e in newest["items"]] == [size, size - 1]
    assert newest["items"][0]["action"] == "vendor.created"
    assert newest["items"][0]["actor"] == "admin"
    oldest = client.get("/api/v1/audit", params={"offset": size - 1}, headers=reader).json()
    assert [e["seq"] for e in oldest["items"]] == [1]
    beyond = client.get("/api/v1/audit", params={"offset": size + 5}, headers=reader).json()
    assert beyond["items"] == [] and beyond["total"] == size

    users = client.get("/api/v1/audit", params={"object_kind": "user"}, headers=reader).json()
    assert users["total"] == 5 and {e["action"] for e in users["items"]} == {"user.created"}
    seqs = [e["seq"] for e in users["items"]]
    assert seqs == sorted(seqs, reverse=True)
    one = client.get(
        "/api/v1/audit",
        params={"object_id": accounts["auditor"].user_id, "limit": 1},
        headers=reader,
    ).json()
    assert one["total"] == 1 and one["items"][0]["object_id"] == accounts["auditor"].user_id


def test_audit_verify(client, accounts, server_store, tmp_path, monkeypatch):
    from aisec.governance.audit import AuditLog

    reader = accounts["auditor"].headers
    monkeypatch.delenv("AISEC_AUDIT_KEY", raising=False)
    monkeypatch.chdir(tmp_path)
    missing = error_of(client.get("/api/v1/audit/verify", headers=reader), 400)
    assert "public key" in missing["message"]

    log = AuditLog(server_store)
    log.checkpoint(log.signing_key(tmp_path / ".aisec" / "audit-key.pem"))
    verdict = client.get("/api/v1/audit/verify", headers=reader).json()
    assert verdict["ok"] is True and verdict["problems"] == 0
    assert verdict["entries"] == verdict["verified_size"] == server_store.audit.size()

    client.post("/api/v1/assets/vendors", json={"name": "acme"}, headers=accounts["admin"].headers)
    tail = client.get("/api/v1/audit/verify", headers=reader).json()
    assert tail["ok"] is False and tail["unsigned_tail"] == 1
    allowed = client.get(
        "/api/v1/audit/verify", params={"allow_unsigned_tail": True}, headers=reader
    ).json()
    assert allowed["ok"] is True
