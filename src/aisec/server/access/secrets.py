"""Passwords and tokens. Passwords are hashed with Argon2id (argon2-cffi's defaults, the
RFC 9106 low-memory profile); API keys and session tokens are 256-bit random values stored
as their SHA-256, which is enough for a value nobody chose and keeps lookups to one query."""

from __future__ import annotations

import hashlib
import secrets
from functools import lru_cache
from typing import TYPE_CHECKING

from aisec.core.errors import InvalidRecord

if TYPE_CHECKING:
    from argon2 import PasswordHasher

KEY_PREFIX = "aisec_"
MIN_PASSWORD = 12
MAX_PASSWORD = 1024  # Argon2 takes any length; a cap keeps a login from being a CPU sink


@lru_cache(maxsize=1)
def _hasher() -> PasswordHasher:
    from argon2 import PasswordHasher

    return PasswordHasher()


def check_password_policy(password: str, username: str = "") -> None:
    """InvalidRecord saying what is wrong with a new password."""
    if len(password) < MIN_PASSWORD:
        raise InvalidRecord(f"a password needs at least {MIN_PASSWORD} characters")
    if len(password) > MAX_PASSWORD:
        raise InvalidRecord(f"a password has at most {MAX_PASSWORD} characters")
    if username and password.strip().lower() == username.strip().lower():
        raise InvalidRecord("a password must not be the user name")
    if len(set(password)) < 4:
        raise InvalidRecord("a password needs more than three different characters")


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

    if len(password) > MAX_PASSWORD:
        return False
    try:
        return _hasher().verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher().check_needs_rehash(password_hash)


# A hash of a password nobody has, verified when a login names no user, so that a wrong
# user name costs the same time as a wrong password (no user enumeration by timing).
@lru_cache(maxsize=1)
def decoy_hash() -> str:
    return hash_password(secrets.token_urlsafe(16))


def new_token() -> str:
    return secrets.token_urlsafe(32)


def new_api_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def key_prefix(key: str) -> str:
    """The public start of a key, shown in lists: ``aisec_`` and six characters."""
    return key[: len(KEY_PREFIX) + 6]


def same(a: str, b: str) -> bool:
    return secrets.compare_digest(a.encode(), b.encode())
