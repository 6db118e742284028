"""The inventory: a paged list per kind of asset (systems, models, datasets, endpoints,
vendors) with a switcher between them, and an asset's page with its fields and related
assets; a system's page adds its runs, open findings, latest EU AI Act tier, risks count
and links to its classification, risks and gate pages."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from aisec.core.errors import InvalidRecord, RecordNotFound
from aisec.server.access.deps import require, store_of
from aisec.server.access.principal import Principal
from aisec.server.access.roles import Permission
from aisec.server.dashboard.posture import tier_of
from aisec.server.dashboard.runs_pages import PAGE, Limit, Offset, pager
from aisec.server.dashboard.templating import render
from aisec.services.governance import KIND as CLASSIFICATION
from aisec.store.records import (
    Asset,
    DatasetAsset,
    EndpointAsset,
    ModelAsset,
    SystemAsset,
    VendorAsset,
)
from aisec.store.tracking import FindingFilter, TriageState

router = APIRouter()
SHOWN = 10  # runs and open findings on a system's page; the lists have the rest


@dataclass(frozen=True)
class Kind:
    path: str  # "systems"
    title: str  # "Systems"
    record: type[Asset]
    columns: tuple[str, ...]  # fields the list shows besides the name
    by_name: bool  # a single natural key: /systems/NAME works as well as the id


KINDS = (
    Kind("systems", "Systems", SystemAsset, ("owner", "lifecycle_stage", "eu_ai_act_role"), True),
    Kind("models", "Models", ModelAsset, ("version", "framework", "format"), False),
    Kind("datasets", "Datasets", DatasetAsset, ("sensitivity", "source"), True),
    Kind("endpoints", "Endpoints", EndpointAsset, ("name", "authentication"), False),
    Kind("vendors", "Vendors", VendorAsset, ("website",), True),
)
PATHS = {k.record: k.path for k in KINDS}
_HIDDEN = {"id", "created_at", "updated_at", "discovered_at", "model_ids", "dataset_ids",
           "endpoint_ids", "vendor_id"}  # fmt: skip


def label(asset: Asset) -> str:
    if isinstance(asset, ModelAsset):
        return f"{asset.name} {asset.version}".strip()
    if isinstance(asset, EndpointAsset):
        return asset.name or asset.url
    return str(getattr(asset, "name", asset.id))


def _list_page(kind: Kind) -> Callable[..., HTMLResponse]:
    def page(
        request: Request,
        principal: Annotated[Principal, Depends(require(Permission.READ))],
        offset: Offset = 0,
        limit: Limit = PAGE,
    ) -> HTMLResponse:
        assets = store_of(request).inventory.list(kind.record)
        rows = [(a, label(a)) for a in assets]
        rows.sort(key=lambda row: row[1].lower())
        return render(
            request,
            "inventory/list.html",
            {
                "kind": kind,
                "kinds": KINDS,
                "rows": rows[offset : offset + limit],
                "pager": pager(request, len(rows), offset, limit),
            },
        )

    page.__name__ = f"{kind.path}_list"
    return page


def _asset_page(kind: Kind) -> Callable[..., HTMLResponse]:
    def page(
        request: Request,
        ref: str,
        principal: Annotated[Principal, Depends(require(Permission.READ))],
        offset: Offset = 0,
        limit: Limit = SHOWN,
    ) -> HTMLResponse:
        store = store_of(request)
        asset = store.inventory.get(kind.record, ref)
        if asset is None and kind.by_name:
            asset = store.inventory.find(kind.record, ref)
        if asset is None:
            raise RecordNotFound(
                f"no {kind.record.kind} {ref!r} in the inventory", hint=f"see /{kind.path}"
            )
        context: dict[str, Any] = {
            "kind": kind,
            "kinds": KINDS,
            "asset": asset,
            "label": label(asset),
            "facts": _facts(asset),
            "related": _related(store, asset),
        }
        if isinstance(asset, SystemAsset):
            context.update(_system(request, store, asset, offset, limit))
        return render(request, "inventory/asset.html", context)

    page.__name__ = f"{kind.path}_page"
    return page


def _facts(asset: Asset) -> list[tuple[str, str]]:
    out = []
    for f in fields(asset):
        if f.name in _HIDDEN:
            continue
        value = getattr(asset, f.name)
        if isinstance(value, tuple):
            value = ", ".join(map(str, value))
        elif isinstance(value, dict):
            value = ", ".join(f"{k}: {v}" for k, v in value.items())
        elif value is None:
            value = "not assessed"
        out.append((f.name.replace("_", " "), str(value) if value != "" else "—"))
    places = ", ".join(p.path + (f":{p.line}" if p.line else "") for p in asset.discovered_at)
    out.append(("found at", places or "—"))
    return out


def _related(store: Any, asset: Asset) -> list[tuple[Kind, list[tuple[str, str]]]]:
    out = []
    for kind in KINDS:
        if kind.record is type(asset):
            continue
        try:
            found = store.inventory.related(asset, kind.record)
        except InvalidRecord:  # no relation between these kinds (a system and a vendor)
            continue
        if found:
            out.append((kind, sorted(((a.id, label(a)) for a in found), key=lambda r: r[1])))
    return out


def _system(
    request: Request, store: Any, system: SystemAsset, offset: int, limit: int
) -> dict[str, Any]:
    runs, runs_total = store.runs.page(system=system.id, offset=offset, limit=limit)
    open_only = FindingFilter(system=system.id, state=TriageState.OPEN)
    findings, findings_total = store.findings.page(open_only, offset=0, limit=SHOWN)
    return {
        "runs": runs,
        "pager": pager(request, runs_total, offset, limit),
        "findings": findings,
        "findings_total": findings_total,
        "assignees": store.notes.assignees([f.fingerprint for f in findings]),
        "tier": tier_of(store.assessments.latest(system.id, CLASSIFICATION)),
        "risks": len(store.risks.list(system.id)),
        "today": datetime.now(UTC).date(),
    }


for _kind in KINDS:
    router.add_api_route(f"/{_kind.path}", _list_page(_kind), methods=["GET"],
                         response_class=HTMLResponse)  # fmt: skip
    router.add_api_route(f"/{_kind.path}/{{ref}}", _asset_page(_kind), methods=["GET"],
                         response_class=HTMLResponse)  # fmt: skip
