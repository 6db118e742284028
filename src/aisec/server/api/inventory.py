"""The inventory: AI systems, models, datasets, endpoints and vendors, and how they
relate. The work is :mod:`aisec.services.inventory`'s, as for ``aisec inventory``; every
change is an audit entry naming who made it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated

from fastapi import APIRouter, Depends, Query, Request

from aisec.server.access.deps import require, store_of
from aisec.server.access.principal import Principal
from aisec.server.access.roles import Permission
from aisec.server.api.models_common import CONFLICT, ERRORS, NOT_FOUND, Done
from aisec.server.api.models_core import (
    AssetDetail,
    AssetFields,
    AssetKindName,
    AssetKinds,
    AssetModel,
    AssetOut,
    LinkBody,
    LinkOut,
    asset_out,
)
from aisec.server.api.pagination import Page, PagingDep

if TYPE_CHECKING:
    from aisec.store.records import Asset
    from aisec.store.store import Store

router = APIRouter(tags=["inventory"], responses=ERRORS)
Reader = Annotated[Principal, Depends(require(Permission.READ))]
Writer = Annotated[Principal, Depends(require(Permission.INVENTORY_WRITE))]


@router.get("/assets/{kind}", response_model=Page[AssetOut])
def list_assets(
    kind: AssetKinds,
    request: Request,
    paging: PagingDep,
    _: Reader,
    q: Annotated[str | None, Query(max_length=200, description="part of the name")] = None,
) -> Page[AssetModel]:
    from aisec.services import inventory

    assets = store_of(request).inventory.list(inventory.parse_kind(kind))
    if q:
        needle = q.lower()
        assets = [a for a in assets if needle in _name_of(a).lower()]
    return paging.slice([asset_out(a) for a in assets])


@router.get("/assets/{kind}/{ref}", response_model=AssetDetail, responses=NOT_FOUND | CONFLICT)
def show_asset(kind: AssetKinds, ref: str, request: Request, _: Reader) -> AssetDetail:
    """An asset by id or name (a model as NAME@VERSION), with its relations."""
    from aisec.services import inventory

    store = store_of(request)
    asset = inventory.resolve(store.inventory, inventory.parse_kind(kind), ref)
    related = inventory.related(store.inventory, asset)
    return AssetDetail(
        asset=asset_out(asset),
        related={heading: [asset_out(a) for a in found] for heading, found in related.items()},
    )


@router.post("/assets/{kind}", response_model=AssetOut, status_code=201, responses=CONFLICT)
def add_asset(
    kind: AssetKinds, body: AssetFields, request: Request, principal: Writer
) -> AssetModel:
    """Add an asset: a system, model, dataset or vendor needs a name, an endpoint a url."""
    from aisec.services import inventory

    store = store_of(request)
    with store.transaction():
        asset = inventory.add(store.inventory, inventory.parse_kind(kind), _values(body))
        _audit(store, principal, "created", asset, {"name": inventory.label(asset)})
    return asset_out(asset)


@router.patch("/assets/{kind}/{ref}", response_model=AssetOut, responses=NOT_FOUND | CONFLICT)
def edit_asset(
    kind: AssetKinds, ref: str, body: AssetFields, request: Request, principal: Writer
) -> AssetModel:
    """Change the fields given (an empty string clears one)."""
    from aisec.services import inventory

    store = store_of(request)
    changes = _values(body)
    with store.transaction():
        asset = inventory.edit(store.inventory, inventory.parse_kind(kind), ref, changes)
        _audit(store, principal, "updated", asset, {"changed": sorted(changes)})
    return asset_out(asset)


@router.delete("/assets/{kind}/{ref}", response_model=Done, responses=NOT_FOUND | CONFLICT)
def remove_asset(
    kind: AssetKinds,
    ref: str,
    request: Request,
    principal: Writer,
    force: Annotated[
        bool, Query(description="remove a system with its governance records (409 without)")
    ] = False,
) -> Done:
    from aisec.services import inventory

    store = store_of(request)
    asset_kind = inventory.parse_kind(kind)
    with store.transaction():
        asset = inventory.resolve(store.inventory, asset_kind, ref)
        # A forced removal of a system with governance records audits itself, listing them.
        audited = force and bool(_governance_records(store, asset))
        inventory.remove(
            store.inventory, asset_kind, str(asset.id), force=force, actor=principal.username
        )
        if not audited:
            _audit(store, principal, "removed", asset, {"name": inventory.label(asset)})
    return Done()


@router.post("/links", response_model=LinkOut, responses=NOT_FOUND | CONFLICT)
def link_assets(body: LinkBody, request: Request, principal: Writer) -> LinkOut:
    return _relate(store_of(request), principal, body, add=True)


@router.delete("/links", response_model=LinkOut, responses=NOT_FOUND | CONFLICT)
def unlink_assets(
    request: Request,
    principal: Writer,
    kind: AssetKindName,
    ref: Annotated[str, Query(min_length=1, max_length=500)],
    other_kind: AssetKindName,
    other: Annotated[str, Query(min_length=1, max_length=500)],
) -> LinkOut:
    body = LinkBody(kind=kind, ref=ref, other_kind=other_kind, other=other)
    return _relate(store_of(request), principal, body, add=False)


def _relate(store: Store, principal: Principal, body: LinkBody, *, add: bool) -> LinkOut:
    from aisec.services import inventory

    source = (inventory.parse_kind(body.kind), body.ref)
    target = (inventory.parse_kind(body.other_kind), body.other)
    with store.transaction():
        first, second = inventory.link(store.inventory, source, target, add=add)
        payload = {"other_kind": second.kind, "other_id": second.id}
        _audit(store, principal, "linked" if add else "unlinked", first, payload)
    return LinkOut(linked=add, source=asset_out(first), target=asset_out(second))


def _values(body: AssetFields) -> dict[str, object]:
    values = body.model_dump(exclude_unset=True)
    if "geography" in values:
        values["geography"] = tuple(values["geography"])
    return values


def _name_of(asset: Asset) -> str:
    from aisec.services.inventory import label

    return f"{label(asset)} {getattr(asset, 'name', '')}"


def _governance_records(store: Store, asset: Asset) -> dict[str, list[str]]:
    from aisec.store.records import SystemAsset
    from aisec.store.sql_inventory import SqlInventoryRepository

    repo = store.inventory
    if not isinstance(asset, SystemAsset) or not isinstance(repo, SqlInventoryRepository):
        return {}
    return repo.governance_records(str(asset.id))


def _audit(
    store: Store, principal: Principal, verb: str, asset: Asset, payload: Mapping[str, object]
) -> None:
    action = f"{asset.kind}.{verb}"
    store.audit.append(principal.username, action, asset.kind, str(asset.id), payload)
