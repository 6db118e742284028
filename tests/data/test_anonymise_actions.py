"""Value actions: masking, keyed hashes and pseudonyms (deterministic under one key,
different under another), replacement, and keys that never show."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from aisec.core.errors import ConfigError
from aisec.data.anonymise import Context, Hash, HmacKey, Mask, Pseudonym, Replace, load_key

KEY = b"k" * 32
OTHER = b"o" * 32


def ctx(key: bytes | None = KEY) -> Context:
    return Context(HmacKey(key) if key is not None else None)


def test_mask_keeps_first_and_last_and_separators():
    assert (
        Mask(show_first=2, show_last=2).apply("4111111111111111", ctx()) == "41" + "*" * 12 + "11"
    )
    assert Mask(show_last=4, char="#", preserve="-").apply("123-45-6789", ctx()) == "###-##-6789"
    assert Mask().apply("secret", ctx()) == "******"


def test_mask_hides_a_value_too_short_to_show_that_much():
    assert Mask(show_first=2, show_last=2).apply("abcd", ctx()) == "****"
    assert Mask(show_first=2, show_last=2).apply("abcde", ctx()) == "ab*de"


def test_hash_is_hmac_sha256_of_the_value_truncated():
    message = b"aisec.anonymise.digest\0alice@example.com"
    expected = hmac.new(KEY, message, hashlib.sha256).hexdigest()
    assert Hash().apply("alice@example.com", ctx()) == expected
    assert Hash(length=16).apply("alice@example.com", ctx()) == expected[:16]


def test_hash_and_pseudonym_are_stable_under_one_key_and_differ_across_keys():
    for action in (Hash(length=16), Pseudonym(prefix="person")):
        first = action.apply("Alice Smith", ctx())
        assert first == action.apply("Alice Smith", ctx())  # a fresh key object: across runs
        assert first != action.apply("Alice Smith", ctx(OTHER))
        assert first != action.apply("Bob Jones", ctx())


def test_pseudonym_styles():
    token = Pseudonym(prefix="person", length=20).apply("Alice", ctx())
    assert token is not None
    assert token.startswith("person-")
    assert len(token) == len("person-") + 20
    email = Pseudonym(prefix="user", style="email").apply("alice@example.com", ctx())
    assert email is not None
    assert email.endswith("@example.com")
    assert "alice" not in email
    shaped = Pseudonym(style="shape").apply("+44 20-7946 0958", ctx())
    assert shaped is not None
    assert len(shaped) == len("+44 20-7946 0958")
    assert [c.isdigit() for c in shaped] == [c.isdigit() for c in "+44 20-7946 0958"]
    assert shaped != "+44 20-7946 0958"
    nino = Pseudonym(style="shape").apply("AB123456C", ctx())
    assert nino is not None
    assert nino[:2].isupper()
    assert nino[2:8].isdigit()


def test_normalising_lets_spellings_of_one_value_meet():
    action = Pseudonym(normalise=("strip", "lower"))
    assert action.apply(" Alice@Example.com", ctx()) == action.apply("alice@example.com", ctx())
    digits = Hash(normalise=("digits",))
    assert digits.apply("+1 (555) 010-9999", ctx()) == digits.apply("15550109999", ctx())


def test_replace_and_null():
    assert Replace("<X>").apply("anything", ctx()) == "<X>"
    assert Replace(None).apply("anything", ctx()) is None


def test_keyed_actions_without_a_key_are_a_config_error():
    with pytest.raises(ConfigError, match="no key"):
        Hash().apply("x", ctx(None))


def test_the_key_never_shows_in_repr_and_short_keys_are_refused(tmp_path, monkeypatch):
    key = HmacKey(b"very-secret-key-material-123", source="test")
    assert "very-secret" not in repr(key)
    with pytest.raises(ConfigError, match="at least 16"):
        HmacKey(b"short")
    path = tmp_path / "key"
    path.write_bytes(b"0123456789abcdef0123\n")
    from_file = load_key(key_file=path)
    assert from_file is not None
    monkeypatch.setenv("ANON_TEST_KEY", "0123456789abcdef0123")
    from_env = load_key(key_env="ANON_TEST_KEY")
    assert from_env is not None
    # The final newline of a key file is not part of the key.
    assert from_file.hexdigest("x") == from_env.hexdigest("x")
    monkeypatch.delenv("ANON_TEST_KEY")
    assert load_key(key_env="ANON_TEST_KEY") is None
    with pytest.raises(ConfigError, match="cannot read"):
        load_key(key_file=tmp_path / "missing")
