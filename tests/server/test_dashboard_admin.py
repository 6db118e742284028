"""User administration and one's own account: users created, changed and deactivated
through the forms (audited), an API key shown once, passwords changed."""

from __future__ import annotations

import re

from server_accounts import PASSWORD, browser_login

NEW_PASSWORD = "another long password 7"


def user_id(store, username: str) -> str:
    return store.users.find_user(username).id


def test_an_admin_creates_a_user_who_can_then_log_in(client, server_store):
    from fastapi.testclient import TestClient

    csrf = browser_login(client, "admin")
    assert client.get("/admin/users").status_code == 200
    done = client.post(
        "/admin/users",
        data={"csrf_token": csrf, "username": "erin", "display_name": "Erin E.",
              "role": "ml-engineer", "password": NEW_PASSWORD},
        follow_redirects=False,
    )  # fmt: skip
    assert done.status_code == 303
    page = client.get(done.headers["location"])
    assert done.headers["location"] == "/admin/users?notice=user-created"
    assert "The user is created." in page.text and "Erin E." in page.text
    assert NEW_PASSWORD not in page.text
    erin = server_store.users.find_user("erin")
    assert erin.role == "ml-engineer"
    entries = server_store.audit.entries(object_kind="user", object_id=erin.id)
    assert ("admin", "user.created") in [(e.actor, e.action) for e in entries]
    with TestClient(client.app, base_url="https://testserver") as other:
        browser_login(other, "erin", NEW_PASSWORD)
        assert other.get("/account").status_code == 200
        assert other.get("/admin/users").status_code == 403


def test_roles_activity_and_passwords_are_changed_and_audited(sqlite_client, sqlite_store):
    csrf = browser_login(sqlite_client, "admin")
    target = user_id(sqlite_store, "auditor")
    for path, data in (("role", {"role": "security-engineer"}), ("active", {"active": "false"}),
                       ("password", {"password": NEW_PASSWORD}),
                       ("active", {"active": "true"})):  # fmt: skip
        fields = {"csrf_token": csrf, **data}
        done = sqlite_client.post(f"/admin/users/{target}/{path}", data=fields,
                                  follow_redirects=False)  # fmt: skip
        assert done.status_code == 303, done.text
    user = sqlite_store.users.get_user(target)
    assert (user.role, user.active) == ("security-engineer", True)
    actions = [(e.actor, e.action) for e in
               sqlite_store.audit.entries(object_kind="user", object_id=target)]  # fmt: skip
    for action in ("user.role-changed", "user.deactivated", "user.password-changed",
                   "user.reactivated"):  # fmt: skip
        assert ("admin", action) in actions
    weak = sqlite_client.post(f"/admin/users/{target}/password",
                              data={"csrf_token": csrf, "password": "short"})  # fmt: skip
    assert weak.status_code == 409 and "at least 12" in weak.text


def test_an_admin_may_not_demote_or_deactivate_themself(sqlite_client, sqlite_store):
    csrf = browser_login(sqlite_client, "admin")
    me = user_id(sqlite_store, "admin")
    for path, data in (("role", {"role": "auditor"}), ("active", {"active": "false"})):
        refused = sqlite_client.post(f"/admin/users/{me}/{path}", data={"csrf_token": csrf, **data})
        assert refused.status_code == 409
        assert "yourself" in refused.text
    user = sqlite_store.users.get_user(me)
    assert (user.role, user.active) == ("admin", True)


def test_a_taken_name_is_refused_with_the_input_kept(sqlite_client, sqlite_store):
    csrf = browser_login(sqlite_client, "admin")
    refused = sqlite_client.post(
        "/admin/users",
        data={"csrf_token": csrf, "username": "Auditor", "display_name": "Kept Name",
              "role": "auditor", "password": NEW_PASSWORD},
    )  # fmt: skip
    assert refused.status_code == 409
    assert "taken" in refused.text and 'value="Kept Name"' in refused.text
    assert NEW_PASSWORD not in refused.text


def test_an_api_key_made_on_the_account_page_is_shown_once_and_works(client, server_store):
    csrf = browser_login(client, "auditor")
    made = client.post("/account/keys", data={"csrf_token": csrf, "name": "laptop"})
    assert made.status_code == 200
    assert made.headers["cache-control"] == "no-store"
    key = re.search(r'value="(aisec_[^"]+)"', made.text).group(1)
    me = client.get("/api/v1/session", headers={"Authorization": f"Bearer {key}"})
    assert me.status_code == 200 and me.json()["username"] == "auditor"
    again = client.get("/account")
    assert key not in again.text
    assert key[:12] in again.text  # the prefix only
    stored = [k for k in server_store.users.list_keys(user_id(server_store, "auditor"))
              if k.name == "laptop"]  # fmt: skip
    assert len(stored) == 1 and stored[0].last_used_at is not None
    revoked = client.post(f"/account/keys/{stored[0].id}/revoke", data={"csrf_token": csrf},
                          follow_redirects=False)  # fmt: skip
    assert revoked.status_code == 303
    from fastapi.testclient import TestClient

    with TestClient(client.app, base_url="https://testserver") as fresh:
        refused = fresh.get("/api/v1/session", headers={"Authorization": f"Bearer {key}"})
        assert refused.status_code == 401
    actions = [e.action for e in server_store.audit.entries(object_kind="api-key",
                                                            object_id=stored[0].id)]  # fmt: skip
    assert actions == ["api-key.created", "api-key.revoked"]


def test_another_users_key_cannot_be_revoked_from_the_account_page(sqlite_client, sqlite_accounts,
                                                                   sqlite_store):  # fmt: skip
    csrf = browser_login(sqlite_client, "ml_engineer")
    theirs = sqlite_store.users.list_keys(sqlite_accounts["auditor"].user_id)[0]
    refused = sqlite_client.post(f"/account/keys/{theirs.id}/revoke", data={"csrf_token": csrf})
    assert refused.status_code == 404
    assert sqlite_store.users.get_key(theirs.id).revoked_at is None


def test_the_own_password_is_changed_after_the_current_one_is_checked(sqlite_client):
    csrf = browser_login(sqlite_client, "ml_engineer")
    wrong = sqlite_client.post(
        "/account/password",
        data={"csrf_token": csrf, "current": "not it at all!", "new": NEW_PASSWORD,
              "confirm": NEW_PASSWORD},
    )  # fmt: skip
    assert wrong.status_code == 409 and "current password is wrong" in wrong.text
    done = sqlite_client.post(
        "/account/password",
        data={"csrf_token": csrf, "current": PASSWORD, "new": NEW_PASSWORD,
              "confirm": NEW_PASSWORD},
        follow_redirects=False,
    )  # fmt: skip
    assert done.status_code == 303 and done.headers["location"] == "/login"
    assert sqlite_client.get("/account", follow_redirects=False).status_code == 303
    browser_login(sqlite_client, "ml_engineer", NEW_PASSWORD)


def test_account_and_admin_forms_need_the_csrf_token_and_the_role(sqlite_client, sqlite_store):
    csrf = browser_login(sqlite_client, "compliance_officer")
    assert sqlite_client.get("/admin/users").status_code == 403
    assert (
        sqlite_client.post(
            "/admin/users", data={"csrf_token": csrf, "username": "x", "password": NEW_PASSWORD}
        ).status_code
        == 403
    )
    refused = sqlite_client.post("/account/keys", data={"name": "no token"})
    assert refused.status_code == 403
    mine = sqlite_store.users.list_keys(user_id(sqlite_store, "compliance_officer"))
    assert [k.name for k in mine] == ["compliance_officer key"]
