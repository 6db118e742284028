"""How inventory records map onto rows: the kinds, their natural keys, the relations, and
the conversions both ways (with upsert's merge rule)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from aisec.core.errors import InvalidRecord, RecordNotFound
from aisec.store.models import AISystem, Dataset, Endpoint, Model, Vendor
from aisec.store.records import (
    Asset,
    DatasetAsset,
    EndpointAsset,
    ModelAsset,
    Place,
    SystemAsset,
    VendorAsset,
)
from aisec.store.session import clean, clean_data

A = TypeVar("A", bound=Asset)
Row = AISystem | Model | Dataset | Endpoint | Vendor
_BOOKKEEPING = frozenset({"id", "discovered_at", "created_at", "updated_at"})


@dataclass(frozen=True)
class Kind:
    row: type[Row]
    key: tuple[str, ...]  # the natural key upsert merges on
    relations: Mapping[str, str]  # record field of related ids -> row relationship

    def fields(self, record: type[Asset]) -> tuple[str, ...]:
        skip = _BOOKKEEPING | self.relations.keys()
        return tuple(f.name for f in dataclasses.fields(record) if f.name not in skip)


KINDS: dict[type[Asset], Kind] = {
    SystemAsset: Kind(
        AISystem,
        ("name",),
        {"model_ids": "models", "dataset_ids": "datasets", "endpoint_ids": "endpoints"},
    ),
    ModelAsset: Kind(Model, ("name", "version"), {"dataset_ids": "trained_on"}),
    DatasetAsset: Kind(Dataset, ("name",), {}),
    EndpointAsset: Kind(Endpoint, ("url",), {}),
    VendorAsset: Kind(Vendor, ("name",), {}),
}
# (source kind, target kind) -> the source row's relationship; the first five are the
# relations link() creates, the rest their reverse for related().
RELATIONS: dict[tuple[type[Asset], type[Asset]], str] = {
    (SystemAsset, ModelAsset): "models",
    (SystemAsset, DatasetAsset): "datasets",
    (SystemAsset, EndpointAsset): "endpoints",
    (ModelAsset, DatasetAsset): "trained_on",
    (ModelAsset, VendorAsset): "vendor",
    (ModelAsset, SystemAsset): "systems",
    (DatasetAsset, SystemAsset): "systems",
    (EndpointAsset, SystemAsset): "systems",
    (DatasetAsset, ModelAsset): "models",
    (VendorAsset, ModelAsset): "models",
}
LINKABLE = tuple(RELATIONS)[:5]


def spec_of(kind: type[Asset]) -> Kind:
    spec = KINDS.get(kind)
    if spec is None:
        raise InvalidRecord(f"{kind.__name__} is not an asset kind the inventory stores")
    return spec


def kind_name(kind: type[Asset]) -> str:
    return kind.kind


def eager(kind: type[Asset]) -> list[Any]:
    """Load the relations a record lists in one query per relation, not one per row."""
    spec = spec_of(kind)
    return [selectinload(getattr(spec.row, name)) for name in spec.relations.values()]


def key_of(spec: Kind, asset: Asset) -> tuple[str, ...]:
    return tuple(clean(getattr(asset, name)) for name in spec.key)


def describe_key(spec: Kind, asset: Asset) -> str:
    return " ".join(repr(getattr(asset, name)) for name in spec.key)


def by_key(session: Session, spec: Kind, key: tuple[str, ...], options: Any = ()) -> Any:
    if len(key) != len(spec.key):
        names = ", ".join(spec.key)
        raise InvalidRecord(f"the natural key of a {spec.row.__tablename__} row is: {names}")
    query = select(spec.row).options(*options)
    for name, value in zip(spec.key, key, strict=True):
        query = query.where(getattr(spec.row, name) == value)
    return session.scalars(query).one_or_none()


def stored(session: Session, kind: type[Asset], asset_id: str | None) -> Any:
    if asset_id is None:
        raise InvalidRecord(f"the {kind_name(kind)} has no id: store it first")
    row = session.get(spec_of(kind).row, asset_id)
    if row is None:
        raise RecordNotFound(f"no {kind_name(kind)} with id {asset_id!r}")
    return row


def columns(spec: Kind, asset: Asset) -> dict[str, Any]:
    return {name: _column(getattr(asset, name)) for name in spec.fields(type(asset))}


def _column(value: Any) -> Any:
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, tuple | Mapping):
        return clean_data(value)
    return value


def place_dicts(places: tuple[Place, ...]) -> list[dict[str, Any]]:
    return [clean_data(p.to_dict()) for p in places]


def merged(row: Row, values: dict[str, Any]) -> dict[str, Any]:
    """Upsert's rule: what is given wins, what is empty keeps the stored value, digests
    add up (a second algorithm does not erase the first)."""
    out: dict[str, Any] = {}
    for name, value in values.items():
        if value is None or value in ("", [], {}):
            continue
        out[name] = {**getattr(row, name), **value} if name == "digests" else value
    return out


def assign(row: Row, values: Mapping[str, Any]) -> None:
    # Only real changes: an unchanged upsert must not move updated_at.
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)


def record(kind: type[A], row: Any) -> A:
    spec = spec_of(kind)
    values = {name: getattr(row, name) for name in spec.fields(kind)}
    for name, value in values.items():
        if isinstance(value, list):
            values[name] = tuple(value)
    for name, relation in spec.relations.items():
        values[name] = tuple(sorted(r.id for r in getattr(row, relation)))
    places = tuple(Place.from_dict(p) for p in row.discovered_at)
    return kind(
        id=row.id,
        discovered_at=places,
        created_at=row.created_at,
        updated_at=row.updated_at,
        **values,
    )
