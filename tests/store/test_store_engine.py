"""Which database is used, the default SQLite file, and the documented errors."""

from __future__ import annotations

import os
import stat
import sys

import pytest
from sqlalchemy import text

from aisec.core.errors import StoreError
from aisec.core.settings import Settings, load_settings
from aisec.store import open_store
from aisec.store.engine import create_store_engine
from aisec.store.url import ENV_VAR, resolve_url


def test_precedence_explicit_then_environment_then_setting_then_default():
    settings = Settings(database_url="sqlite:///setting.db")
    env = {ENV_VAR: "sqlite:///env.db"}
    assert resolve_url("sqlite:///explicit.db", settings=settings, environ=env) == (
        "sqlite:///explicit.db"
    )
    assert resolve_url(None, settings=settings, environ=env) == "sqlite:///env.db"
    assert resolve_url(None, settings=settings, environ={}) == "sqlite:///setting.db"
    assert resolve_url(None, settings=Settings(), environ={}) is None
    assert resolve_url("  ", settings=None, environ={ENV_VAR: ""}) is None


def test_the_setting_is_read_from_the_config_file_and_the_environment(tmp_path):
    (tmp_path / "aisec.toml").write_text('database_url = "sqlite:///from-file.db"\n')
    assert load_settings(directory=tmp_path, environ={}).database_url == "sqlite:///from-file.db"
    env = {ENV_VAR: "sqlite:///from-env.db"}
    assert load_settings(directory=tmp_path, environ=env).database_url == "sqlite:///from-env.db"


def test_the_configuration_snapshot_hides_the_password():
    settings = Settings(database_url="postgresql+psycopg://alice:s3cret@db/aisec")
    assert settings.to_dict()["database_url"] == "postgresql+psycopg://alice:***@db/aisec"
    in_query = Settings(database_url="postgresql://alice@db/aisec?password=s3cret&sslmode=require")
    assert in_query.to_dict()["database_url"] == (
        "postgresql://alice@db/aisec?password=***&sslmode=require"
    )
    assert Settings().to_dict()["database_url"] is None


def test_default_database_is_created_on_first_use_private(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with open_store(environ={}) as store:
        assert store.url == f"sqlite:///{tmp_path / '.aisec' / 'aisec.db'}"
    directory = tmp_path / ".aisec"
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    assert stat.S_IMODE((directory / "aisec.db").stat().st_mode) == 0o600
    with open_store(environ={}) as again:  # and found again, not recreated
        assert again.url.endswith(".aisec/aisec.db")


def test_default_database_under_an_explicit_working_directory(tmp_path):
    with open_store(environ={}, cwd=tmp_path):
        assert (tmp_path / ".aisec" / "aisec.db").is_file()


def test_default_database_that_cannot_be_created(tmp_path):
    (tmp_path / ".aisec").write_text("a file where the directory should be")
    with pytest.raises(StoreError, match="cannot create") as caught:
        open_store(environ={}, cwd=tmp_path)
    assert ENV_VAR in (caught.value.hint or "")


def test_sqlite_has_foreign_keys_and_wal(tmp_path):
    engine = create_store_engine(f"sqlite:///{tmp_path / 'x.db'}")
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    engine.dispose()


def test_in_memory_sqlite_is_one_database_for_the_whole_store():
    with open_store("sqlite://") as store:
        from aisec.store import VendorAsset

        store.inventory.add(VendorAsset(name="acme"))
        assert [v.name for v in store.inventory.list(VendorAsset)] == ["acme"]


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("not a url", "malformed database URL"),
        ("postgresql://u:pw@host:notaport/db", "malformed database URL"),
        ("sqlite://somehost/file.db", "malformed SQLite URL"),
        ("mysql://u@host/db", "unsupported database 'mysql'"),
        ("postgresql+psycopg2://u@host/db", "unsupported PostgreSQL driver 'psycopg2'"),
    ],
)
def test_bad_urls_are_store_errors(url, message):
    with pytest.raises(StoreError, match=message) as caught:
        open_store(url)
    assert caught.value.code == "AISEC-E600"
    assert caught.value.hint


def test_missing_directory_of_an_explicit_sqlite_file(tmp_path):
    with pytest.raises(StoreError, match="is missing"):
        open_store(f"sqlite:///{tmp_path / 'absent' / 'x.db'}")


def test_missing_driver_says_what_to_install(monkeypatch):
    for name in [m for m in sys.modules if m == "psycopg" or m.startswith("psycopg.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "psycopg", None)  # import psycopg now fails
    with pytest.raises(StoreError, match="not installed") as caught:
        open_store("postgresql://alice:s3cret@127.0.0.1/aisec")
    assert "pip install 'aisec[postgres]'" in (caught.value.hint or "")
    assert "s3cret" not in str(caught.value)


def test_unreachable_server_is_a_store_error_without_the_password():
    with pytest.raises(StoreError, match="cannot use the database") as caught:
        open_store("postgresql+psycopg://alice:s3cret@127.0.0.1:1/aisec?connect_timeout=3")
    assert "s3cret" not in str(caught.value)
    assert "alice:***@127.0.0.1:1" in str(caught.value)
    assert "server is running" in (caught.value.hint or "")


def test_the_environment_variable_is_used(tmp_path, monkeypatch):
    target = tmp_path / "from-env.db"
    monkeypatch.setenv(ENV_VAR, f"sqlite:///{target}")
    with open_store() as store:
        assert store.url == f"sqlite:///{target}"
    assert target.is_file()
    assert os.stat(target).st_size > 0
