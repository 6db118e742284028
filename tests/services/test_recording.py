"""When a scan is recorded, and that a store failure never costs the scan its result."""

from __future__ import annotations

from pathlib import Path

import pytest

from aisec.core.run import Run
from aisec.core.settings import Settings
from aisec.services import recording


def a_run():
    run = Run("scan", ["."], "0.1.0", {"fail_on": "high"})
    run.finish()
    return run


def test_constants_match_the_store():
    from aisec.store import url

    assert recording.DATABASE_ENV == url.ENV_VAR
    assert Path(url.DEFAULT_DIRECTORY, url.DEFAULT_FILE) == recording.DEFAULT_DATABASE


@pytest.mark.parametrize(
    ("setting", "url", "env", "exists", "expected"),
    [
        (None, None, {}, False, False),  # auto, nothing configured, no store here
        (None, None, {}, True, True),  # auto, .aisec/aisec.db exists
        (None, "sqlite:///x.db", {}, False, True),  # auto, --database
        (None, None, {"AISEC_DATABASE_URL": "sqlite:///x.db"}, False, True),
        (None, None, {"AISEC_DATABASE_URL": "  "}, False, False),  # empty does not count
        (True, None, {}, False, True),
        (False, "sqlite:///x.db", {}, True, False),
    ],
)
def test_should_record(tmp_path, setting, url, env, exists, expected):
    if exists:
        (tmp_path / ".aisec").mkdir()
        (tmp_path / ".aisec" / "aisec.db").touch()
    settings = Settings(record_runs=setting)
    assert recording.should_record(settings, url, environ=env, cwd=tmp_path) is expected


def test_configured_database_url_setting_counts(tmp_path):
    settings = Settings(database_url="sqlite:///x.db")
    assert recording.should_record(settings, environ={}, cwd=tmp_path)


def test_record_run_stores_with_the_commands_exit_code(tmp_path):
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    recorded = recording.record_run(a_run(), Settings(), exit_code=3, url=url, environ={})
    assert recorded.warning == ""
    assert recorded.run is not None and recorded.run.exit_code == 3


def test_store_errors_become_a_warning_without_the_password(tmp_path):
    url = "postgresql+psycopg://user:s3cret@127.0.0.1:1/nothing"
    recorded = recording.record_run(a_run(), Settings(), exit_code=1, url=url, environ={})
    assert recorded.run is None
    assert recorded.warning.startswith("run not recorded: [AISEC-E600]")
    assert "s3cret" not in recorded.warning


def test_unexpected_errors_become_a_warning_too(tmp_path, monkeypatch):
    import aisec.store

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire at sqlite:///db?password=hunter2")

    monkeypatch.setattr(aisec.store, "open_store", broken, raising=False)
    recorded = recording.record_run(
        a_run(), Settings(), exit_code=1, url="sqlite:///db?password=hunter2", environ={}
    )
    assert recorded.warning.startswith("run not recorded: RuntimeError: disk on fire")
    assert "hunter2" not in recorded.warning
