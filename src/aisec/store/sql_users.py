"""Users, API keys and browser sessions over SQLAlchemy (revision 0008).

Usernames are unique regardless of case, as people type them: each is stored with its
case-folded key (``str.casefold``), which is unique and is what logins look up, alike on
SQLite (whose ``lower()`` folds ASCII only) and PostgreSQL. Keys and
sessions are looked up by the SHA-256 of their token on every request; recording when they
were last used is a write, so it is done at most once a minute per key or session.
"""

from __future__ import annotations

import builtins
import re
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, or_, select, text, update
from sqlalchemy.orm import Session

from aisec.core.errors import InvalidRecord, RecordNotFound
from aisec.store import governance_rows as g
from aisec.store.models import ROLES, ApiKey, User, WebSession
from aisec.store.models.base import new_id, utcnow
from aisec.store.server_records import StoredApiKey, StoredSession, StoredUser
from aisec.store.sql_audit import AuditedRepository

_SHA256 = re.compile(r"[0-9a-f]{64}")
_TOUCH = timedelta(minutes=1)  # how stale last_used_at / last_seen_at may get


class SqlUserRepository(AuditedRepository):
    """Writes join the caller's transaction; the audit entries are the caller's to write,
    as only the server knows who acted."""

    def create_user(
        self, username: str, role: str, password_hash: str, display_name: str = ""
    ) -> StoredUser:
        name = g.text("a user", "username", username, 100)
        row = User(
            id=new_id(),
            username=name,
            username_key=name.casefold(),
            display_name=g.text("a user", "display name", display_name, 200, required=False),
            role=g.one_of("a user", "role", role, ROLES),
            password_hash=g.text("a user", "password hash", password_hash),
            active=True,
        )
        with self._sessions.write() as session:
            # The unique key settles a race between two writers; this gives the message.
            taken = select(User.id).where(User.username_key == row.username_key)
            if session.scalar(taken) is not None:
                raise InvalidRecord(f"the username {name!r} is taken")
            session.add(row)
            session.flush()
            return _user(row)

    def get_user(self, user_id: str) -> StoredUser | None:
        with self._sessions.read() as session:
            row = session.get(User, user_id)
            return _user(row) if row is not None else None

    def find_user(self, username: str) -> StoredUser | None:
        query = select(User).where(User.username_key == username.strip().casefold())
        with self._sessions.read() as session:
            row = session.scalars(query).first()
            return _user(row) if row is not None else None

    def password_hash(self, user_id: str) -> str | None:
        with self._sessions.read() as session:
            found: str | None = session.scalar(select(User.password_hash).where(User.id == user_id))
            return found

    def set_password_hash(self, user_id: str, password_hash: str) -> StoredUser:
        return self._change(user_id, password_hash=g.text("a user", "password hash", password_hash))

    def set_role(self, user_id: str, role: str) -> StoredUser:
        return self._change(user_id, role=g.one_of("a user", "role", role, ROLES))

    def set_active(self, user_id: str, active: bool) -> StoredUser:
        return self._change(user_id, active=g.flag("a user", "active", active))

    def _keep_an_admin(self, session: Session, row: User, values: dict[str, Any]) -> None:
        """InvalidRecord if the change leaves no active administrator: counted in the
        writing transaction, the table locked on PostgreSQL, so that two administrators
        demoting each other at once cannot both succeed."""
        if not (row.role == "admin" and row.active):
            return
        if values.get("role", "admin") == "admin" and values.get("active", True):
            return
        if session.get_bind().dialect.name == "postgresql":
            session.execute(text("LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE"))
        others = (
            select(func.count())
            .select_from(User)
            .where(User.role == "admin", User.active.is_(True), User.id != row.id)
        )
        if not session.scalar(others):
            raise InvalidRecord(
                "the last active administrator cannot be demoted or deactivated",
                hint="make another user an administrator first",
            )

    def set_display_name(self, user_id: str, display_name: str) -> StoredUser:
        text = g.text("a user", "display name", display_name, 200, required=False)
        return self._change(user_id, display_name=text)

    def touch_login(self, user_id: str) -> StoredUser:
        return self._change(user_id, last_login_at=utcnow())

    def list_users(self) -> builtins.list[StoredUser]:
        query = select(User).order_by(User.username_key, User.id)
        with self._sessions.read() as session:
            return [_user(row) for row in session.scalars(query)]

    def count_users(self) -> int:
        with self._sessions.read() as session:
            return int(session.scalar(select(func.count()).select_from(User)) or 0)

    # -- API keys ---------------------------------------------------------------------

    def add_key(
        self,
        user_id: str,
        name: str,
        prefix: str,
        key_hash: str,
        expires_at: datetime | None = None,
    ) -> StoredApiKey:
        row = ApiKey(
            id=new_id(),
            name=g.text("an API key", "name", name, 200),
            prefix=g.text("an API key", "prefix", prefix, 20),
            key_hash=_sha256("an API key", key_hash),
            expires_at=g.aware("an API key", "expiry", expires_at, required=False),
        )
        with self._sessions.write() as session:
            row.user_id = _user_row(session, user_id).id
            if session.scalar(select(ApiKey.id).where(ApiKey.key_hash == row.key_hash)):
                raise InvalidRecord("an API key with this hash is stored already")
            session.add(row)
            session.flush()
            return _key(row)

    def get_key(self, key_id: str) -> StoredApiKey | None:
        with self._sessions.read() as session:
            row = session.get(ApiKey, key_id)
            return _key(row) if row is not None else None

    def key_by_hash(
        self, key_hash: str, *, now: datetime | None = None
    ) -> tuple[StoredApiKey, StoredUser] | None:
        now = now or utcnow()
        query = (
            select(ApiKey, User)
            .join(User, User.id == ApiKey.user_id)
            .where(ApiKey.key_hash == key_hash, ApiKey.revoked_at.is_(None), User.active)
            .where(or_(ApiKey.expires_at.is_(None), ApiKey.expires_at > now))
        )
        with self._sessions.read() as session:
            found = session.execute(query).first()
            if found is None:
                return None
            key, user = _key(found[0]), _user(found[1])
        if key.last_used_at is None or key.last_used_at <= now - _TOUCH:
            self._touch(ApiKey, ApiKey.last_used_at, key.id, now)
            key = replace(key, last_used_at=now)
        return key, user

    def list_keys(self, user_id: str | None = None) -> builtins.list[StoredApiKey]:
        query = select(ApiKey).order_by(ApiKey.created_at, ApiKey.id)
        if user_id is not None:
            query = query.where(ApiKey.user_id == user_id)
        with self._sessions.read() as session:
            return [_key(row) for row in session.scalars(query)]

    def revoke_key(self, key_id: str) -> StoredApiKey:
        with self._sessions.write() as session:
            row = session.get(ApiKey, key_id)
            if row is None:
                raise RecordNotFound(f"no API key with the id {key_id!r}")
            if row.revoked_at is None:
                row.revoked_at = utcnow()
                session.flush()
            return _key(row)

    # -- browser sessions -------------------------------------------------------------

    def add_session(
        self, user_id: str, token_hash: str, csrf_token: str, expires_at: datetime
    ) -> StoredSession:
        now = utcnow()
        row = WebSession(
            id=new_id(),
            token_hash=_sha256("a session", token_hash),
            csrf_token=g.text("a session", "CSRF token", csrf_token, 64),
            created_at=now,
            last_seen_at=now,
            expires_at=g.aware("a session", "expiry", expires_at),
        )
        with self._sessions.write() as session:
            row.user_id = _user_row(session, user_id).id
            session.add(row)
            session.flush()
            return _session(row)

    def session_by_hash(
        self, token_hash: str, now: datetime
    ) -> tuple[StoredSession, StoredUser] | None:
        query = (
            select(WebSession, User)
            .join(User, User.id == WebSession.user_id)
            .where(WebSession.token_hash == token_hash, WebSession.expires_at > now, User.active)
        )
        with self._sessions.read() as session:
            found = session.execute(query).first()
            if found is None:
                return None
            web, user = _session(found[0]), _user(found[1])
        if web.last_seen_at <= now - _TOUCH:
            self._touch(WebSession, WebSession.last_seen_at, web.id, now)
            web = replace(web, last_seen_at=now)
        return web, user

    def delete_session(self, token_hash: str) -> None:
        with self._sessions.write() as session:
            session.execute(delete(WebSession).where(WebSession.token_hash == token_hash))

    def delete_user_sessions(self, user_id: str) -> int:
        with self._sessions.write() as session:
            done = session.execute(delete(WebSession).where(WebSession.user_id == user_id))
            return int(getattr(done, "rowcount", 0) or 0)

    def purge_expired(self, now: datetime) -> int:
        with self._sessions.write() as session:
            done = session.execute(delete(WebSession).where(WebSession.expires_at <= now))
            return int(getattr(done, "rowcount", 0) or 0)

    # -- helpers ----------------------------------------------------------------------

    def _change(self, user_id: str, **values: Any) -> StoredUser:
        with self._sessions.write() as session:
            row = _user_row(session, user_id)
            self._keep_an_admin(session, row, values)
            for name, value in values.items():
                setattr(row, name, value)
            session.flush()
            return _user(row)

    def _touch(self, model: type[ApiKey | WebSession], column: Any, row_id: str,
               now: datetime) -> None:  # fmt: skip
        # Conditional, so that of several requests in the same minute one writes.
        stale = or_(column.is_(None), column <= now - _TOUCH)
        with self._sessions.write() as session:
            session.execute(update(model).where(model.id == row_id, stale).values({column: now}))


def _sha256(record: str, value: object) -> str:
    if not isinstance(value, str) or not _SHA256.fullmatch(value):
        raise InvalidRecord(f"{record}'s token hash must be 64 lowercase hex digits (SHA-256)")
    return value


def _user_row(session: Session, user_id: str) -> User:
    row = session.get(User, user_id)
    if row is None:
        raise RecordNotFound(f"no user with the id {user_id!r}")
    return row


def _user(row: User) -> StoredUser:
    return StoredUser(
        id=row.id,
        username=row.username,
        display_name=row.display_name,
        role=row.role,
        active=row.active,
        created_at=row.created_at,
        last_login_at=row.last_login_at,
    )


def _key(row: ApiKey) -> StoredApiKey:
    return StoredApiKey(
        id=row.id,
        user_id=row.user_id,
        name=row.name,
        prefix=row.prefix,
        created_at=row.created_at,
        expires_at=row.expires_at,
        last_used_at=row.last_used_at,
        revoked_at=row.revoked_at,
    )


def _session(row: WebSession) -> StoredSession:
    return StoredSession(
        id=row.id,
        user_id=row.user_id,
        csrf_token=row.csrf_token,
        created_at=row.created_at,
        last_seen_at=row.last_seen_at,
        expires_at=row.expires_at,
    )
