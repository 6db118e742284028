"""``aisec serve`` refuses to start a store without users unless it is told who the first
administrator is; it never makes one up."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi", reason="the server extra is not installed")


def test_serve_without_users_and_without_a_terminal_exits_2(tmp_path, monkeypatch, capsys):
    from aisec.cli.main import main

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("AISEC_ADMIN_USERNAME", raising=False)
    monkeypatch.delenv("AISEC_ADMIN_PASSWORD", raising=False)
    code = main(["serve", "--database", f"sqlite:///{tmp_path / 's.db'}"])
    assert code == 2
    err = capsys.readouterr().err
    assert "no users" in err and "AISEC_ADMIN_PASSWORD" in err


def test_serve_creates_the_first_admin_from_the_environment(tmp_path, monkeypatch):
    from aisec.cli import serve_cmd
    from aisec.cli.main import main
    from aisec.store import open_store

    served = []
    monkeypatch.setattr(serve_cmd, "run_server", lambda *a, **k: served.append(k))
    monkeypatch.setenv("AISEC_ADMIN_USERNAME", "root")
    monkeypatch.setenv("AISEC_ADMIN_PASSWORD", "a long test password 42")
    url = f"sqlite:///{tmp_path / 's.db'}"
    assert main(["serve", "--database", url, "--port", "8123"]) == 0
    assert served == [{"host": "127.0.0.1", "port": 8123, "tls": (None, None)}]
    with open_store(url) as store:
        assert store.users.find_user("root").role == "admin"


def test_demo_serve_makes_a_demo_admin_with_a_random_password(tmp_path, monkeypatch, capsys):
    from aisec.cli import demo_cmd, serve_cmd
    from aisec.core.settings import Settings
    from aisec.server.access.secrets import verify_password
    from aisec.store import open_store

    monkeypatch.delenv("AISEC_ADMIN_USERNAME", raising=False)
    monkeypatch.delenv("AISEC_ADMIN_PASSWORD", raising=False)
    served = []
    monkeypatch.setattr(serve_cmd, "run_server", lambda *a, **k: served.append(k["port"]))
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    demo_cmd._serve(Settings(database_url=url), "127.0.0.1", 8124)
    assert served == [8124]
    err = capsys.readouterr().err
    password = err.split("with the password '")[1].split("'")[0]
    assert len(password) >= 12
    with open_store(url) as store:
        user = store.users.find_user("demo-admin")
        assert user.role == "admin"
        assert verify_password(store.users.password_hash(user.id), password)
    # a second time: users exist, no new password is made or shown
    demo_cmd._serve(Settings(database_url=url), "127.0.0.1", 8124)
    assert "with the password" not in capsys.readouterr().err
