"""The audit key as a setting: ``audit_key`` in aisec.toml (relative to its directory),
``AISEC_AUDIT_KEY`` over it, and the store's automatic checkpoints signed with the key the
settings name."""

from __future__ import annotations

import pytest

from aisec.core.errors import ConfigError
from aisec.core.settings import Settings, load_settings
from aisec.governance.audit import AuditLog, SigningKey, key_path


def test_the_key_path_is_a_setting_with_the_environment_over_the_file(tmp_path):
    (tmp_path / "aisec.toml").write_text('audit_key = "keys/audit.pem"\n')
    assert key_path({}, tmp_path) == tmp_path / "keys" / "audit.pem"
    assert key_path({"AISEC_AUDIT_KEY": "/k/env.pem"}, tmp_path).as_posix() == "/k/env.pem"
    given = Settings(audit_key="/k/given.pem")
    assert key_path({}, tmp_path, settings=given).as_posix() == "/k/given.pem"
    assert load_settings(directory=tmp_path, environ={}).audit_key == str(
        tmp_path / "keys" / "audit.pem"
    )


def test_no_setting_means_the_working_directory(tmp_path):
    assert key_path({}, tmp_path) == tmp_path / ".aisec" / "audit-key.pem"
    with pytest.raises(ConfigError, match="audit_key"):
        Settings(audit_key=7)  # type: ignore[arg-type]


def test_automatic_checkpoints_use_the_configured_key(tmp_path, monkeypatch):
    from aisec.store import open_store

    monkeypatch.delenv("AISEC_AUDIT_KEY", raising=False)
    key = SigningKey.generate()
    path = tmp_path / "elsewhere" / "signer.pem"
    path.parent.mkdir()
    path.write_bytes(key.pem())
    url = f"sqlite:///{tmp_path / 'gov.db'}"
    with open_store(url, settings=Settings(audit_key=str(path))) as store:
        log = AuditLog(store, checkpoint_every=2)  # no key given: the setting's is used
        for i in (1, 2):
            log.append("dpo", "risk.accepted", "risk", f"r{i}", {})
        assert [c.key_id for c in log.checkpoints()] == [key.key_id]
        assert log.verify(key.public).ok
