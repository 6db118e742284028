"""The checkpoint signing key: made once with private permissions, reused after, refused
when it is not an Ed25519 key."""

from __future__ import annotations

import stat

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from aisec.core.errors import ConfigError
from aisec.governance.audit.keys import (
    key_path,
    load_or_create_signing_key,
    load_signing_key,
    load_verify_key,
    public_key_path,
)


def test_the_key_is_created_once_private_with_its_public_key_beside_it(tmp_path):
    path = tmp_path / ".aisec" / "audit-key.pem"
    made = load_or_create_signing_key(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert public_key_path(path) == tmp_path / ".aisec" / "audit-key.pub.pem"
    assert load_verify_key(public_key_path(path)).key_id == made.key_id
    assert load_or_create_signing_key(path).key_id == made.key_id  # reused, not replaced
    assert load_verify_key(path).key_id == made.key_id  # a private key verifies too
    signature = made.sign(b"message")
    assert made.public.verifies(b"message", signature)
    assert not made.public.verifies(b"messagf", signature)


def test_the_key_path_comes_from_the_environment_or_the_working_directory(tmp_path):
    assert key_path({}, tmp_path) == tmp_path / ".aisec" / "audit-key.pem"
    assert key_path({"AISEC_AUDIT_KEY": "/keys/a.pem"}, tmp_path).as_posix() == "/keys/a.pem"


def test_what_is_not_an_ed25519_key_is_refused(tmp_path):
    other = ec.generate_private_key(ec.SECP256R1())
    private = tmp_path / "ec.pem"
    private.write_bytes(
        other.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )  # fmt: skip
    public = tmp_path / "ec.pub.pem"
    public.write_bytes(
        other.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    garbage = tmp_path / "garbage.pem"
    garbage.write_text("not a key")
    with pytest.raises(ConfigError, match="not an Ed25519 private key"):
        load_signing_key(private)
    with pytest.raises(ConfigError, match="not an Ed25519 public key"):
        load_verify_key(public)
    with pytest.raises(ConfigError, match="cannot read"):
        load_verify_key(garbage)
    with pytest.raises(ConfigError, match="cannot read"):
        load_verify_key(tmp_path / "missing.pem")
