"""Users, API keys and one's own password through the API on both databases: the key is
shown once, lists show its prefix, a revoked key or deactivated user gets 401, and every
change is audited."""

from __future__ import annotations

from api_core_data import PASSWORD, audit_actions, error_of

NEW_PASSWORD = "another long password 77"


def _login(client, username: str, password: str) -> int:
    done = client.post("/api/v1/session", json={"username": username, "password": password})
    client.cookies.clear()
    return done.status_code


def test_admins_manage_users(client, accounts, server_store):
    admin = accounts["admin"]
    made = client.post(
        "/api/v1/users",
        json={"username": "dana", "password": PASSWORD, "role": "auditor",
              "display_name": "Dana"},
        headers=admin.headers,
    )  # fmt: skip
    assert made.status_code == 201, made.text
    dana = made.json()
    assert "password" not in str(dana).lower() and dana["role"] == "auditor"
    listed = client.get("/api/v1/users", headers=admin.headers).json()
    assert listed["total"] == 6 and "dana" in [u["username"] for u in listed["items"]]
    for name, password, role, status in [
        ("DANA", PASSWORD, "auditor", 409),  # taken, in another case
        ("eve", "short", "auditor", 409),  # refused by the password policy
        ("eve", PASSWORD, "root", 422),
    ]:
        body = {"username": name, "password": password, "role": role}
        error_of(client.post("/api/v1/users", json=body, headers=admin.headers), status)
    sec = accounts["security-engineer"].headers
    assert error_of(client.get("/api/v1/users", headers=sec), 403)["code"] == "AISEC-E702"

    promoted = client.patch(f"/api/v1/users/{dana['id']}", json={"role": "ml-engineer"},
                            headers=admin.headers)  # fmt: skip
    assert promoted.status_code == 200 and promoted.json()["role"] == "ml-engineer"
    renamed = client.patch(f"/api/v1/users/{dana['id']}", json={"display_name": "Dana S."},
                           headers=admin.headers)  # fmt: skip
    assert renamed.status_code == 200 and renamed.json()["display_name"] == "Dana S."
    for change in ({"role": "auditor"}, {"active": False}):
        refused = client.patch(f"/api/v1/users/{admin.user_id}", json=change,
                               headers=admin.headers)  # fmt: skip
        assert "themselves" in error_of(refused, 409)["message"]
    error_of(client.patch("/api/v1/users/no-such-user", json={"active": False},
                          headers=admin.headers), 404)  # fmt: skip

    reset = client.post(f"/api/v1/users/{dana['id']}/password", json={"password": NEW_PASSWORD},
                        headers=admin.headers)  # fmt: skip
    assert reset.status_code == 200
    assert _login(client, "dana", PASSWORD) == 401
    assert _login(client, "dana", NEW_PASSWORD) == 200

    # Deactivating ends the user's sessions and stops their keys.
    auditor = accounts["auditor"]
    assert client.get("/api/v1/session", headers=auditor.headers).status_code == 200
    off = client.patch(f"/api/v1/users/{auditor.user_id}", json={"active": False},
                       headers=admin.headers)  # fmt: skip
    assert off.status_code == 200 and off.json()["active"] is False
    error_of(client.get("/api/v1/session", headers=auditor.headers), 401)
    assert _login(client, "auditor", PASSWORD) == 401

    assert [a for a in audit_actions(server_store, "user") if a[0] == "admin"] == [
        ("admin", "user.created"), ("admin", "user.updated"), ("admin", "user.updated"),
        ("admin", "user.password-changed"), ("admin", "user.updated"),
    ]  # fmt: skip


def test_own_keys_are_shown_once_and_revocable(client, accounts, server_store):
    eng, other = accounts["ml-engineer"], accounts["compliance-officer"]
    made = client.post("/api/v1/keys", json={"name": "ci", "expires_in_days": 30},
                       headers=eng.headers)  # fmt: skip
    assert made.status_code == 201, made.text
    key = made.json()
    assert key["key"].startswith("aisec_") and key["key"].startswith(key["prefix"])
    assert key["expires_at"] is not None and key["user_id"] == eng.user_id

    listed = client.get("/api/v1/keys", headers=eng.headers)
    assert key["key"] not in listed.text and eng.key not in listed.text
    assert [k["name"] for k in listed.json()["items"]] == ["ml_engineer key", "ci"]
    assert "key" not in listed.json()["items"][1]
    mine = {"Authorization": f"Bearer {key['key']}"}
    assert client.get("/api/v1/session", headers=mine).json()["username"] == "ml_engineer"

    error_of(client.get("/api/v1/keys", params={"user": other.user_id}, headers=eng.headers), 403)
    theirs = client.get("/api/v1/keys", params={"user": eng.user_id},
                        headers=accounts["admin"].headers)  # fmt: skip
    assert len(theirs.json()["items"]) == 2
    error_of(client.delete(f"/api/v1/keys/{key['id']}", headers=other.headers), 403)
    error_of(client.delete("/api/v1/keys/no-such-key", headers=eng.headers), 404)
    error_of(client.post("/api/v1/keys", json={"name": "x", "expires_in_days": 0},
                         headers=eng.headers), 422)  # fmt: skip

    assert client.delete(f"/api/v1/keys/{key['id']}", headers=eng.headers).status_code == 200
    assert error_of(client.get("/api/v1/session", headers=mine), 401)["code"] == "AISEC-E701"
    revoked = client.get("/api/v1/keys", headers=eng.headers).json()["items"][1]
    assert revoked["revoked_at"] is not None
    assert audit_actions(server_store, "api-key")[-2:] == [
        ("ml_engineer", "api-key.created"), ("ml_engineer", "api-key.revoked"),
    ]  # fmt: skip


def test_own_password_change(client, accounts, server_store):
    officer = accounts["compliance-officer"]
    wrong = {"current_password": "not it at all", "new_password": NEW_PASSWORD}
    error_of(client.post("/api/v1/account/password", json=wrong, headers=officer.headers), 403)
    weak = {"current_password": PASSWORD, "new_password": "short"}
    error_of(client.post("/api/v1/account/password", json=weak, headers=officer.headers), 409)
    right = {"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    done = client.post("/api/v1/account/password", json=right, headers=officer.headers)
    assert done.status_code == 200, done.text
    assert _login(client, "compliance_officer", NEW_PASSWORD) == 200
    assert ("compliance_officer", "user.password-changed") in audit_actions(server_store, "user")
