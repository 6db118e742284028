"""The inventory repository over SQLAlchemy: records in, records out.

Removing a system cascades (foreign keys, ``ON DELETE CASCADE``) to its governance records:
assessments, risks, approvals, evidence, incidents, rights requests and run links. That is
governance history vanishing, so it is refused unless forced, and a forced removal appends
a ``system.removed`` audit entry naming every record that went, in the same transaction
(docs/adr/0018).
"""

from __future__ import annotations

import builtins
from typing import Any, TypeVar, cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from aisec.core.errors import InvalidRecord
from aisec.store import inventory_rows as mapping
from aisec.store.models import (
    Approval,
    Assessment,
    Evidence,
    Incident,
    Model,
    RightsRequest,
    RiskRecord,
    Vendor,
    run_systems,
)
from aisec.store.records import Asset, SystemAsset
from aisec.store.session import Sessions
from aisec.store.sql_audit import SqlAuditRepository

A = TypeVar("A", bound=Asset)

# What goes with a system, by the name the audit entry gives it: (table, id column).
_GOVERNANCE: tuple[tuple[str, Any], ...] = (
    ("assessments", Assessment),
    ("risks", RiskRecord),
    ("approvals", Approval),
    ("evidence", Evidence),
    ("incidents", Incident),
    ("requests", RightsRequest),
)


class SqlInventoryRepository:
    def __init__(self, sessions: Sessions, *, audit: SqlAuditRepository | None = None) -> None:
        self._sessions = sessions
        # The store's audit repository when it passes one (so AuditLog's signer applies);
        # else one of our own over the same sessions, which joins the same transaction.
        self._audit = audit if audit is not None else SqlAuditRepository(sessions)

    def add(self, asset: A) -> A:
        spec = mapping.spec_of(type(asset))
        with self._sessions.write() as session:
            if mapping.by_key(session, spec, mapping.key_of(spec, asset)) is not None:
                raise InvalidRecord(
                    f"{asset.kind} {mapping.describe_key(spec, asset)} already exists",
                    hint="update it by id, or upsert to merge",
                )
            row = spec.row(**mapping.columns(spec, asset))
            row.discovered_at = mapping.place_dicts(asset.discovered_at)
            session.add(row)
            session.flush()
            return mapping.record(type(asset), row)

    def get(self, kind: type[A], asset_id: str) -> A | None:
        with self._sessions.read() as session:
            row = session.get(mapping.spec_of(kind).row, asset_id, options=mapping.eager(kind))
            return mapping.record(kind, row) if row is not None else None

    def find(self, kind: type[A], *key: str) -> A | None:
        with self._sessions.read() as session:
            row = mapping.by_key(session, mapping.spec_of(kind), key, mapping.eager(kind))
            return mapping.record(kind, row) if row is not None else None

    def list(self, kind: type[A]) -> builtins.list[A]:
        spec = mapping.spec_of(kind)
        order = [getattr(spec.row, name) for name in spec.key]
        with self._sessions.read() as session:
            query = select(spec.row).options(*mapping.eager(kind)).order_by(*order)
            return [mapping.record(kind, row) for row in session.scalars(query)]

    def update(self, asset: A) -> A:
        spec = mapping.spec_of(type(asset))
        with self._sessions.write() as session:
            row = mapping.stored(session, type(asset), asset.id)
            other = mapping.by_key(session, spec, mapping.key_of(spec, asset))
            if other is not None and other.id != row.id:
                raise InvalidRecord(
                    f"{asset.kind} {mapping.describe_key(spec, asset)} already exists"
                )
            mapping.assign(row, mapping.columns(spec, asset))
            mapping.assign(row, {"discovered_at": mapping.place_dicts(asset.discovered_at)})
            session.flush()
            return mapping.record(type(asset), row)

    def upsert(self, asset: A) -> A:
        spec = mapping.spec_of(type(asset))
        with self._sessions.write() as session:
            row = mapping.by_key(session, spec, mapping.key_of(spec, asset))
            if row is None:
                row = spec.row(**mapping.columns(spec, asset))
                row.discovered_at = mapping.place_dicts(asset.discovered_at)
                session.add(row)
            else:
                mapping.assign(row, mapping.merged(row, mapping.columns(spec, asset)))
                places = builtins.list(row.discovered_at)
                places += [p for p in mapping.place_dicts(asset.discovered_at) if p not in places]
                mapping.assign(row, {"discovered_at": places})
            session.flush()
            return mapping.record(type(asset), row)

    def remove(
        self, kind: type[Asset], asset_id: str, *, force: bool = False, actor: str = "aisec"
    ) -> None:
        """Remove the asset; a system with governance records only with ``force``, and then
        with a ``system.removed`` audit entry (by ``actor``) listing them."""
        with self._sessions.write() as session:
            row = mapping.stored(session, kind, asset_id)
            cascaded = _governance_of(session, asset_id) if kind is SystemAsset else {}
            if cascaded and not force:
                counts = ", ".join(f"{len(ids)} {name}" for name, ids in cascaded.items())
                raise InvalidRecord(
                    f"system {row.name!r} has governance records ({counts}): removing it "
                    "would delete them",
                    hint="give --force to remove them with it (an audit entry lists them)",
                )
            session.delete(row)
            session.flush()
            if cascaded:
                # After the delete, as ADR 0018 asks of every writer: the object is locked
                # before the audit log is, so two writers never take them in opposite order.
                payload = {
                    "name": row.name,
                    "counts": {name: len(ids) for name, ids in cascaded.items()},
                    "removed": cascaded,
                }
                self._audit.append(actor, "system.removed", "system", asset_id, payload)

    def governance_records(self, system_id: str) -> dict[str, builtins.list[str]]:
        """The ids of the records that removing the system would delete, by kind (kinds
        without any left out)."""
        with self._sessions.read() as session:
            return _governance_of(session, system_id)

    def link(self, source: Asset, target: Asset) -> None:
        self._relate(source, target, add=True)

    def unlink(self, source: Asset, target: Asset) -> None:
        self._relate(source, target, add=False)

    def related(self, source: Asset, kind: type[A]) -> builtins.list[A]:
        attribute = mapping.RELATIONS.get((type(source), kind))
        if attribute is None:
            raise InvalidRecord(f"a {source.kind} is not related to a {mapping.kind_name(kind)}")
        with self._sessions.read() as session:
            value = getattr(mapping.stored(session, type(source), source.id), attribute)
            found = [value] if attribute == "vendor" else value
            related = [mapping.record(kind, row) for row in found if row is not None]
            key = mapping.spec_of(kind).key
            return sorted(related, key=lambda a: [str(getattr(a, name)) for name in key])

    def _relate(self, source: Asset, target: Asset, *, add: bool) -> None:
        if (type(target), type(source)) in mapping.LINKABLE:
            source, target = target, source
        pair = (type(source), type(target))
        if pair not in mapping.LINKABLE:
            raise InvalidRecord(f"a {source.kind} cannot be linked to a {target.kind}")
        with self._sessions.write() as session:
            row = mapping.stored(session, pair[0], source.id)
            other = mapping.stored(session, pair[1], target.id)
            if mapping.RELATIONS[pair] == "vendor":
                if add or row.vendor_id == other.id:
                    cast(Model, row).vendor = cast(Vendor, other) if add else None
                return
            linked: builtins.list[mapping.Row] = getattr(row, mapping.RELATIONS[pair])
            if add and other not in linked:
                linked.append(other)
            elif not add and other in linked:
                linked.remove(other)


def _governance_of(session: Session, system_id: str) -> dict[str, builtins.list[str]]:
    found: dict[str, builtins.list[str]] = {}
    for name, table in _GOVERNANCE:
        query = select(table.id).where(table.system_id == system_id).order_by(table.id)
        ids = builtins.list(session.scalars(query))
        if ids:
            found[name] = ids
    runs = session.scalars(
        select(run_systems.c.run_id)
        .where(run_systems.c.system_id == system_id)
        .order_by(run_systems.c.run_id)
    )
    run_ids = builtins.list(runs)
    if run_ids:
        found["run links"] = run_ids
    return found
