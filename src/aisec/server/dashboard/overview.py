"""The posture overview (``GET /``): systems by EU AI Act tier, open findings by severity
and age, control coverage per framework, evidence to renew, open incidents with their
deadlines, and the latest runs. The data is :func:`posture.posture`'s."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from aisec.server.access.deps import require, store_of
from aisec.server.access.principal import Principal
from aisec.server.access.roles import Permission
from aisec.server.dashboard.charts import stacked_bars
from aisec.server.dashboard.posture import CoverageCache, posture
from aisec.server.dashboard.templating import render

router = APIRouter()


def coverage_cache(request: Request) -> CoverageCache:
    """One cache per app (and so per store)."""
    state = request.app.state
    cache: CoverageCache | None = getattr(state, "coverage_cache", None)
    if cache is None:
        cache = state.coverage_cache = CoverageCache()
    return cache


@router.get("/", response_class=HTMLResponse)
def overview(
    request: Request, principal: Annotated[Principal, Depends(require(Permission.READ))]
) -> HTMLResponse:
    store = store_of(request)
    now = datetime.now(UTC)
    today = now.date()
    seen = posture(store, today=today, now=now)
    covered, refreshing = coverage_cache(request).get(store, today, seen.findings, seen.systems)
    seen = replace(seen, coverage=covered or ())
    by_age = seen.findings.open_by_age
    chart = stacked_bars(by_age, seen.findings.BUCKETS, title="Open findings by severity and age")
    return render(
        request,
        "overview/overview.html",
        {
            "posture": seen,
            "chart": chart,
            "buckets": seen.findings.BUCKETS,
            "now": now,
            "coverage_pending": covered is None and seen.systems > 0,
            "coverage_refreshing": refreshing,
        },
    )
