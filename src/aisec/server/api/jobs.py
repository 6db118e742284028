"""Scans and tests run in the background on the server's own files (only under its scan
roots): submit one, then poll it until it is done and names the run it stored."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request

from aisec.core.errors import RecordNotFound
from aisec.server.access.deps import require, store_of
from aisec.server.access.principal import Principal
from aisec.server.access.roles import Permission
from aisec.server.api.models_common import CONFLICT, ERRORS, NOT_FOUND
from aisec.server.api.models_core import (
    JobKind,
    JobOut,
    JobStatus,
    ScanJobBody,
    TestJobBody,
    job_out,
)
from aisec.server.api.pagination import Page, PagingDep

router = APIRouter(tags=["jobs"], responses=ERRORS)
Reader = Annotated[Principal, Depends(require(Permission.READ))]
Runner = Annotated[Principal, Depends(require(Permission.JOBS_RUN))]


@router.post("/jobs/scan", response_model=JobOut, status_code=202, responses=NOT_FOUND | CONFLICT)
def submit_scan(body: ScanJobBody, request: Request, principal: Runner) -> JobOut:
    """Queue a scan of files or directories under the server's scan roots (409 for a path
    outside them, symbolic links resolved first)."""
    return _submit(request, "scan", {"paths": body.paths, "system": body.system}, principal)


@router.post("/jobs/test", response_model=JobOut, status_code=202, responses=NOT_FOUND | CONFLICT)
def submit_test(body: TestJobBody, request: Request, principal: Runner) -> JobOut:
    """Queue a test plan under the server's scan roots (never run with --trust)."""
    return _submit(request, "test", {"plan": body.plan, "system": body.system}, principal)


@router.get("/jobs", response_model=Page[JobOut])
def list_jobs(
    request: Request,
    paging: PagingDep,
    _: Reader,
    status: Annotated[JobStatus | None, Query()] = None,
    kind: Annotated[JobKind | None, Query()] = None,
) -> Page[JobOut]:
    """Newest first."""
    found, total = store_of(request).jobs.page(
        status=status, kind=kind, offset=paging.offset, limit=paging.limit
    )
    return paging.page([job_out(j) for j in found], total)


@router.get("/jobs/{job_id}", response_model=JobOut, responses=NOT_FOUND)
def show_job(job_id: str, request: Request, _: Reader) -> JobOut:
    job = store_of(request).jobs.get(job_id) if len(job_id) <= 64 else None
    if job is None:
        raise RecordNotFound(f"no job with the id {job_id!r}", hint="list them: GET /jobs")
    return job_out(job)


def _submit(request: Request, kind: str, params: dict[str, Any], principal: Principal) -> JobOut:
    # The runner checks the paths, writes the job with its audit entry, and queues it.
    params = {name: value for name, value in params.items() if value}
    return job_out(request.app.state.jobs.submit(kind, params, principal.username))
