"""Logging in and out, sessions, CSRF, API keys, the login throttle, the first
administrator, and the headers every response carries."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from server_accounts import PASSWORD, browser_login

from aisec.core.errors import AuthRequired, ConfigError, InvalidRecord


def test_passwords_are_argon2_and_never_stored_as_given(sqlite_store, sqlite_accounts):
    user = sqlite_store.users.find_user("admin")
    stored = sqlite_store.users.password_hash(user.id)
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored


def test_weak_passwords_and_bad_names_are_refused(sqlite_store):
    from aisec.server.access.login import create_user

    for password in ("short", "x" * 20, "newuser12345"):
        with pytest.raises(InvalidRecord):
            create_user(sqlite_store, "newuser12345", password, "auditor", actor="t")
    with pytest.raises(InvalidRecord):
        create_user(sqlite_store, "has space", PASSWORD, "auditor", actor="t")
    with pytest.raises(InvalidRecord):
        create_user(sqlite_store, "someone", PASSWORD, "superuser", actor="t")
    assert sqlite_store.users.find_user("newuser12345") is None


def test_login_through_the_form_sets_a_host_only_secure_cookie(sqlite_client, sqlite_accounts):
    page = sqlite_client.get("/login")
    token = re.search(r'name="login_token" value="([^"]+)"', page.text).group(1)
    done = sqlite_client.post(
        "/login",
        data={"username": "auditor", "password": PASSWORD, "login_token": token, "next": "/x"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert done.headers["location"] == "/x"
    cookie = done.headers["set-cookie"]
    assert cookie.startswith("__Host-aisec_session=")
    for flag in ("HttpOnly", "Secure", "SameSite=lax", "Path=/"):
        assert flag.lower() in cookie.lower()
    assert sqlite_client.get("/api/v1/session").json()["role"] == "auditor"


def test_a_forged_login_form_is_refused(sqlite_client, sqlite_accounts):
    done = sqlite_client.post(
        "/login",
        data={"username": "auditor", "password": PASSWORD, "login_token": "forged"},
        follow_redirects=False,
    )
    assert done.status_code == 403
    assert sqlite_client.get("/api/v1/session").status_code == 401


def test_wrong_password_and_unknown_user_read_the_same(sqlite_client, sqlite_accounts):
    answers = []
    for username, password in (("auditor", "wrong password 123"), ("nobody", PASSWORD)):
        response = sqlite_client.post(
            "/api/v1/session", json={"username": username, "password": password}
        )
        assert response.status_code == 401
        answers.append(response.json()["error"]["message"])
    assert answers[0] == answers[1]


def test_repeated_failures_hold_the_name_back_from_that_address(sqlite_store, sqlite_accounts):
    from aisec.server.access.login import LoginThrottle, login
    from aisec.server.config import ServerConfig

    throttle = LoginThrottle(attempts=3, lockout=3600)
    config = ServerConfig()
    for _ in range(3):
        with pytest.raises(AuthRequired, match="wrong user name or password"):
            login(sqlite_store, config, throttle, "auditor", "not the password", "10.0.0.9")
    with pytest.raises(AuthRequired, match="too many failed logins"):
        login(sqlite_store, config, throttle, "auditor", PASSWORD, "10.0.0.9")
    # the hold is audited once, naming the address
    (held,) = [e for e in sqlite_store.audit.entries() if e.action == "user.login-held-back"]
    assert held.payload == {"client": "10.0.0.9"}
    # nobody can lock the user out from elsewhere, and another name is not affected
    assert login(sqlite_store, config, throttle, "auditor", PASSWORD, "10.0.0.1").user
    assert login(sqlite_store, config, throttle, "admin", PASSWORD, "10.0.0.9").user


def test_guesses_sent_at_once_are_counted_before_they_are_checked():
    import threading

    from aisec.server.access.login import LoginThrottle

    throttle = LoginThrottle(attempts=5, lockout=3600)
    passed, barrier = [], threading.Barrier(40)

    def guess():
        barrier.wait()
        try:
            throttle.begin("admin", "10.0.0.9")
            passed.append(1)
        except AuthRequired:
            pass

    threads = [threading.Thread(target=guess) for _ in range(40)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(passed) == 5


def test_an_administrators_reset_revokes_the_users_keys(sqlite_client, sqlite_accounts):
    admin, ml = sqlite_accounts["admin"], sqlite_accounts["ml-engineer"]
    assert sqlite_client.get("/api/v1/session", headers=ml.headers).status_code == 200
    reset = sqlite_client.post(
        f"/api/v1/users/{ml.user_id}/password",
        json={"password": "a brand new password 9"},
        headers=admin.headers,
    )
    assert reset.status_code == 200
    assert sqlite_client.get("/api/v1/session", headers=ml.headers).status_code == 401


def test_oversized_bodies_are_refused_before_they_are_read(sqlite_client):
    big = b'{"username": "' + b"x" * (2 * 1024 * 1024) + b'", "password": "y"}'
    response = sqlite_client.post(
        "/api/v1/session", content=big, headers={"content-type": "application/json"}
    )
    assert response.status_code == 413
    assert response.json()["error"]["status"] == 413


def test_unknown_host_names_are_refused(sqlite_client):
    response = sqlite_client.get("/login", headers={"host": "evil.example"})
    assert response.status_code == 400


def test_https_responses_carry_hsts_and_isolation_headers(sqlite_client):
    headers = sqlite_client.get("/login").headers
    assert headers["strict-transport-security"].startswith("max-age=")
    assert headers["cross-origin-opener-policy"] == "same-origin"
    assert "camera=()" in headers["permissions-policy"]


def test_logins_and_logouts_are_audited(sqlite_client, sqlite_store, sqlite_accounts):
    csrf = browser_login(sqlite_client, "ml_engineer")
    sqlite_client.delete("/api/v1/session", headers={"X-CSRF-Token": csrf})
    actions = [e.action for e in sqlite_store.audit.entries(newest_first=True, limit=2)]
    assert actions == ["user.logout", "user.login"]


def test_a_deactivated_user_loses_sessions_and_keys(sqlite_client, sqlite_store, sqlite_accounts):
    browser_login(sqlite_client, "auditor")
    account = sqlite_accounts["auditor"]
    sqlite_store.users.set_active(account.user_id, False)
    assert sqlite_client.get("/api/v1/session").status_code == 401
    sqlite_client.cookies.clear()
    assert sqlite_client.get("/api/v1/session", headers=account.headers).status_code == 401


def test_a_revoked_key_stops_working(sqlite_client, sqlite_store, sqlite_accounts):
    from aisec.server.access.keys import create_key, revoke_key
    from aisec.server.access.principal import Principal

    account = sqlite_accounts["auditor"]
    key, stored = create_key(sqlite_store, account.user_id, "ci", actor="auditor")
    assert stored.prefix == key[:12] and key not in repr(stored)
    headers = {"Authorization": f"Bearer {key}"}
    assert sqlite_client.get("/api/v1/session", headers=headers).status_code == 200
    owner = Principal(account.user_id, "auditor", "auditor", "key")
    revoke_key(sqlite_store, stored.id, owner)
    assert sqlite_client.get("/api/v1/session", headers=headers).status_code == 401


def test_a_key_is_also_accepted_as_x_api_key(sqlite_client, sqlite_accounts):
    key = sqlite_accounts["auditor"].key
    assert sqlite_client.get("/api/v1/session", headers={"X-API-Key": key}).status_code == 200


def test_every_response_carries_the_security_headers(sqlite_client):
    response = sqlite_client.get("/login")
    csp = response.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["cache-control"] == "no-store"
    assert "cdn" not in response.text.lower() and "https://" not in response.text


def test_the_api_reference_is_served_offline(sqlite_client):
    page = sqlite_client.get("/api/docs")
    assert page.status_code == 200
    assert "/api/v1/session" in page.text
    assert "http://" not in page.text.replace("http://testserver", "")
    assert "https://" not in page.text
    assert sqlite_client.get("/api/openapi.json").json()["info"]["title"] == "aisec"


@given(st.text(max_size=60))
def test_after_login_only_local_paths_are_followed(target):
    from aisec.server.dashboard.pages import safe_next

    chosen = safe_next(target)
    assert chosen.startswith("/")
    assert not chosen.startswith("//") and "\\" not in chosen and "\n" not in chosen
    for evil in ("//evil.example", "/\\evil.example", "https://evil.example", "javascript:x"):
        assert safe_next(evil) == "/"


def test_first_admin_from_the_environment_or_refused(sqlite_store):
    from aisec.server.bootstrap import ensure_admin

    with pytest.raises(ConfigError, match="no users"):
        ensure_admin(sqlite_store, {}, None)
    with pytest.raises(ConfigError, match="only one"):
        ensure_admin(sqlite_store, {"AISEC_ADMIN_USERNAME": "root"}, None)
    made = ensure_admin(
        sqlite_store, {"AISEC_ADMIN_USERNAME": "root", "AISEC_ADMIN_PASSWORD": PASSWORD}, None
    )
    assert made.role == "admin"
    assert ensure_admin(sqlite_store, {}, None) is None  # users exist: nothing to do


def test_test_plans_read_only_under_the_scan_roots(tmp_path):
    from aisec.server.jobs import rooted_plan

    root = tmp_path / "root"
    root.mkdir()
    plan = root / "plan.yaml"
    tests = "tests: [{name: e, type: evasion}]\n"
    plan.write_text(
        "name: p\ntarget: {model: model.onnx}\ndata: {csv: data.csv, label: y}\n" + tests
    )
    rooted = rooted_plan(str(plan), (root,))
    assert rooted.resolve("data.csv") == root / "data.csv"
    for outside in ("../secrets.csv", "/etc/passwd", "~/x.csv"):
        with pytest.raises(InvalidRecord, match="outside"):
            rooted.resolve(outside)
    http = "target: {http: {url: 'http://127.0.0.1:9/'}}\n"  # never requested
    plan.write_text("name: p\n" + http + "data: {csv: d.csv, label: y}\n" + tests)
    with pytest.raises(InvalidRecord, match="HTTP endpoint"):
        rooted_plan(str(plan), (root,))


def test_jobs_read_only_under_the_scan_roots(sqlite_store, tmp_path):
    from aisec.server.config import ServerConfig
    from aisec.server.jobs import JobRunner

    root = tmp_path / "root"
    root.mkdir()
    (root / "escape").symlink_to(tmp_path)
    runner = JobRunner(sqlite_store, ServerConfig(scan_roots=(root,)))
    assert runner.allowed_path("model.pkl") == root / "model.pkl"
    for bad in ("/etc/passwd", "../x", "escape/elsewhere", "a\x00b", ""):
        with pytest.raises(InvalidRecord):
            runner.allowed_path(bad)
