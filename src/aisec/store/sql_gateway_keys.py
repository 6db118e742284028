"""The inference gateway's API keys over SQLAlchemy (revision 0009).

A key is made here and its secret returned once; only its SHA-256 is stored. Names are
never reused, a revoked key's included, so that an audit entry or a traffic record that
names a key names one key for good. Creating and revoking are governance changes: each
writes its audit entry in the same transaction, so neither happens unrecorded.
"""

from __future__ import annotations

import builtins
import math
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select

from aisec.core.errors import InvalidRecord, RecordNotFound
from aisec.runtime.access.tokens import key_hash, key_prefix, new_key
from aisec.store import governance_rows as g
from aisec.store.models.base import new_id, utcnow
from aisec.store.models.gateway import GatewayKey
from aisec.store.sql_audit import AuditedRepository

_RECORD = "a gateway key"
_KIND = "gateway-key"
NAME = re.compile(r"[A-Za-z0-9._-]{1,100}")
_SHA256 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True, slots=True)
class GatewayKeyRecord:
    """A stored key; never its secret. The hash is kept for the gateway's lookups but out
    of ``repr``, so that a logged record does not hand out a value to match tokens to."""

    id: str
    name: str
    prefix: str
    key_hash: str = field(repr=False)
    models: tuple[str, ...]  # empty: every model
    routes: tuple[str, ...]  # empty: every route kind
    rate: float | None  # requests per second; None: no limit of the key's own
    burst: float | None
    daily_quota: int | None
    created_at: datetime
    created_by: str
    expires_at: datetime | None
    revoked_at: datetime | None

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None

    def expired(self, now: datetime | None = None) -> bool:
        return self.expires_at is not None and self.expires_at <= (now or utcnow())


class SqlGatewayKeyRepository(AuditedRepository):
    def create(
        self,
        name: str,
        *,
        models: builtins.list[str] | tuple[str, ...] = (),
        routes: builtins.list[str] | tuple[str, ...] = (),
        rate: float | None = None,
        burst: float | None = None,
        daily_quota: int | None = None,
        expires_at: datetime | None = None,
        actor: str,
    ) -> tuple[GatewayKeyRecord, str]:
        """The stored record and the key itself, which is shown once and never again."""
        secret = new_key()
        row = GatewayKey(
            id=new_id(),
            name=check_name(name),
            prefix=key_prefix(secret),
            key_hash=key_hash(secret),
            models=_scopes("models", models),
            routes=_scopes("routes", routes),
            rate=check_rate(rate),
            burst=check_burst(burst),
            daily_quota=check_quota(daily_quota),
            created_at=utcnow(),
            created_by=g.text(_RECORD, "creator", actor, 200),
            expires_at=g.aware(_RECORD, "expiry", expires_at, required=False),
        )
        if row.expires_at is not None and row.expires_at <= row.created_at:
            raise InvalidRecord(f"{_RECORD}'s expiry is in the past")
        with self._sessions.write() as session:
            # The unique index settles a race between two writers; this gives the message.
            if session.scalar(select(GatewayKey.id).where(GatewayKey.name == row.name)):
                raise InvalidRecord(
                    f"the gateway key name {row.name!r} is taken",
                    hint="names are never reused, a revoked key's included: choose another",
                )
            session.add(row)
            session.flush()
            record = _record(row)
            self._audit.append(row.created_by, "gateway-key.created", _KIND, row.id,
                               _payload(record))  # fmt: skip
        return record, secret

    def list(self, include_revoked: bool = False) -> builtins.list[GatewayKeyRecord]:
        query = select(GatewayKey).order_by(GatewayKey.name)
        if not include_revoked:
            query = query.where(GatewayKey.revoked_at.is_(None))
        with self._sessions.read() as session:
            return [_record(row) for row in session.scalars(query)]

    def get(self, name: str) -> GatewayKeyRecord | None:
        with self._sessions.read() as session:
            row = session.scalars(select(GatewayKey).where(GatewayKey.name == name)).first()
            return _record(row) if row is not None else None

    def by_hash(self, key_hash: str) -> GatewayKeyRecord | None:
        """The key with this hash, revoked or expired alike: the caller tells which."""
        if not isinstance(key_hash, str) or not _SHA256.fullmatch(key_hash):
            return None
        with self._sessions.read() as session:
            row = session.scalars(select(GatewayKey).where(GatewayKey.key_hash == key_hash)).first()
            return _record(row) if row is not None else None

    def all_active(self, now: datetime | None = None) -> builtins.list[GatewayKeyRecord]:
        """Keys neither revoked nor expired at ``now``."""
        at = now or utcnow()
        return [key for key in self.list() if not key.expired(at)]

    def revoke(self, name: str, actor: str) -> GatewayKeyRecord:
        """Revoke the key; revoking it again changes nothing and writes no entry."""
        who = g.text(_RECORD, "revoker", actor, 200)
        with self._sessions.write() as session:
            query = select(GatewayKey).where(GatewayKey.name == name).with_for_update()
            row = session.scalars(query).first()
            if row is None:
                raise RecordNotFound(f"no gateway key named {name!r}",
                                     hint="list them: aisec gateway keys list")  # fmt: skip
            if row.revoked_at is None:
                row.revoked_at = utcnow()
                session.flush()
                self._audit.append(who, "gateway-key.revoked", _KIND, row.id, {"name": row.name})
            return _record(row)


def check_name(name: object) -> str:
    if not isinstance(name, str) or not NAME.fullmatch(name):
        raise InvalidRecord(
            f"{name!r} is no gateway key name",
            hint="1-100 characters of letters, digits, '.', '_' and '-'",
        )
    return name


def check_rate(rate: object) -> float | None:
    if rate is None:
        return None
    if isinstance(rate, bool) or not isinstance(rate, int | float) or not _positive(rate):
        raise InvalidRecord(f"a gateway key's rate must be a positive number, not {rate!r}")
    return float(rate)


def check_burst(burst: object) -> float | None:
    if burst is None:
        return None
    if isinstance(burst, bool) or not isinstance(burst, int | float) or not _positive(burst) \
            or burst < 1:  # fmt: skip
        raise InvalidRecord(f"a gateway key's burst must be a number >= 1, not {burst!r}")
    return float(burst)


def check_quota(quota: object) -> int | None:
    if quota is None:
        return None
    if isinstance(quota, bool) or not isinstance(quota, int) or quota < 1:
        raise InvalidRecord(f"a gateway key's daily quota must be a whole number >= 1, "
                            f"not {quota!r}")  # fmt: skip
    return quota


def _positive(value: float) -> bool:
    return math.isfinite(value) and value > 0


def _scopes(what: str, values: object) -> builtins.list[str]:
    items = [item.strip() for item in g.texts(_RECORD, what, values)]
    if any(not item or len(item) > 100 for item in items):
        raise InvalidRecord(f"{_RECORD}'s {what} must be names of 1-100 characters")
    return sorted(set(items))


def _payload(record: GatewayKeyRecord) -> dict[str, Any]:
    expires = record.expires_at.isoformat() if record.expires_at is not None else None
    return {"name": record.name, "prefix": record.prefix, "models": list(record.models),
            "routes": list(record.routes), "rate": record.rate, "burst": record.burst,
            "daily_quota": record.daily_quota, "expires_at": expires}  # fmt: skip


def _record(row: GatewayKey) -> GatewayKeyRecord:
    return GatewayKeyRecord(
        id=row.id,
        name=row.name,
        prefix=row.prefix,
        key_hash=row.key_hash,
        models=tuple(str(m) for m in row.models or ()),
        routes=tuple(str(r) for r in row.routes or ()),
        rate=row.rate,
        burst=row.burst,
        daily_quota=row.daily_quota,
        created_at=row.created_at,
        created_by=row.created_by,
        expires_at=row.expires_at,
        revoked_at=row.revoked_at,
    )
