"""Signed manifests: a valid signature verifies, any edit or another key does not."""

import pytest

from aisec.core.errors import ConfigError
from aisec.data.manifest import (
    build_manifest,
    canonical,
    check_signature,
    dumps,
    parse_manifest,
    sign_manifest,
)
from aisec.governance.audit import SigningKey


@pytest.fixture
def keys(tmp_path):
    made = {}
    for name in ("mine", "theirs"):
        key = SigningKey.generate()
        (tmp_path / f"{name}.pem").write_bytes(key.pem())
        (tmp_path / f"{name}.pub.pem").write_bytes(key.public.pem())
        made[name] = (tmp_path / f"{name}.pem", tmp_path / f"{name}.pub.pem")
    return made


@pytest.fixture
def manifest(tmp_path):
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "a.csv").write_text("a,b\n1,2\n")
    return build_manifest([tmp_path / "d"], 4096)


def test_sign_then_check(manifest, keys):
    signed = parse_manifest(dumps(sign_manifest(manifest, keys["mine"][0])).encode())
    assert check_signature(signed, keys["mine"][1]).status == "valid"
    assert check_signature(signed, None).status == "not-checked"
    assert check_signature(signed, keys["theirs"][1]).status == "invalid"
    assert check_signature(manifest, keys["mine"][1]).status == "missing"
    assert check_signature(manifest, None).status == "unsigned"


def test_an_edited_signed_manifest_fails(manifest, keys):
    signed = sign_manifest(manifest, keys["mine"][0])
    text = dumps(signed).replace('"created": "', '"created": "1')
    edited = parse_manifest(text.encode())
    assert canonical(edited) != canonical(signed)
    check = check_signature(edited, keys["mine"][1])
    assert check.status == "invalid" and check.failed


def test_an_unusable_key_is_a_config_error(manifest, tmp_path):
    (tmp_path / "junk.pem").write_text("not a key")
    with pytest.raises(ConfigError):
        sign_manifest(manifest, tmp_path / "junk.pem")
