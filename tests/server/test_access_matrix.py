"""Every route × every role, and anonymous: each route declares exactly one guard, and
the guard's verdict is the role table's. A route added without a guard, or with a
permission no role holds, fails here.

A request that passes the guard may still be refused for what it asks (404 for the
made-up ids used here, 409, 422): what matters is that it is not refused for who asks.
"""

from __future__ import annotations

import re

import pytest
from fastapi.routing import APIRoute
from server_accounts import ROLES

from aisec.server.access.roles import ROLE_PERMISSIONS, Permission
from aisec.server.routes import endpoints

DUMMY = "00000000-0000-4000-8000-000000000000"


def guards(route: APIRoute) -> list[object]:
    found = []
    for dependency in route.dependant.dependencies:
        call = dependency.call
        if getattr(call, "permission", None) is not None or getattr(call, "public", False):
            found.append(call)
    return found


def app_routes(app) -> list[tuple[str, str, APIRoute]]:
    return [(e.method, e.path, e.route) for e in endpoints(app)]


def test_every_route_declares_exactly_one_guard(sqlite_client):
    routes = app_routes(sqlite_client.app)
    assert len(routes) > 5
    bad = [f"{m} {p}: {len(guards(r))} guards" for m, p, r in routes if len(guards(r)) != 1]
    assert bad == []


def test_every_permission_is_held_by_some_role_and_admin_holds_all():
    for permission in Permission:
        assert ROLE_PERMISSIONS[permission], permission
        assert "admin" in ROLE_PERMISSIONS[permission]
    assert ROLE_PERMISSIONS[Permission.READ] == frozenset(ROLES)


def test_the_auditor_changes_nothing():
    writes = [p for p in Permission if p not in (Permission.READ, Permission.KEYS_OWN)]
    assert all("auditor" not in ROLE_PERMISSIONS[p] for p in writes)


def _url(path: str) -> str:
    return re.sub(r"\{[^}]+\}", DUMMY, path)


def _call(client, method: str, path: str, headers: dict[str, str]):
    kwargs: dict = {"headers": headers, "follow_redirects": False}
    if method in ("POST", "PUT", "PATCH", "DELETE"):
        if path.startswith("/api/"):
            kwargs["json"] = {}
        else:
            kwargs["data"] = {}
    return client.request(method, _url(path), **kwargs)


def test_access_matrix(sqlite_client, sqlite_accounts):
    """Anonymous: 401 (API) or a redirect to the login page (dashboard); a role without
    the permission: 403; a role with it: neither."""
    checked = 0
    for method, path, route in app_routes(sqlite_client.app):
        (guard,) = guards(route)
        if getattr(guard, "public", False):
            continue
        permission = guard.permission
        anonymous = _call(sqlite_client, method, path, {})
        if path.startswith("/api/"):
            assert anonymous.status_code == 401, (method, path, anonymous.status_code)
            assert anonymous.json()["error"]["code"] == "AISEC-E701"
        else:
            assert anonymous.status_code == 303, (method, path, anonymous.status_code)
            assert anonymous.headers["location"].startswith("/login")
        for role in ROLES:
            response = _call(sqlite_client, method, path, sqlite_accounts[role].headers)
            if role in ROLE_PERMISSIONS[permission]:
                assert response.status_code not in (401, 403), (
                    method, path, role, response.status_code, response.text[:300]
                )  # fmt: skip
            else:
                assert response.status_code == 403, (method, path, role, response.status_code)
                if path.startswith("/api/"):
                    assert response.json()["error"]["code"] == "AISEC-E702"
            checked += 1
    assert checked >= 5 * len(ROLES)


def test_a_session_without_its_csrf_token_changes_nothing(sqlite_client, sqlite_accounts):
    from server_accounts import browser_login

    csrf = browser_login(sqlite_client, sqlite_accounts["admin"].username)
    before = sqlite_client.get("/api/v1/session").json()
    assert before["username"] == sqlite_accounts["admin"].username
    refused = sqlite_client.delete("/api/v1/session")
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "AISEC-E700"
    assert sqlite_client.get("/api/v1/session").status_code == 200  # still logged in
    done = sqlite_client.delete("/api/v1/session", headers={"X-CSRF-Token": csrf})
    assert done.status_code == 200
    assert sqlite_client.get("/api/v1/session").status_code == 401


@pytest.mark.parametrize("header", ["Bearer nope", "Bearer aisec_" + "x" * 43])
def test_a_bad_key_is_401_with_the_envelope(sqlite_client, header):
    response = sqlite_client.get("/api/v1/session", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert set(response.json()["error"]) == {"status", "code", "message", "hint", "details"}
