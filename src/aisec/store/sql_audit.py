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
from collections.abc import Iterator, Mapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from aisec.core.errors import InvalidRecord, StoreError
from aisec.governance.audit.records import (
    ROTATION_ACTION,
    ROTATION_KIND,
    Checkpoint,
    Entry,
    canonical_json,
    rotation_message,
)
from aisec.governance.audit.verify import VerifyReport, verify
from aisec.store.models import AuditCheckpoint, AuditEntry
from aisec.store.models.base import utcnow
from aisec.store.session import Sessions, clean, clean_data

if TYPE_CHECKING:
    from aisec.core.settings import Settings
    from aisec.governance.audit.keys import SigningKey, VerifyKey

_LIMITS = {"actor": 200, "action": 100, "object_kind": 40, "object_id": 200}
_TICK = timedelta(microseconds=1)  # the smallest step both databases keep
_LOCK = 0x61697365_6302  # migrate.py's lock is ...01
CHECKPOINT_EVERY = 100
_KEY_NAME = "audit-key.pem"  # keys.DEFAULT_KEY's name, looked for beside a SQLite file

_log = logging.getLogger(__name__)


class SqlAuditRepository:
    def __init__(self, sessions: Sessions, *, settings: Settings | None = None) -> None:
        self._sessions = sessions
        self._settings = settings  # None: read when the signer is first needed
        self._signer: SigningKey | None = None
        self._signer_known = False
        self.checkpoint_every = CHECKPOINT_EVERY

    @property
    def signer(self) -> SigningKey | None:
        """With a signer, every append (an assessment's included) writes a checkpoint once
        CHECKPOINT_EVERY entries are unsigned. AuditLog(store, key=...) sets it; else it is
        the key the ``audit_key`` setting (``AISEC_AUDIT_KEY``) names, or ``audit-key.pem``
        beside a SQLite database, when that file exists: without it, no command that writes
        would ever checkpoint and the unsigned tail would grow for good. Never created here.
        """
        if not self._signer_known:
            self._signer = _configured_signer(self._sessions, self._settings)
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
        if values["action"] == ROTATION_ACTION:
            raise InvalidRecord("a key rotation is recorded by rotating the key, not appended")
        data = _payload(payload)
        with self._sessions.write() as session:
            _lock(session)
            entry = _add(session, _next_seq(session), values, data)
            if self._due(session, entry.seq) and self.signer is not None:
                self._checkpoint(session, self.signer, strict=False)
            return entry

    def rotate(self, old: SigningKey, new: SigningKey, actor: str) -> tuple[Entry, Checkpoint]:
        """Hand signing over from ``old`` to ``new``: an entry naming the new public key,
        signed by ``old`` (see :mod:`aisec.governance.audit.rotation`), and a checkpoint by
        ``old`` covering it, in one transaction. StoreError, and nothing written, when the
        log fails verification or ``old`` is not the key that signs it now."""
        if new.key_id == old.key_id:
            raise InvalidRecord("the new audit key is the key in use")
        values = {"actor": _text("actor", actor), "action": ROTATION_ACTION,
                  "object_kind": ROTATION_KIND, "object_id": new.key_id}  # fmt: skip
        with self._sessions.write() as session:
            _lock(session)
            report = self._signable(session, old)
            at = _next_seq(session)
            message = rotation_message(at[0], report.root_hash, old.key_id, new.key_id)
            payload = {
                "from_key_id": old.key_id,
                "from_public_key": old.public.pem().decode("ascii"),
                "to_key_id": new.key_id,
                "to_public_key": new.public.pem().decode("ascii"),
                "signature": old.sign(message),
            }
            entry = _add(session, at, values, payload)
            made = self._checkpoint(session, old, strict=True)
            assert made is not None  # strict raises instead
            return entry, made

    def current_key_id(self) -> str | None:
        """The key id that signs the next checkpoint, as the log tells it: the last
        checkpoint's, followed through the rotations after it; None for a log never
        signed. For guarding against a wrong key only: ``verify`` is what checks it."""
        with self._sessions.read() as session:
            last = session.scalars(
                select(AuditCheckpoint).order_by(AuditCheckpoint.tree_size.desc()).limit(1)
            ).one_or_none()
            if last is None:
                return None
            key_id = last.key_id
            query = select(AuditEntry).where(AuditEntry.action == ROTATION_ACTION)
            for row in session.scalars(query.order_by(AuditEntry.seq)):
                payload = _mapping(row.payload)
                successor = payload.get("to_key_id")
                if payload.get("from_key_id") == key_id and isinstance(successor, str):
                    key_id = successor
            return key_id

    def entries(
        self,
        *,
        start: int = 1,
        limit: int | None = None,
        newest_first: bool = False,
        object_kind: str | None = None,
        object_id: str | None = None,
        offset: int = 0,
    ) -> list[Entry]:
        order = AuditEntry.seq.desc() if newest_first else AuditEntry.seq
        query = select(AuditEntry).where(AuditEntry.seq >= start).order_by(order)
        query = _about(query.offset(offset).limit(limit), object_kind, object_id)
        with self._sessions.read() as session:
            return [_entry(row) for row in session.scalars(query)]

    def count(self, *, object_kind: str | None = None, object_id: str | None = None) -> int:
        """The entries about an object (of a kind), counted in the database."""
        query = _about(select(func.count()).select_from(AuditEntry), object_kind, object_id)
        with self._sessions.read() as session:
            return int(session.scalar(query) or 0)

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

    def _signable(self, session: Session, signer: SigningKey) -> VerifyReport:
        """The log's verification, if ``signer`` may sign it as it stands; else StoreError.

        Signing a log that fails verification would vouch for the tampering. The anchor
        is the key the first rotation hands over from (its public key is in the entry),
        else the signer's: the chain from it must give the signer the log's current size.
        """
        rows = session.scalars(select(AuditEntry).order_by(AuditEntry.seq))
        stored = session.scalars(select(AuditCheckpoint).order_by(AuditCheckpoint.tree_size))
        anchor = _first_rotation_key(session) or signer.public
        # The tail about to be signed is unsigned by definition; anything else is a problem.
        report = verify(
            (_entry(r) for r in rows), [_checkpoint(c) for c in stored], anchor,
            allow_unsigned_tail=True,
        )  # fmt: skip
        if not report.ok:
            raise StoreError(
                f"the audit log fails verification ({report.problem_count} problems): "
                "not signing it",
                hint="run: aisec audit verify",
            )
        period = next((p for p in report.key_chain if p.key_id == signer.key_id), None)
        if period is None or not period.covers(report.entries):
            raise StoreError(
                f"key id {signer.key_id} does not sign this log now: key id "
                f"{report.current_key_id} does",
                hint="set audit_key (AISEC_AUDIT_KEY) to the key the last rotation named",
            )
        return report

    def _checkpoint(
        self, session: Session, signer: SigningKey, *, strict: bool
    ) -> Checkpoint | None:
        try:
            report = self._signable(session, signer)
        except StoreError:
            if strict:
                raise
            # An automatic checkpoint must not make governance changes fail; the log
            # stays unsigned until someone runs `aisec audit verify` and looks.
            return None
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


def _next_seq(session: Session) -> tuple[int, datetime]:
    """The next entry's seq, and the time it is recorded at: one microsecond past the
    previous entry's when the clock stands still or went back, so that seq order and time
    order always agree."""
    last = session.execute(
        select(AuditEntry.seq, AuditEntry.recorded_at).order_by(AuditEntry.seq.desc()).limit(1)
    ).one_or_none()
    now = utcnow()
    if last is not None and last.recorded_at >= now:
        now = last.recorded_at + _TICK
    return (1 if last is None else last.seq + 1), now


def _add(
    session: Session, at: tuple[int, datetime], values: Mapping[str, str], data: dict[str, Any]
) -> Entry:
    seq, now = at
    entry = Entry(
        seq=seq, recorded_at=now, payload=data, actor=values["actor"], action=values["action"],
        object_kind=values["object_kind"], object_id=values["object_id"],
    )  # fmt: skip
    leaf = entry.computed_leaf().hex()
    session.add(AuditEntry(**entry.content_columns(), leaf_hash=leaf))
    session.flush()
    return Entry(**{**entry.content_columns(), "leaf_hash": leaf})


def _first_rotation_key(session: Session) -> VerifyKey | None:
    """The public key the log's first rotation hands over from, if it has any; a key that
    cannot be read is no anchor (verification then fails with the signer's)."""
    query = select(AuditEntry).where(AuditEntry.action == ROTATION_ACTION).order_by(AuditEntry.seq)
    row = session.scalars(query.limit(1)).one_or_none()
    pem = _mapping(row.payload).get("from_public_key") if row is not None else None
    if not isinstance(pem, str):
        return None
    from aisec.core.errors import ConfigError
    from aisec.governance.audit.keys import verify_key_from_pem

    try:
        return verify_key_from_pem(pem.encode("utf-8", "surrogatepass"))
    except ConfigError:
        return None


def _configured_signer(sessions: Sessions, settings: Settings | None) -> SigningKey | None:
    from aisec.core.errors import ConfigError

    if settings is None:
        from aisec.core.settings import load_settings

        try:
            settings = load_settings()
        except ConfigError as exc:
            _log.warning("no automatic audit checkpoints: %s", exc.message)
            return None
    configured = (settings.audit_key or "").strip()
    path: Path | None = Path(configured) if configured else None
    url = sessions.engine.url
    if path is None and url.get_backend_name() == "sqlite":
        database = url.database or ""
        if database and database != ":memory:" and not database.startswith("file:"):
            path = Path(database).parent / _KEY_NAME
    if path is None or not path.is_file():
        return None
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


def _about(query: Any, object_kind: str | None, object_id: str | None) -> Any:
    if object_kind is not None:
        query = query.where(AuditEntry.object_kind == clean(object_kind))
    if object_id is not None:
        query = query.where(AuditEntry.object_id == clean(object_id))
    return query
