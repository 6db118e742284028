"""The component repository over SQLAlchemy."""

from __future__ import annotations

import builtins
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from aisec.core.errors import InvalidRecord, RecordNotFound
from aisec.store import inventory_rows
from aisec.store.component_records import ComponentRecord
from aisec.store.models import AISystem
from aisec.store.models.components import Component
from aisec.store.records import Place, SystemAsset
from aisec.store.session import Sessions, clean, clean_data

_KEY = ("category", "ecosystem", "name", "version")


class SqlComponentRepository:
    def __init__(self, sessions: Sessions) -> None:
        self._sessions = sessions

    def upsert(self, component: ComponentRecord) -> ComponentRecord:
        key = tuple(clean(part) for part in component.key)
        places = [clean_data(p.to_dict()) for p in component.discovered_at]
        details = clean_data(dict(component.details))
        with self._sessions.write() as session:
            row = session.scalars(_where(select(Component), key)).one_or_none()
            if row is None:
                row = Component(**dict(zip(_KEY, key, strict=True)))
                row.details, row.discovered_at = details, places
                session.add(row)
            else:
                merged = list(row.discovered_at)
                merged += [p for p in places if p not in merged]
                # only real changes: an unchanged upsert must not move updated_at
                if details and row.details != details:
                    row.details = details
                if merged != row.discovered_at:
                    row.discovered_at = merged
            session.flush()
            return _record(row)

    def find(
        self, category: str, ecosystem: str, name: str, version: str = ""
    ) -> ComponentRecord | None:
        key = tuple(clean(p) for p in (category, ecosystem, name, version))
        with self._sessions.read() as session:
            row = session.scalars(_where(select(Component), key)).one_or_none()
            return _record(row) if row is not None else None

    def list(self, category: str | None = None) -> builtins.list[ComponentRecord]:
        query = select(Component).order_by(*(getattr(Component, name) for name in _KEY))
        if category is not None:
            query = query.where(Component.category == category)
        with self._sessions.read() as session:
            return [_record(row) for row in session.scalars(query)]

    def link(self, system: SystemAsset, component: ComponentRecord) -> None:
        with self._sessions.write() as session:
            row, owner = _stored(session, component), _system(session, system)
            if owner not in row.systems:
                row.systems.append(owner)

    def unlink(self, system: SystemAsset, component: ComponentRecord) -> None:
        with self._sessions.write() as session:
            row, owner = _stored(session, component), _system(session, system)
            if owner in row.systems:
                row.systems.remove(owner)

    def related(
        self, system: SystemAsset, category: str | None = None
    ) -> builtins.list[ComponentRecord]:
        query = (
            select(Component)
            .join(Component.systems)
            .where(AISystem.id == _id(system))
            .order_by(*(getattr(Component, name) for name in _KEY))
        )
        if category is not None:
            query = query.where(Component.category == category)
        with self._sessions.read() as session:
            return [_record(row) for row in session.scalars(query)]

    def systems(self, component: ComponentRecord) -> builtins.list[SystemAsset]:
        with self._sessions.read() as session:
            owners = sorted(_stored(session, component).systems, key=lambda s: s.name)
            return [inventory_rows.record(SystemAsset, owner) for owner in owners]


def _id(asset: SystemAsset | ComponentRecord) -> str:
    if asset.id is None:
        raise InvalidRecord(f"the {asset.kind} has no id: store it first")
    return asset.id


def _stored(session: Session, component: ComponentRecord) -> Component:
    row = session.get(Component, _id(component))
    if row is None:
        raise RecordNotFound(f"no component with id {component.id!r}")
    return row


def _system(session: Session, system: SystemAsset) -> AISystem:
    row: AISystem = inventory_rows.stored(session, SystemAsset, _id(system))
    return row


def _where(query: Any, key: tuple[str, ...]) -> Any:
    for name, value in zip(_KEY, key, strict=True):
        query = query.where(getattr(Component, name) == value)
    return query


def _record(row: Component) -> ComponentRecord:
    return ComponentRecord(
        id=row.id,
        category=row.category,
        ecosystem=row.ecosystem,
        name=row.name,
        version=row.version,
        details=dict(row.details),
        discovered_at=tuple(Place.from_dict(p) for p in row.discovered_at),
        created_at=row.created_at,
        updated_at=row.updated_at,
    )
