"""Runs: the list (paged, by kind) and a run's page: its summary, the findings it saw
(paged), and for a test run its measurements as a table and as charts. Also the pager
every list page of the dashboard uses."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse

from aisec.core.errors import RecordNotFound
from aisec.server.access.deps import require, store_of
from aisec.server.access.principal import Principal
from aisec.server.access.roles import Permission
from aisec.server.dashboard.charts import measurement_charts
from aisec.server.dashboard.templating import render
from aisec.store.tracking import FindingFilter

router = APIRouter()
PAGE = 50
RUN_KINDS = ("scan", "test", "validate", "redteam", "data-check", "discover")

Offset = Annotated[int, Query(ge=0, le=10_000_000)]
Limit = Annotated[int, Query(ge=1, le=500)]


@dataclass(frozen=True)
class Pager:
    """Where a list page is, and links to its neighbours that keep every other query
    parameter (the filters)."""

    offset: int
    limit: int
    total: int
    previous: str | None
    next: str | None

    @property
    def first(self) -> int:
        return min(self.offset + 1, self.total)

    @property
    def last(self) -> int:
        return min(self.offset + self.limit, self.total)


def pager(request: Request, total: int, offset: int, limit: int, *, prefix: str = "") -> Pager:
    """``prefix`` names the offset parameter when a page has two lists (``f_offset``)."""
    key = f"{prefix}offset"
    params = [(k, v) for k, v in request.query_params.multi_items() if k not in (key, "notice")]

    def link(offset: int) -> str:
        query = urlencode([*params, (key, str(offset))])
        return f"{request.url.path}?{query}"

    previous = link(max(offset - limit, 0)) if offset > 0 else None
    following = link(offset + limit) if offset + limit < total else None
    return Pager(offset, limit, total, previous, following)


@router.get("/runs", response_class=HTMLResponse)
def runs_list(
    request: Request,
    principal: Annotated[Principal, Depends(require(Permission.READ))],
    kind: Annotated[str, Query(max_length=40)] = "",
    offset: Offset = 0,
    limit: Limit = PAGE,
) -> HTMLResponse:
    runs, total = store_of(request).runs.page(kind=kind or None, offset=offset, limit=limit)
    return render(
        request,
        "runs/list.html",
        {
            "runs": runs,
            "kind": kind,
            "kinds": RUN_KINDS,
            "pager": pager(request, total, offset, limit),
        },
    )


@router.get("/runs/{run_id}", response_class=HTMLResponse)
def run_page(
    request: Request,
    run_id: str,
    principal: Annotated[Principal, Depends(require(Permission.READ))],
    offset: Offset = 0,
    limit: Limit = PAGE,
) -> HTMLResponse:
    store = store_of(request)
    run = store.runs.get(run_id) if _uuid_like(run_id) else None
    if run is None:
        raise RecordNotFound(f"no run with the id {run_id!r}", hint="see the list at /runs")
    findings, total = store.findings.page(FindingFilter(run_id=run.id), offset=offset, limit=limit)
    measurements = store.runs.measurements(run.id) if run.measurement_count else []
    return render(
        request,
        "runs/run.html",
        {
            "run": run,
            "findings": findings,
            "assignees": store.notes.assignees([f.fingerprint for f in findings]),
            "pager": pager(request, total, offset, limit),
            "measurements": measurements,
            "charts": measurement_charts(measurements),
            "today": datetime.now(UTC).date(),
        },
    )


def _uuid_like(text: str) -> bool:
    # Run ids are UUIDs; anything else is no run (and never reaches the database).
    return 0 < len(text) <= 36 and all(c in "0123456789abcdefABCDEF-" for c in text)
