"""Accounts and logins for the server tests (imported by conftest.py and the tests; a
module of its own, as a test's ``from conftest import`` would find another suite's)."""

from __future__ import annotations

from dataclasses import dataclass

ROLES = ("admin", "security-engineer", "ml-engineer", "compliance-officer", "auditor")
PASSWORD = "a long test password 42"


@dataclass(frozen=True)
class Account:
    username: str
    role: str
    user_id: str
    key: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.key}"}


def make_accounts(store) -> dict[str, Account]:
    from aisec.server.access.keys import create_key
    from aisec.server.access.login import create_user

    accounts = {}
    for role in ROLES:
        name = role.replace("-", "_")
        user = create_user(store, name, PASSWORD, role, actor="tests")
        key, _ = create_key(store, user.id, f"{name} key", actor="tests")
        accounts[role] = Account(name, role, user.id, key)
    return accounts


def make_app(store, tmp_path):
    from aisec.core.settings import Settings
    from aisec.server.app import create_app
    from aisec.server.config import ServerConfig

    config = ServerConfig(scan_roots=(tmp_path,), allowed_hosts=("testserver", "127.0.0.1"))
    return create_app(store, config, Settings())


def browser_login(client, username: str, password: str = PASSWORD) -> str:
    """Log ``client`` in through the login form; returns the session's CSRF token."""
    import re

    page = client.get("/login")
    token = re.search(r'name="login_token" value="([^"]+)"', page.text).group(1)
    done = client.post(
        "/login",
        data={"username": username, "password": password, "login_token": token, "next": "/"},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    me = client.get("/api/v1/session")
    return me.json()["csrf_token"]
