"""Findings: the triage list (paged, filtered by a GET form) and a finding's page with
its evidence, runs, triage history and notes, and the forms that triage, assign and
comment on it.

The forms call what the API and the CLI call (:func:`aisec.services.findings.triage`,
``store.notes``) and write their audit entry in the same transaction. A refused form is
shown again with the reason and everything the user typed; a done one redirects (303)
back to the finding with a notice.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from aisec.core.errors import AisecError, InvalidRecord, RecordNotFound, UsageError
from aisec.core.severity import Severity
from aisec.server import finding_actions as actions
from aisec.server.access.deps import require, store_of
from aisec.server.access.principal import Principal
from aisec.server.access.roles import Permission
from aisec.server.dashboard.posture import system_names
from aisec.server.dashboard.runs_pages import PAGE, Limit, Offset, pager
from aisec.server.dashboard.templating import render
from aisec.services import findings as service
from aisec.store.records import SystemAsset
from aisec.store.tracking import StoredFinding, TriageState

router = APIRouter()
Text = Annotated[str, Query(max_length=300)]
NOTICES = {
    "triaged": "The triage decision is recorded.",
    "assigned": "The assignment is recorded.",
    "unassigned": "The finding is unassigned.",
    "commented": "The comment is added.",
}
SEVERITIES = tuple(s.label for s in sorted(Severity, reverse=True))
STATES = tuple(s.value for s in TriageState)


@router.get("/findings", response_class=HTMLResponse)
def findings_list(
    request: Request,
    principal: Annotated[Principal, Depends(require(Permission.READ))],
    severity: Text = "",
    state: Text = "",
    check: Text = "",
    system: Text = "",
    path: Text = "",
    exact: Text = "",
    offset: Offset = 0,
    limit: Limit = PAGE,
) -> HTMLResponse:
    store = store_of(request)
    severity = severity.lower()
    filters = {"severity": severity, "state": state, "check": check, "system": system,
               "path": path, "exact": bool(exact)}  # fmt: skip
    error, total = "", 0
    found: list[StoredFinding] = []
    try:
        where = service.make_filter(
            severity=severity or None, check=check or None, state=state or None, path=path or None
        )
        if system:
            where = dataclasses.replace(where, system=_system_id(store, system))
        if exact and where.min_severity is not None:  # the overview's rows: one severity
            where = dataclasses.replace(where, max_severity=where.min_severity)
        found, total = store.findings.page(where, offset=offset, limit=limit)
    except (UsageError, RecordNotFound, InvalidRecord) as exc:
        error = exc.message
    return render(
        request,
        "findings/list.html",
        {
            "findings": found,
            "filters": filters,
            "error": error,
            "severities": SEVERITIES,
            "states": STATES,
            "systems": system_names(store),
            "assignees": store.notes.assignees([f.fingerprint for f in found]),
            "pager": pager(request, total, offset, limit),
            "today": datetime.now(UTC).date(),
        },
        status=400 if error else 200,
    )


@router.get("/findings/{fingerprint}", response_class=HTMLResponse)
def finding_page(
    request: Request,
    fingerprint: str,
    principal: Annotated[Principal, Depends(require(Permission.READ))],
    notice: Annotated[str, Query(max_length=40)] = "",
) -> HTMLResponse:
    return _detail(request, principal, fingerprint, notice=NOTICES.get(notice, ""))


@router.post("/findings/{fingerprint}/triage")
def triage_submit(
    request: Request,
    fingerprint: str,
    principal: Annotated[Principal, Depends(require(Permission.FINDINGS_TRIAGE))],
    state: Annotated[str, Form(max_length=40)],
    justification: Annotated[str, Form(max_length=10_000)] = "",
    expires: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    store = store_of(request)
    typed = {"state": state, "justification": justification, "expires": expires}
    try:
        day = service.parse_date(expires, "expiry date") if expires.strip() else None
        finding, _ = actions.triage(
            store, principal.username, fingerprint, state, justification=justification,
            expires=day,
        )  # fmt: skip
    except (InvalidRecord, UsageError) as exc:
        return _refused(request, principal, fingerprint, exc, typed)
    return _done(finding.fingerprint, "triaged")


@router.post("/findings/{fingerprint}/assign")
def assign_submit(
    request: Request,
    fingerprint: str,
    principal: Annotated[Principal, Depends(require(Permission.FINDINGS_TRIAGE))],
    assignee: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    store = store_of(request)
    try:
        who = assignee.strip() and actions.active_username(store, assignee)
        if who is None:
            raise UsageError(
                f"{assignee.strip()!r} is no active user", hint="choose one from the list"
            )
        note = actions.assign(store, principal.username, fingerprint, who)
    except (InvalidRecord, UsageError) as exc:
        return _refused(request, principal, fingerprint, exc, {"assignee": assignee})
    return _done(note.fingerprint, "assigned" if who else "unassigned")


@router.post("/findings/{fingerprint}/comment")
def comment_submit(
    request: Request,
    fingerprint: str,
    principal: Annotated[Principal, Depends(require(Permission.FINDINGS_COMMENT))],
    text: Annotated[str, Form(max_length=20_000)] = "",
) -> Response:
    store = store_of(request)
    try:
        note = actions.comment(store, principal.username, fingerprint, text)
    except (InvalidRecord, UsageError) as exc:
        return _refused(request, principal, fingerprint, exc, {"comment": text})
    return _done(note.fingerprint, "commented")


def _done(fingerprint: str, notice: str) -> RedirectResponse:
    return RedirectResponse(f"/findings/{fingerprint}?notice={notice}", status_code=303)


def _refused(
    request: Request,
    principal: Principal,
    fingerprint: str,
    exc: AisecError,
    typed: Mapping[str, str],
) -> HTMLResponse:
    status = 409 if isinstance(exc, InvalidRecord) else 422
    message = exc.message + (f" ({exc.hint})" if exc.hint else "")
    return _detail(request, principal, fingerprint, error=message, typed=typed, status=status)


def _detail(
    request: Request,
    principal: Principal,
    fingerprint: str,
    *,
    notice: str = "",
    error: str = "",
    typed: Mapping[str, str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    store = store_of(request)
    history = service.history(store.findings, store.runs, fingerprint)
    finding = history.finding
    form: dict[str, Any] = {"state": "", "justification": "", "expires": "", "comment": "",
                            "assignee": None}  # fmt: skip
    form.update(typed or {})
    notes = store.notes.notes(finding.fingerprint)
    assigned = [n.assignee for n in notes if n.kind == "assignment"]
    return render(
        request,
        "findings/finding.html",
        {
            "finding": finding,
            "runs": history.runs,
            "history": history.triage,
            "notes": notes,
            "assignee": assigned[-1] if assigned else "",
            "users": _active_users(request) if principal.can(Permission.FINDINGS_TRIAGE) else [],
            "can_triage": principal.can(Permission.FINDINGS_TRIAGE),
            "can_comment": principal.can(Permission.FINDINGS_COMMENT),
            "states": STATES,
            "form": form,
            "notice": notice,
            "error": error,
            "today": date.today(),
        },
        status=status,
    )


def _active_users(request: Request) -> list[Any]:
    return [u for u in store_of(request).users.list_users() if u.active]


def _system_id(store: Any, ref: str) -> str:
    system = store.inventory.get(SystemAsset, ref) or store.inventory.find(SystemAsset, ref)
    if system is None or system.id is None:
        raise RecordNotFound(f"no system named {ref!r}")
    return str(system.id)
