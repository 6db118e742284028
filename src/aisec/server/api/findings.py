"""Findings over time: listed with filters, summarised, shown with their history, and
triaged, discussed and assigned. Triage goes through :mod:`aisec.services.findings`, as
``aisec findings triage`` does, with the logged-in user as the actor."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Annotated

from fastapi import APIRouter, Depends, Query, Request

from aisec.core.errors import InvalidRecord
from aisec.server import finding_actions as actions
from aisec.server.access.deps import require, store_of
from aisec.server.access.principal import Principal
from aisec.server.access.roles import Permission
from aisec.server.api.models_common import CONFLICT, ERRORS, NOT_FOUND
from aisec.server.api.models_core import (
    AssignmentBody,
    CommentBody,
    FindingDetail,
    FindingOut,
    FindingSummaryOut,
    NoteOut,
    SeverityName,
    TriageBody,
    TriageStateName,
    finding_out,
    note_out,
    run_out,
    triage_out,
)
from aisec.server.api.pagination import Page, Paging, PagingDep

if TYPE_CHECKING:
    from aisec.store.store import Store
    from aisec.store.tracking import FindingFilter, StoredFinding

router = APIRouter(tags=["findings"], responses=ERRORS)
Reader = Annotated[Principal, Depends(require(Permission.READ))]
Triager = Annotated[Principal, Depends(require(Permission.FINDINGS_TRIAGE))]
Commenter = Annotated[Principal, Depends(require(Permission.FINDINGS_COMMENT))]
Text = Annotated[str | None, Query(max_length=500)]


@router.get("/findings", response_model=Page[FindingOut], responses=NOT_FOUND)
def list_findings(
    request: Request,
    paging: PagingDep,
    _: Reader,
    severity: Annotated[SeverityName | None, Query(description="at least this severe")] = None,
    check: Annotated[str | None, Query(max_length=500, description="a check id or glob")] = None,
    state: Annotated[TriageStateName | None, Query(description="the effective state")] = None,
    path: Annotated[str | None, Query(max_length=500, description="a glob on the path")] = None,
    run: Annotated[str | None, Query(max_length=100, description="a run's id")] = None,
    system: Annotated[
        str | None, Query(max_length=500, description="a system's id or name")
    ] = None,
) -> Page[FindingOut]:
    """Most severe first."""
    from aisec.server.api.runs import system_id_of
    from aisec.services.findings import make_filter

    store = store_of(request)
    where = make_filter(severity=severity, check=check, state=state, path=path, run=run)
    where = dataclasses.replace(where, system=system_id_of(store, system))
    return finding_page(store, where, paging)


@router.get("/findings/summary", response_model=FindingSummaryOut)
def findings_summary(request: Request, _: Reader) -> FindingSummaryOut:
    """Open findings by severity and age; every finding by state."""
    summary = store_of(request).findings.summary()
    return FindingSummaryOut(
        open_by_age={s: dict(ages) for s, ages in summary.open_by_age.items()},
        by_state=dict(summary.by_state),
        open=summary.open,
        total=summary.total,
    )


@router.get("/findings/{fingerprint}", response_model=FindingDetail, responses=NOT_FOUND | CONFLICT)
def show_finding(fingerprint: str, request: Request, _: Reader) -> FindingDetail:
    """A finding by fingerprint (or an unambiguous prefix of 6+ characters), with the runs
    that saw it, its triage decisions and its notes."""
    from aisec.services.findings import history

    store = store_of(request)
    found = history(store.findings, store.runs, fingerprint)
    key = found.finding.fingerprint
    return FindingDetail(
        **_out(store, found.finding).model_dump(),
        runs=[run_out(r) for r in found.runs],
        history=[triage_out(e) for e in found.triage],
        notes=[note_out(n) for n in store.notes.notes(key)],
    )


@router.post(
    "/findings/{fingerprint}/triage", response_model=FindingOut, responses=NOT_FOUND | CONFLICT
)
def triage_finding(
    fingerprint: str, body: TriageBody, request: Request, principal: Triager
) -> FindingOut:
    """Record a decision: an accepted risk needs a justification and an expiry date, a
    false positive a justification."""
    store = store_of(request)
    finding, _ = actions.triage(
        store, principal.username, fingerprint, body.state,
        justification=body.justification, expires=body.expires,
    )  # fmt: skip
    return _out(store, _current(store, finding.fingerprint))


@router.post(
    "/findings/{fingerprint}/comments",
    response_model=NoteOut,
    status_code=201,
    responses=NOT_FOUND | CONFLICT,
)
def comment_finding(
    fingerprint: str, body: CommentBody, request: Request, principal: Commenter
) -> NoteOut:
    note = actions.comment(store_of(request), principal.username, fingerprint, body.text)
    return note_out(note)


@router.post(
    "/findings/{fingerprint}/assignment",
    response_model=NoteOut,
    status_code=201,
    responses=NOT_FOUND | CONFLICT,
)
def assign_finding(
    fingerprint: str, body: AssignmentBody, request: Request, principal: Triager
) -> NoteOut:
    """Assign the finding to an active user ("" unassigns it)."""
    store = store_of(request)
    assignee = ""
    if body.assignee.strip():
        assignee = actions.active_username(store, body.assignee) or ""
        if not assignee:
            raise InvalidRecord(
                f"no active user named {body.assignee.strip()!r}",
                hint="assign to a user who can log in, or send an empty name to unassign",
            )
    return note_out(actions.assign(store, principal.username, fingerprint, assignee))


def finding_page(store: Store, where: FindingFilter, paging: Paging) -> Page[FindingOut]:
    found, total = store.findings.page(where, offset=paging.offset, limit=paging.limit)
    assignees = store.notes.assignees([f.fingerprint for f in found])
    return paging.page([finding_out(f, assignees.get(f.fingerprint)) for f in found], total)


def _out(store: Store, finding: StoredFinding) -> FindingOut:
    assignee = store.notes.assignees([finding.fingerprint]).get(finding.fingerprint)
    return finding_out(finding, assignee)


def _current(store: Store, fingerprint: str) -> StoredFinding:
    from aisec.services.findings import resolve

    return resolve(store.findings, fingerprint)
