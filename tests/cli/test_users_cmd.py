"""``aisec users``: add, list, reset, roles and (de)activation from the command line,
passwords only from the environment or a terminal, every change audited."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("argon2", reason="the server extra is not installed")

PASSWORD = "a long cli password 11"


@pytest.fixture
def db(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("AISEC_USER_PASSWORD", PASSWORD)
    return f"sqlite:///{tmp_path / 'users.db'}"


def run(*argv: str) -> int:
    from aisec.cli.main import main

    return main(list(argv))


def listed(db, capsys) -> dict[str, dict]:
    capsys.readouterr()
    assert run("users", "list", "--format", "json", "--database", db) == 0
    return {u["username"]: u for u in json.loads(capsys.readouterr().out)}


def test_add_list_reset_and_roles(db, capsys, monkeypatch):
    from aisec.server.access.keys import create_key
    from aisec.server.access.secrets import verify_password
    from aisec.store import open_store

    assert run("users", "add", "root", "admin", "--database", db) == 0
    assert run("users", "add", "dana", "auditor", "--display-name", "Dana", "--database", db) == 0
    users = listed(db, capsys)
    assert users["dana"]["role"] == "auditor" and users["dana"]["active"] is True
    assert users["root"]["api_keys"] == 0

    with open_store(db) as store:
        dana = store.users.find_user("dana")
        create_key(store, dana.id, "ci", actor="dana")
    assert listed(db, capsys)["dana"]["api_keys"] == 1

    monkeypatch.setenv("AISEC_USER_PASSWORD", "the new cli password 22")
    assert run("users", "set-password", "dana", "--database", db) == 0
    assert listed(db, capsys)["dana"]["api_keys"] == 0  # a reset revokes the keys
    with open_store(db) as store:
        assert verify_password(store.users.password_hash(dana.id), "the new cli password 22")

    assert run("users", "set-role", "dana", "ml-engineer", "--database", db) == 0
    assert run("users", "deactivate", "dana", "--database", db) == 0
    assert listed(db, capsys)["dana"] | {"api_keys": 0} == {
        "username": "dana", "display_name": "Dana", "role": "ml-engineer", "active": False,
        "last_login_at": None, "api_keys": 0,
    }  # fmt: skip
    assert run("users", "activate", "dana", "--database", db) == 0

    with open_store(db) as store:
        actions = [e.action for e in store.audit.entries()]
        actors = {e.actor for e in store.audit.entries()}
    assert actions == [
        "user.created", "user.created", "api-key.created", "user.password-changed",
        "user.updated", "user.deactivated", "user.reactivated",
    ]  # fmt: skip
    assert all(a.endswith("(aisec users)") for a in actors - {"dana"})


def test_refusals_exit_2_and_change_nothing(db, capsys, monkeypatch):
    assert run("users", "add", "root", "admin", "--database", db) == 0
    assert run("users", "add", "eve", "superuser", "--database", db) == 2
    assert run("users", "set-role", "nobody", "auditor", "--database", db) == 2
    assert run("users", "deactivate", "root", "--database", db) == 2  # the last admin
    monkeypatch.setenv("AISEC_USER_PASSWORD", "short")
    assert run("users", "add", "eve", "auditor", "--database", db) == 2
    monkeypatch.delenv("AISEC_USER_PASSWORD")
    assert run("users", "add", "eve", "auditor", "--database", db) == 2  # no terminal
    assert "AISEC_USER_PASSWORD" in capsys.readouterr().err
    assert set(listed(db, capsys)) == {"root"}
