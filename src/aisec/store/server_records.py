"""Plain records and repository protocols of the server's tables (revision 0008): users,
their API keys and browser sessions, notes on findings, background jobs, and the findings
summary the dashboard shows.

Like :mod:`aisec.store.repositories`, importing this module costs no SQLAlchemy. No record
carries a secret: a password hash leaves the store only through
:meth:`UserRepository.password_hash`, and tokens are never stored at all, only their hash.
Every timestamp is aware and in UTC as read back.
"""

from __future__ import annotations

import builtins
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar, Protocol

from aisec.core.errors import UsageError

__all__ = [
    "AGE_BUCKETS",
    "FindingNote",
    "FindingSummary",
    "JobRepository",
    "NoteRepository",
    "StoredApiKey",
    "StoredJob",
    "StoredSession",
    "StoredUser",
    "UserRepository",
    "check_page",
]

# Ages of open findings, in whole days since first seen (UTC): <7, 7..30, 31..90, >90.
AGE_BUCKETS = ("<7d", "7-30d", "31-90d", ">90d")


@dataclass(frozen=True, kw_only=True)
class StoredUser:
    id: str
    username: str  # as given; unique regardless of case
    display_name: str
    role: str  # models.access.ROLES
    active: bool
    created_at: datetime
    last_login_at: datetime | None


@dataclass(frozen=True, kw_only=True)
class StoredApiKey:
    id: str
    user_id: str
    name: str
    prefix: str  # the key's public first characters, to tell keys apart
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None  # kept to the minute
    revoked_at: datetime | None

    def usable(self, now: datetime) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


@dataclass(frozen=True, kw_only=True)
class StoredSession:
    id: str
    user_id: str
    csrf_token: str
    created_at: datetime
    last_seen_at: datetime  # kept to the minute
    expires_at: datetime


@dataclass(frozen=True, kw_only=True)
class FindingNote:
    """A comment on a finding, or its assignment to someone ("" unassigns)."""

    id: int
    fingerprint: str
    kind: str  # "comment" or "assignment"
    actor: str
    text: str  # the comment; "" for an assignment
    assignee: str | None  # assignments only
    created_at: datetime


@dataclass(frozen=True, kw_only=True)
class StoredJob:
    id: str
    kind: str  # "scan" or "test"
    status: str  # "queued", "running", "done" or "failed"
    params: Mapping[str, Any]
    created_by: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    run_id: str | None  # the run it stored, if any
    exit_code: int | None
    error: str | None


@dataclass(frozen=True, kw_only=True)
class FindingSummary:
    """Open findings by severity and age, and every finding by effective state.

    ``open_by_age`` maps every severity label (most severe first) to every bucket of
    :data:`AGE_BUCKETS`, zeros included, so a table can be drawn without checks.
    """

    BUCKETS: ClassVar[tuple[str, ...]] = AGE_BUCKETS

    open_by_age: Mapping[str, Mapping[str, int]]
    by_state: Mapping[str, int]  # every triage state, zeros included
    total: int

    @property
    def open(self) -> int:
        return self.by_state.get("open", 0)


class UserRepository(Protocol):
    """Users, their API keys and browser sessions. Nothing here writes the audit log: the
    server does, naming who acted, in the same transaction (``Store.transaction()``)."""

    def create_user(
        self, username: str, role: str, password_hash: str, display_name: str = ""
    ) -> StoredUser:
        """InvalidRecord for a username taken in any case, an unknown role, or an empty or
        over-long name (username 100, display name 200 characters)."""
        ...

    def get_user(self, user_id: str) -> StoredUser | None: ...

    def find_user(self, username: str) -> StoredUser | None:
        """The user of this name, in any case."""
        ...

    def password_hash(self, user_id: str) -> str | None:
        """The only way a password hash leaves the store; None for no such user."""
        ...

    def set_password_hash(self, user_id: str, password_hash: str) -> StoredUser: ...

    def set_role(self, user_id: str, role: str) -> StoredUser: ...

    def set_active(self, user_id: str, active: bool) -> StoredUser: ...

    def set_display_name(self, user_id: str, display_name: str) -> StoredUser: ...

    def list_users(self) -> builtins.list[StoredUser]:
        """By username, regardless of case."""
        ...

    def count_users(self) -> int: ...

    def touch_login(self, user_id: str) -> StoredUser: ...

    def add_key(
        self,
        user_id: str,
        name: str,
        prefix: str,
        key_hash: str,
        expires_at: datetime | None = None,
    ) -> StoredApiKey:
        """``key_hash``: the SHA-256 of the key, 64 lowercase hex digits."""
        ...

    def get_key(self, key_id: str) -> StoredApiKey | None: ...

    def key_by_hash(
        self, key_hash: str, *, now: datetime | None = None
    ) -> tuple[StoredApiKey, StoredUser] | None:
        """The usable key and its active user; None when revoked, expired or the user is
        inactive. Records use at most once a minute."""
        ...

    def list_keys(self, user_id: str | None = None) -> builtins.list[StoredApiKey]:
        """Oldest first."""
        ...

    def revoke_key(self, key_id: str) -> StoredApiKey:
        """Revoking twice keeps the first time; RecordNotFound for no such key."""
        ...

    def add_session(
        self, user_id: str, token_hash: str, csrf_token: str, expires_at: datetime
    ) -> StoredSession: ...

    def session_by_hash(
        self, token_hash: str, now: datetime
    ) -> tuple[StoredSession, StoredUser] | None:
        """None when expired or the user is inactive. Records use at most once a minute."""
        ...

    def delete_session(self, token_hash: str) -> None: ...

    def delete_user_sessions(self, user_id: str) -> int: ...

    def purge_expired(self, now: datetime) -> int:
        """Delete expired sessions; how many."""
        ...


class NoteRepository(Protocol):
    """Comments on findings and their assignments, only ever added. RecordNotFound for a
    fingerprint with no stored finding."""

    def add_comment(self, fingerprint: str, actor: str, text: str) -> FindingNote:
        """InvalidRecord for an empty comment or one over 10,000 characters."""
        ...

    def assign(self, fingerprint: str, actor: str, assignee: str) -> FindingNote:
        """Assign the finding to ``assignee``; "" unassigns it."""
        ...

    def notes(self, fingerprint: str) -> builtins.list[FindingNote]:
        """Oldest first."""
        ...

    def assignees(self, fingerprints: builtins.list[str]) -> dict[str, str]:
        """The current assignee of each of these findings that has one (unassigned and
        unknown fingerprints are left out)."""
        ...


class JobRepository(Protocol):
    """Scans and tests the server runs in the background: queued, running, then done or
    failed. InvalidRecord for a change its state does not allow; RecordNotFound for no
    such job."""

    def create(self, kind: str, params: Mapping[str, Any], created_by: str) -> StoredJob: ...

    def start(self, job_id: str) -> StoredJob: ...

    def finish(
        self,
        job_id: str,
        *,
        run_id: str | None = None,
        exit_code: int | None = None,
        error: str | None = None,
    ) -> StoredJob:
        """Done, or failed when ``error`` is given."""
        ...

    def get(self, job_id: str) -> StoredJob | None: ...

    def page(
        self, *, status: str | None = None, kind: str | None = None, offset: int, limit: int
    ) -> tuple[builtins.list[StoredJob], int]:
        """Newest first, and the total before paging."""
        ...

    def fail_unfinished(self, reason: str) -> int:
        """Mark every queued or running job failed with ``reason``; how many. A restart
        interrupted them: the server calls this as it starts."""
        ...


def check_page(offset: int, limit: int) -> None:
    """UsageError unless ``offset`` >= 0 and ``limit`` >= 1 (the server checks first; this
    keeps a direct caller from a database error, or from reading everything)."""
    if isinstance(offset, bool) or not isinstance(offset, int) or offset < 0:
        raise UsageError(f"offset must be a whole number >= 0, not {offset!r}")
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise UsageError(f"limit must be a whole number >= 1, not {limit!r}")
