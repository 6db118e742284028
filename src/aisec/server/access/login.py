"""Logging in and out, and creating users: the only code that sees a password.

A failed login says the same thing, after the same Argon2 work, whether the user name or
the password was wrong. Repeated failures for one user name hold it back for a while
(in memory: a restart forgets, which costs an attacker a restart they cannot cause).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from aisec.core.errors import AuthRequired, InvalidRecord
from aisec.server.access.secrets import (
    check_password_policy,
    decoy_hash,
    hash_password,
    needs_rehash,
    new_token,
    token_hash,
    verify_password,
)

if TYPE_CHECKING:
    from aisec.server.config import ServerConfig
    from aisec.store.server_records import StoredSession, StoredUser
    from aisec.store.store import Store

_FAILED = "wrong user name or password"


class LoginThrottle:
    """Failed logins per user name and client address; after ``attempts`` of them, that
    pair is refused for ``lockout`` seconds. Per address, so that nobody can lock another
    person (or the only administrator) out by failing on their name from elsewhere.

    An attempt is counted when it starts, under the lock, so that guesses sent at the
    same moment cannot all slip past the count while Argon2 works."""

    MAX_TRACKED = 100_000

    def __init__(self, attempts: int, lockout: float) -> None:
        self._attempts, self._lockout = attempts, lockout
        self._failures: dict[tuple[str, str], tuple[int, float]] = {}
        self._lock = threading.Lock()

    def begin(self, username: str, client: str) -> None:
        """Count an attempt; AuthRequired if the pair is held back."""
        key, now = (username.lower(), client), time.monotonic()
        with self._lock:
            count, last = self._failures.get(key, (0, 0.0))
            if count >= self._attempts and now - last < self._lockout:
                raise AuthRequired(
                    "too many failed logins for this user name",
                    hint=f"wait {int(self._lockout)} seconds, or ask an administrator",
                )
            if count >= self._attempts:  # the wait is over: start counting again
                count = 0
            self._failures[key] = (count + 1, now)
            if len(self._failures) > self.MAX_TRACKED:  # bounded: forget the oldest
                oldest = min(self._failures, key=lambda k: self._failures[k][1])
                del self._failures[oldest]

    def exhausted(self, username: str, client: str) -> bool:
        """Whether the failed attempt just counted was the last one allowed."""
        with self._lock:
            count, _ = self._failures.get((username.lower(), client), (0, 0.0))
        return count == self._attempts

    def succeeded(self, username: str, client: str) -> None:
        with self._lock:
            self._failures.pop((username.lower(), client), None)


@dataclass(frozen=True)
class LoggedIn:
    token: str  # the cookie's value; only its hash is stored
    session: StoredSession
    user: StoredUser


def login(
    store: Store,
    config: ServerConfig,
    throttle: LoginThrottle,
    username: str,
    password: str,
    client: str = "",
) -> LoggedIn:
    """A new session for the user; AuthRequired, saying the same for a wrong name or
    password, otherwise. ``client`` is the address the attempt came from."""
    username = username.strip()
    throttle.begin(username, client)
    user = store.users.find_user(username) if 0 < len(username) <= 100 else None
    stored_hash = store.users.password_hash(user.id) if user is not None else None
    ok = verify_password(stored_hash or decoy_hash(), password)
    if user is None or stored_hash is None or not ok or not user.active:
        if user is not None and throttle.exhausted(username, client):
            # Audited once per hold, not per failure: failures alone would let anyone
            # grow the signed log at will.
            store.audit.append(
                "aisec", "user.login-held-back", "user", user.id, {"client": client[:100]}
            )
        raise AuthRequired(_FAILED, hint="check both, or ask an administrator to reset it")
    throttle.succeeded(username, client)
    token = new_token()
    expires = datetime.now(UTC) + timedelta(hours=config.session_hours)
    with store.transaction():
        if needs_rehash(stored_hash):
            store.users.set_password_hash(user.id, hash_password(password))
        session = store.users.add_session(user.id, token_hash(token), new_token(), expires)
        store.users.touch_login(user.id)
        store.audit.append(user.username, "user.login", "user", user.id, {"via": "session"})
    return LoggedIn(token, session, user)


def logout(store: Store, token: str, username: str) -> None:
    with store.transaction():
        store.users.delete_session(token_hash(token))
        store.audit.append(username, "user.logout", "user", username, {})


def create_user(
    store: Store,
    username: str,
    password: str,
    role: str,
    *,
    actor: str,
    display_name: str = "",
) -> StoredUser:
    """A new user, recorded in the audit trail; InvalidRecord for a weak password, a taken
    or malformed name, or an unknown role."""
    username = username.strip()
    if not username or len(username) > 100 or any(c.isspace() or ord(c) < 32 for c in username):
        raise InvalidRecord("a user name is 1-100 characters without spaces")
    check_password_policy(password, username)
    with store.transaction():
        user = store.users.create_user(username, role, hash_password(password), display_name)
        store.audit.append(
            actor, "user.created", "user", user.id, {"username": username, "role": role}
        )
    return user


def set_password(
    store: Store, user: StoredUser, password: str, *, actor: str, revoke_keys: bool = False
) -> None:
    """A new password; the user's sessions end. ``revoke_keys`` (an administrator's reset,
    which usually answers a compromise) revokes the user's API keys too: a key minted from
    a stolen session would otherwise outlive the reset."""
    check_password_policy(password, user.username)
    with store.transaction():
        store.users.set_password_hash(user.id, hash_password(password))
        store.users.delete_user_sessions(user.id)
        revoked = 0
        if revoke_keys:
            for key in store.users.list_keys(user.id):
                if key.revoked_at is None:
                    store.users.revoke_key(key.id)
                    revoked += 1
        store.audit.append(
            actor, "user.password-changed", "user", user.id, {"keys_revoked": revoked}
        )
