"""The inventory repository over SQLAlchemy: records in, records out."""

from __future__ import annotations

import builtins
from typing import TypeVar, cast

from sqlalchemy import select

from aisec.core.errors import InvalidRecord
from aisec.store import inventory_rows as mapping
from aisec.store.models import Model, Vendor
from aisec.store.records import Asset
from aisec.store.session import Sessions

A = TypeVar("A", bound=Asset)


class SqlInventoryRepository:
    def __init__(self, sessions: Sessions) -> None:
        self._sessions = sessions

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

    def remove(self, kind: type[Asset], asset_id: str) -> None:
        with self._sessions.write() as session:
            session.delete(mapping.stored(session, kind, asset_id))

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
