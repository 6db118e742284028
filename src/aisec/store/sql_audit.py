"""The audit log over SQLAlchemy: append-only entries numbered without gaps, and signed
checkpoints of their Merkle root (docs/adr/0018; the hashing is
:mod:`aisec.governance.audit`).

Appends are serialised: PostgreSQL takes a transaction-level advisory lock before reading
the last seq (SQLite's writers hold the database's write lock already), so two writers
never pick the same number, and ``seq`` being the primary key refuses it if one ever did.
The lock is held to the end of the writer's transaction: governance changes are rare and
an ordered log is worth a short wait.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator, Mapping
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from aisec.core.errors import InvalidRecord, StoreError
from aisec.governance.audit.records import Checkpoint, Entry, canonical_json
from aisec.governance.audit.verify import verify
from aisec.store.models import AuditCheckpoint, AuditEntry
from aisec.store.models.base import utcnow
from aisec.store.session import Sessions, clean, clean_data

if TYPE_CHECKING:
    from aisec.governance.audit.keys import SigningKey

_LIMITS = {"actor": 200, "action": 100, "object_kind": 40, "object_id": 200}
_TICK = timedelta(microseconds=1)  # the smallest step both databases keep
_LOCK = 0x61697365_6302  # migrate.py's lock is ...01
CHECKPOINT_EVERY = 100
_KEY_ENV = "AISEC_AUDIT_KEY"  # keys.ENV_VAR, repeated: the store must not import cryptography
_KEY_NAME = "audit-key.pem"  # keys.DEFAULT_KEY's name, looked for beside a SQLite file

_log = logging.getLogger(__name__)


class SqlAuditRepository:
    def __init__(self, sessions: Sessions) -> None:
        self._sessions = sessions
        self._signer: SigningKey | None = None
        self._signer_known = False
        self.checkpoint_every = CHECKPOINT_EVERY

    @property
    def signer(self) -> SigningKey | None:
        """With a signer, every append (an assessment's included) writes a checkpoint once
        CHECKPOINT_EVERY entries are unsigned. AuditLog(store, key=...) sets it; else it is
        the key ``AISEC_AUDIT_KEY`` names, or ``audit-key.pem`` beside a SQLite database,
        when that file exists: without it, no command that writes would ever checkpoint
        and the unsigned tail would grow for good. Never created here."""
        if not self._signer_known:
            self._signer = _configured_signer(self._sessions)
            self._signer_known = True
        return self._signer

    @signer.setter
    def signer(self, key: SigningKey | None) -> None:
        self._signer, self._signer_known = key, True

    def append(
        self,
        actor: str,
        action: str,
        object_kind: str,
        object_id: str,
        payload: Mapping[str, Any],
    ) -> Entry:
        fields = {
            "actor": actor,
            "action": action,
            "object_kind": object_kind,
            "object_id": object_id,
        }
        values = {name: _text(name, value) for name, value in fields.items()}
        data = _payload(payload)
        with self._sessions.write() as session:
            _lock(session)
            last = session.execute(
                select(AuditEntry.seq, AuditEntry.recorded_at)
                .order_by(AuditEntry.seq.desc())
                .limit(1)
            ).one_or_none()
            now = utcnow()
            if last is not None and last.recorded_at >= now:
                now = last.recorded_at + _TICK  # seq order and time order always agree
            entry = Entry(
                seq=1 if last is None else last.seq + 1, recorded_at=now, payload=data, **values
            )
            leaf = entry.computed_leaf().hex()
            session.add(AuditEntry(**entry.content_columns(), leaf_hash=leaf))
            session.flush()
            if self._due(session, entry.seq) and self.signer is not None:
                self._checkpoint(session, self.signer, strict=False)
            return Entry(**{**entry.content_columns(), "leaf_hash": leaf})

    def entries(
        self,
        *,
        start: int = 1,
        limit: int | None = None,
        newest_first: bool = False,
        object_kind: str | None = None,
        object_id: str | None = None,
    ) -> list[Entry]:
        order = AuditEntry.seq.desc() if newest_first else AuditEntry.seq
        query = select(AuditEntry).where(AuditEntry.seq >= start).order_by(order).limit(limit)
        if object_kind is not None:
            query = query.where(AuditEntry.object_kind == clean(object_kind))
        if object_id is not None:
            query = query.where(AuditEntry.object_id == clean(object_id))
        with self._sessions.read() as session:
            return [_entry(row) for row in session.scalars(query)]

    def iter_entries(self) -> Iterator[Entry]:
        """Every entry in seq order, read in batches (a log outgrows memory)."""
        with self._sessions.read() as session:
            query = select(AuditEntry).order_by(AuditEntry.seq).execution_options(yield_per=1000)
            for row in session.scalars(query):
                yield _entry(row)

    def size(self) -> int:
        with self._sessions.read() as session:
            return session.scalar(select(func.count()).select_from(AuditEntry)) or 0

    def checkpoints(self) -> list[Checkpoint]:
        query = select(AuditCheckpoint).order_by(
            AuditCheckpoint.tree_size, AuditCheckpoint.created_at, AuditCheckpoint.id
        )
        with self._sessions.read() as session:
            return [_checkpoint(row) for row in session.scalars(query)]

    def checkpoint(self, signer: SigningKey) -> Checkpoint:
        """Sign the log as it stands; StoreError, and nothing signed, if it fails
        verification (signing would vouch for the tampering)."""
        with self._sessions.write() as session:
            _lock(session)
            made = self._checkpoint(session, signer, strict=True)
            assert made is not None  # strict raises instead
            return made

    def _due(self, session: Session, seq: int) -> bool:
        signed = session.scalar(select(func.max(AuditCheckpoint.tree_size))) or 0
        return seq - signed >= self.checkpoint_every

    def _checkpoint(
        self, session: Session, signer: SigningKey, *, strict: bool
    ) -> Checkpoint | None:
        rows = session.scalars(select(AuditEntry).order_by(AuditEntry.seq))
        stored = session.scalars(select(AuditCheckpoint).order_by(AuditCheckpoint.tree_size))
        # The tail about to be signed is unsigned by definition; anything else is a problem.
        report = verify(
            (_entry(r) for r in rows), [_checkpoint(c) for c in stored], signer.public,
            allow_unsigned_tail=True,
        )  # fmt: skip
        if not report.ok:
            if not strict:
                # An automatic checkpoint must not make governance changes fail; the log
                # stays unsigned until someone runs `aisec audit verify` and looks.
                return None
            raise StoreError(
                f"the audit log fails verification ({report.problem_count} problems): "
                "not signing it",
                hint="run: aisec audit verify",
            )
        now = utcnow()
        made = Checkpoint(
            tree_size=report.entries,
            root_hash=report.root_hash,
            created_at=now,
            signature="",
            key_id=signer.key_id,
        )
        signature = signer.sign(made.message())
        session.add(
            AuditCheckpoint(
                tree_size=made.tree_size,
                root_hash=made.root_hash,
                created_at=now,
                signature=signature,
                key_id=made.key_id,
            )
        )
        session.flush()
        return Checkpoint(made.tree_size, made.root_hash, now, signature, made.key_id)


def _configured_signer(sessions: Sessions) -> SigningKey | None:
    configured = os.environ.get(_KEY_ENV, "").strip()
    path: Path | None = Path(configured) if configured else None
    url = sessions.engine.url
    if path is None and url.get_backend_name() == "sqlite":
        database = url.database or ""
        if database and database != ":memory:" and not database.startswith("file:"):
            path = Path(database).parent / _KEY_NAME
    if path is None or not path.is_file():
        return None
    from aisec.core.errors import ConfigError
    from aisec.governance.audit.keys import load_signing_key

    try:
        return load_signing_key(path)
    except ConfigError as exc:
        # Automatic checkpoints must not make governance changes fail; `aisec audit
        # verify` reports the unsigned tail this leaves.
        _log.warning("no automatic audit checkpoints: %s", exc.message)
        return None


def _lock(session: Session) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK})


def _text(what: str, value: object) -> str:
    if not isinstance(value, str):
        raise InvalidRecord(f"an audit entry's {what} must be text, not {value!r}")
    cleaned = clean(value.strip())
    if not cleaned:
        raise InvalidRecord(f"an audit entry needs its {what}")
    if len(cleaned) > _LIMITS[what]:
        raise InvalidRecord(f"an audit entry's {what} is longer than {_LIMITS[what]} characters")
    return cleaned


def _payload(value: object) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise InvalidRecord(f"an audit entry's payload must be a mapping, not {value!r}")
    data: dict[str, Any] = clean_data(value)
    canonical_json(data)  # plain JSON now, or a bug in clean_data: fail before writing
    return data


def _entry(row: AuditEntry) -> Entry:
    return Entry(
        seq=row.seq,
        recorded_at=row.recorded_at,
        actor=row.actor,
        action=row.action,
        object_kind=row.object_kind,
        object_id=row.object_id,
        payload=_mapping(row.payload),
        leaf_hash=row.leaf_hash,
    )


def _mapping(value: Any) -> dict[str, Any]:
    # Only mappings are written; anything else was put there by hand and must fail its
    # hash, not the reading of the log.
    return dict(value) if isinstance(value, dict) else {"<not a mapping>": value}


def _checkpoint(row: AuditCheckpoint) -> Checkpoint:
    return Checkpoint(
        tree_size=row.tree_size,
        root_hash=row.root_hash,
        created_at=row.created_at,
        signature=row.signature,
        key_id=row.key_id,
    )


class AuditedRepository:
    """Base of the repositories whose every change is an audit entry: they write through
    the store's audit repository when it passes one (so its signer applies), else through
    one of their own over the same sessions, which joins the same transaction."""

    def __init__(self, sessions: Sessions, *, audit: SqlAuditRepository | None = None) -> None:
        self._sessions = sessions
        self._audit = audit if audit is not None else SqlAuditRepository(sessions)
