"""Detector validation: the ``validate`` runs with their headline numbers, one row per
detector (paged, filtered by system, dataset and detector), and a leaderboard that ranks
the detectors validated on one dataset side by side. Each row leads to the run's page.

Only the system filter is a query of the store; the dataset and detector live in a run's
configuration, so those two filters read the validate runs' records (not their
measurements) and page in memory. Measurements and findings are read for the rows shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse

from aisec.core.errors import InvalidRecord, RecordNotFound
from aisec.server.access.deps import require, store_of
from aisec.server.access.principal import Principal
from aisec.server.access.roles import Permission
from aisec.server.dashboard.posture import system_names
from aisec.server.dashboard.runs_pages import PAGE, Limit, Offset, pager
from aisec.server.dashboard.templating import render
from aisec.server.dashboard.validation_rows import (
    HEADLINE_FPRS,
    KIND,
    Dataset,
    DetectorRow,
    dataset_of,
    detector_rows,
    detectors_of,
    rank_key,
)
from aisec.store.store import Store
from aisec.store.tracking import FindingFilter, StoredRun

router = APIRouter()
Text = Annotated[str, Query(max_length=300)]
RANKED_RUNS = 200  # the newest runs of a dataset that a leaderboard reads
MIN_DIGEST_PREFIX = 8


@dataclass(frozen=True)
class DatasetSummary:
    dataset: Dataset
    runs: int
    detectors: tuple[str, ...]
    latest: datetime


@router.get("/validation", response_class=HTMLResponse)
def validation_list(
    request: Request,
    principal: Annotated[Principal, Depends(require(Permission.READ))],
    system: Text = "",
    dataset: Text = "",
    detector: Text = "",
    offset: Offset = 0,
    limit: Limit = PAGE,
) -> HTMLResponse:
    store = store_of(request)
    filters = {"system": system, "dataset": dataset.strip(), "detector": detector.strip()}
    error, total = "", 0
    runs: list[StoredRun] = []
    try:
        system_id = _system_id(store, system) if system else None
        runs, total = _runs(store, system_id, filters, offset, limit)
    except (RecordNotFound, InvalidRecord) as exc:
        error = exc.message
    return render(
        request,
        "validation/list.html",
        {
            "rows": _asked_for(_rows(store, runs), filters["detector"]),
            "filters": filters,
            "error": error,
            "systems": system_names(store),
            "fprs": HEADLINE_FPRS,
            "pager": pager(request, total, offset, limit),
        },
        status=400 if error else 200,
    )


@router.get("/validation/leaderboard", response_class=HTMLResponse)
def validation_leaderboard(
    request: Request,
    principal: Annotated[Principal, Depends(require(Permission.READ))],
    dataset: Text = "",
    offset: Offset = 0,
    limit: Limit = PAGE,
) -> HTMLResponse:
    store = store_of(request)
    every = store.runs.list(kind=KIND)
    wanted = dataset.strip()
    context: dict[str, object] = {"fprs": HEADLINE_FPRS, "wanted": wanted}
    if not wanted:
        context["datasets"] = summaries(every)
        return render(request, "validation/leaderboard.html", context)
    chosen = [r for r in every if _is_dataset(dataset_of(r), wanted)]
    ranked = sorted(_rows(store, chosen[:RANKED_RUNS]), key=rank_key)
    context.update(
        rows=ranked[offset : offset + limit],
        rank_from=offset + 1,
        dataset=dataset_of(chosen[0]) if chosen else None,
        capped=len(chosen) > RANKED_RUNS,
        ranked_runs=RANKED_RUNS,
        pager=pager(request, len(ranked), offset, limit),
    )
    return render(request, "validation/leaderboard.html", context, status=200 if chosen else 404)


def summaries(runs: Sequence[StoredRun]) -> list[DatasetSummary]:
    """One entry per dataset the runs were validated on, the most recently used first."""
    grouped: dict[str, list[StoredRun]] = {}
    for run in runs:
        grouped.setdefault(dataset_of(run).key, []).append(run)
    out = [_summary(group) for group in grouped.values()]
    return sorted(out, key=lambda s: s.latest, reverse=True)


def _summary(group: Sequence[StoredRun]) -> DatasetSummary:
    names = {str(d["name"]) for r in group for d in detectors_of(r)}
    latest = max(r.started_at for r in group)
    return DatasetSummary(dataset_of(group[0]), len(group), tuple(sorted(names)), latest)


def _runs(
    store: Store, system_id: str | None, filters: dict[str, str], offset: int, limit: int
) -> tuple[list[StoredRun], int]:
    if not filters["dataset"] and not filters["detector"]:
        return store.runs.page(kind=KIND, system=system_id, offset=offset, limit=limit)
    every = store.runs.for_system(system_id, KIND) if system_id else store.runs.list(kind=KIND)
    kept = [
        r for r in every
        if (not filters["dataset"] or _same_dataset(dataset_of(r), filters["dataset"]))
        and (not filters["detector"] or _has_detector(r, filters["detector"]))
    ]  # fmt: skip
    return kept[offset : offset + limit], len(kept)


def _is_dataset(dataset: Dataset, key: str) -> bool:
    """Exactly one dataset: a leaderboard never mixes data that only share a file name."""
    return dataset.key == key or (dataset.digest is not None and dataset.digest == key.lower())


def _same_dataset(dataset: Dataset, wanted: str) -> bool:
    """The file name, the whole digest, or a digest prefix long enough to mean one."""
    if wanted in (dataset.name, dataset.key):
        return True
    low = wanted.lower()
    digest = dataset.digest or ""
    return len(low) >= MIN_DIGEST_PREFIX and digest.startswith(low)


def _has_detector(run: StoredRun, wanted: str) -> bool:
    return any(
        _names_detector(str(d["name"]), str(d.get("sha256") or ""), wanted)
        for d in detectors_of(run)
    )


def _asked_for(rows: list[DetectorRow], wanted: str) -> list[DetectorRow]:
    """A run validates several detectors side by side: only the ones asked for."""
    if not wanted:
        return rows
    return [r for r in rows if _names_detector(r.detector, r.artefact or "", wanted)]


def _names_detector(name: str, digest: str, wanted: str) -> bool:
    """Part of the detector's name, or a prefix of its artefact's digest."""
    low = wanted.lower()
    if low in name.lower():
        return True
    return bool(digest) and len(low) >= MIN_DIGEST_PREFIX and digest.lower().startswith(low)


def _rows(store: Store, runs: Sequence[StoredRun]) -> list[DetectorRow]:
    out: list[DetectorRow] = []
    for run in runs:
        measurements = store.runs.measurements(run.id) if run.measurement_count else []
        findings = store.findings.list(FindingFilter(run_id=run.id)) if run.finding_count else []
        out.extend(detector_rows(run, measurements, findings))
    return out


def _system_id(store: Store, name: str) -> str:
    from aisec.services.inventory import resolve
    from aisec.store.records import SystemAsset

    return str(resolve(store.inventory, SystemAsset, name).id)
