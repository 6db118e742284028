"""Stored runs: scans and tests with their counts, errors, measurements and findings."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from fastapi import APIRouter, Depends, Query, Request

from aisec.core.errors import RecordNotFound
from aisec.server.access.deps import require, store_of
from aisec.server.access.principal import Principal
from aisec.server.access.roles import Permission
from aisec.server.api.models_common import ERRORS, NOT_FOUND
from aisec.server.api.models_core import (
    FindingOut,
    MeasurementOut,
    RunDetail,
    RunOut,
    run_out,
)
from aisec.server.api.pagination import Page, PagingDep

if TYPE_CHECKING:
    from aisec.store.store import Store
    from aisec.store.tracking import StoredRun

router = APIRouter(tags=["runs"], responses=ERRORS)
Reader = Annotated[Principal, Depends(require(Permission.READ))]


@router.get("/runs", response_model=Page[RunOut], responses=NOT_FOUND)
def list_runs(
    request: Request,
    paging: PagingDep,
    _: Reader,
    kind: Annotated[str | None, Query(max_length=50, description="scan, test, ...")] = None,
    system: Annotated[
        str | None, Query(max_length=500, description="a system's id or name")
    ] = None,
) -> Page[RunOut]:
    """Newest first."""
    store = store_of(request)
    system_id = system_id_of(store, system)
    found, total = store.runs.page(
        kind=kind, system=system_id, offset=paging.offset, limit=paging.limit
    )
    return paging.page([run_out(r) for r in found], total)


@router.get("/runs/{run_id}", response_model=RunDetail, responses=NOT_FOUND)
def show_run(run_id: str, request: Request, _: Reader) -> RunDetail:
    run = _run(store_of(request), run_id)
    return RunDetail(
        **run_out(run).model_dump(),
        errors=list(run.errors),
        warnings=list(run.warnings),
        skipped=[dict(s) for s in run.skipped],
        checks_applied=list(run.checks_applied) if run.checks_applied is not None else None,
    )


@router.get("/runs/{run_id}/measurements", response_model=Page[MeasurementOut], responses=NOT_FOUND)
def run_measurements(
    run_id: str, request: Request, paging: PagingDep, _: Reader
) -> Page[MeasurementOut]:
    store = store_of(request)
    run = _run(store, run_id)
    found = [MeasurementOut(**m.to_dict()) for m in store.runs.measurements(run.id)]
    return paging.slice(found)


@router.get("/runs/{run_id}/findings", response_model=Page[FindingOut], responses=NOT_FOUND)
def run_findings(run_id: str, request: Request, paging: PagingDep, _: Reader) -> Page[FindingOut]:
    """The findings this run saw, most severe first, as they stand now."""
    from aisec.server.api.findings import finding_page
    from aisec.store.tracking import FindingFilter

    store = store_of(request)
    run = _run(store, run_id)
    return finding_page(store, FindingFilter(run_id=run.id), paging)


def _run(store: Store, run_id: str) -> StoredRun:
    import uuid

    try:
        key = str(uuid.UUID(run_id.strip()))
    except ValueError:  # not the shape of a run id: as missing as any other
        key = None
    run = store.runs.get(key) if key is not None else None
    if run is None:
        raise RecordNotFound(f"no stored run with the id {run_id!r}", hint="list them: GET /runs")
    return run


def system_id_of(store: Store, system: str | None) -> str | None:
    """The id of the system ``system`` names (id or name); None for none given."""
    if not system:
        return None
    from aisec.services.inventory import resolve
    from aisec.store.records import SystemAsset

    return str(resolve(store.inventory, SystemAsset, system).id)
