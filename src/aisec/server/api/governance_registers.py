"""The governance registers of an AI system, as the ``aisec govern`` commands keep them:
risks (proposed from the store, decided by people), human-oversight approvals, evidence,
serious incidents with their Art. 73 deadlines and data-subject requests with theirs.

Each register's repository writes its own audit entry, with the acting user, in the
transaction that changes it: the routes pass ``principal.username`` and add none."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request

from aisec.core.errors import RecordNotFound, UsageError
from aisec.server.access.deps import require, store_of
from aisec.server.access.principal import Principal
from aisec.server.access.roles import Permission
from aisec.server.api.governance_systems import BAD, utc_today
from aisec.server.api.models_common import CONFLICT, ERRORS, NOT_FOUND
from aisec.server.api.models_governance import (
    ApprovalIn,
    ApprovalOut,
    EvidenceIn,
    EvidenceOut,
    IncidentIn,
    IncidentOut,
    IncidentPatch,
    IncidentStatus,
    ProposedOut,
    RequestIn,
    RequestOut,
    RequestPatch,
    RiskHeatMaps,
    RiskOut,
    RiskPatch,
)
from aisec.server.api.pagination import Page, Paging, PagingDep

router = APIRouter(tags=["governance registers"], responses=ERRORS | NOT_FOUND)
Reader = Annotated[Principal, Depends(require(Permission.READ))]
Governor = Annotated[Principal, Depends(require(Permission.GOVERNANCE_WRITE))]
Approver = Annotated[Principal, Depends(require(Permission.APPROVALS_DECIDE))]
Responder = Annotated[Principal, Depends(require(Permission.INCIDENTS_WRITE))]
CHANGES = CONFLICT | BAD


def _system(request: Request, ref: str) -> Any:
    from aisec.services.governance_risks import system_named

    return system_named(store_of(request), ref)


@contextmanager
def _deadline_of(field: str) -> Iterator[None]:
    """A 400, not an internal error, when a deadline computed from ``field`` falls past
    9999-12-31 (datetime raises OverflowError or ValueError there)."""
    try:
        yield
    except (OverflowError, ValueError):
        raise UsageError(f"the deadline computed from {field} falls outside the years "
                         "1 to 9999") from None  # fmt: skip


# --- risks -----------------------------------------------------------------------------


@router.get("/systems/{ref}/risks", response_model=Page[RiskOut])
def risks(
    ref: str,
    request: Request,
    paging: PagingDep,
    _: Reader,
    status: Annotated[str | None, Query(max_length=20, description="only this status")] = None,
    level: Annotated[str | None, Query(max_length=20, description="only this level")] = None,
) -> Page[RiskOut]:
    """The system's risks, highest inherent score first."""
    found = store_of(request).risks.list(_system(request, ref).name, status)
    return paging.slice([RiskOut(**r.to_dict()) for r in found if level in (None, r.level)])


@router.get("/systems/{ref}/risks/heat-map", response_model=RiskHeatMaps)
def risk_heat_map(ref: str, request: Request, _: Reader) -> RiskHeatMaps:
    """The 5x5 heat maps of the register, inherent and residual."""
    from aisec.governance.risks import heat_map

    found = store_of(request).risks.list(_system(request, ref).name)
    return RiskHeatMaps.model_validate(
        {
            "inherent": heat_map(found).to_dict(),
            "residual": heat_map(found, residual=True).to_dict(),
        }
    )


@router.post("/systems/{ref}/risks/propose", response_model=ProposedOut)
def propose(ref: str, request: Request, principal: Governor) -> ProposedOut:
    """Propose risks from the classification and the open findings and measurements of
    the linked runs, merged into the register (people's decisions kept), as ``aisec
    govern risks propose``; each new or changed risk is audited."""
    from aisec.services.governance_risks import propose_risks

    done = propose_risks(store_of(request), ref, actor=principal.username)
    return ProposedOut(new=[RiskOut(**r.to_dict()) for r in done.new],
                       changed=[RiskOut(**r.to_dict()) for r in done.changed],
                       unchanged=[r.id for r in done.unchanged])  # fmt: skip


@router.patch("/systems/{ref}/risks/{risk_id}", response_model=RiskOut, responses=CHANGES)
def set_risk(
    ref: str, risk_id: str, body: RiskPatch, request: Request, principal: Governor
) -> RiskOut:
    """Record a person's decisions on a risk, as ``aisec govern risks set``: an acceptance
    needs a justification, a treated risk its residual (400 otherwise)."""
    from aisec.governance.risks import edit
    from aisec.services.governance_risks import locked_system

    changes = body.model_dump(exclude_unset=True)
    if not changes:
        raise UsageError("nothing to set", hint="give owner, status, residual_*, ...")
    store = store_of(request)
    name = _system(request, ref).name
    # Edited from the copy read under the system's lock, in the transaction that writes:
    # a `propose` landing in between would otherwise be overwritten by a stale copy.
    with locked_system(store, name):
        risk = store.risks.get(risk_id, name)
        if risk is None:
            raise RecordNotFound(f"no risk {risk_id!r} of AI system {name!r}")
        updated = store.risks.upsert(edit(risk, **changes), actor=principal.username)
    return RiskOut(**updated.to_dict())


# --- approvals and evidence ------------------------------------------------------------


def _approval(a: Any) -> ApprovalOut:
    return ApprovalOut(**vars(a), expired=a.expired(utc_today()))


@router.get("/systems/{ref}/approvals", response_model=Page[ApprovalOut])
def approvals(
    ref: str,
    request: Request,
    paging: PagingDep,
    _: Reader,
    scope: Annotated[str | None, Query(max_length=200, description="only this scope")] = None,
) -> Page[ApprovalOut]:
    """The system's human-oversight decisions, oldest first, each with whether it has
    expired (today, UTC)."""
    found = store_of(request).approvals.list(_system(request, ref), scope)
    return paging.slice([_approval(a) for a in found])


@router.post(
    "/systems/{ref}/approvals", response_model=ApprovalOut, status_code=201, responses=CHANGES
)
def approve(ref: str, body: ApprovalIn, request: Request, principal: Approver) -> ApprovalOut:
    """Record a human-oversight decision (EU AI Act Art. 14), approver: you. Decisions are
    only ever added; a rejection needs a note."""
    stored = store_of(request).approvals.record(
        _system(request, ref), body.scope, body.decision, approver=principal.username,
        justification=body.note, expires_on=body.expires,
    )  # fmt: skip
    return _approval(stored)


def _evidence(e: Any) -> EvidenceOut:
    return EvidenceOut(**vars(e), expired=e.expired(utc_today()))


@router.get("/systems/{ref}/evidence", response_model=Page[EvidenceOut])
def evidence(
    ref: str,
    request: Request,
    paging: PagingDep,
    _: Reader,
    expiring_within_days: Annotated[
        int | None, Query(ge=0, le=36_500, description="only evidence lapsed or lapsing within")
    ] = None,
) -> Page[EvidenceOut]:
    """The system's evidence, oldest first; with ``expiring_within_days``, what has lapsed
    or soon will (today, UTC), soonest first."""
    store, system = store_of(request), _system(request, ref)
    if expiring_within_days is None:
        found = store.evidence.list(system)
    else:
        found = store.evidence.expiring(system, utc_today(), expiring_within_days)
    return paging.slice([_evidence(e) for e in found])


@router.post(
    "/systems/{ref}/evidence", response_model=EvidenceOut, status_code=201, responses=CHANGES
)
def add_evidence(ref: str, body: EvidenceIn, request: Request, principal: Governor) -> EvidenceOut:
    """Record evidence for the system and the framework refs it evidences."""
    stored = store_of(request).evidence.record(
        _system(request, ref), body.title, body.kind, body.reference,
        recorded_by=principal.username, refs=body.refs, valid_from=body.valid_from,
        valid_until=body.valid_until,
    )  # fmt: skip
    return _evidence(stored)


# --- incidents -------------------------------------------------------------------------


def _incident(i: Any) -> IncidentOut:
    from aisec.governance.deadlines import status

    if i.status != "open":
        # Once the initial report is sent the complete one is still owed (Art. 73(5)).
        done = {"initial-report-sent": "complete-report-pending",
                "complete-report-sent": "reported"}.get(i.status, "closed")  # fmt: skip
        return IncidentOut.model_validate(
            vars(i) | {"reporting": done, "seconds_left": 0, "seconds_overdue": 0}
        )
    state = status(i.deadline, datetime.now(UTC))
    return IncidentOut(
        **vars(i), reporting=state.state, seconds_left=int(state.time_left.total_seconds()),
        seconds_overdue=int(state.time_over.total_seconds()),
    )  # fmt: skip


def _incident_page(
    found: list[Any], paging: Paging, status: IncidentStatus | None
) -> Page[IncidentOut]:
    return paging.slice([_incident(i) for i in found if status in (None, i.status)])


@router.get("/incidents", response_model=Page[IncidentOut])
def all_incidents(
    request: Request,
    paging: PagingDep,
    _: Reader,
    status: Annotated[IncidentStatus | None, Query(description="only this status")] = None,
    system: Annotated[str | None, Query(max_length=200, description="only this system's")]
    = None,
    open_only: Annotated[bool, Query(description="only those not closed")] = False,
) -> Page[IncidentOut]:  # fmt: skip
    """Serious incidents of every system, soonest deadline first, with where their
    reporting stands now."""
    owner = _system(request, system) if system else None
    return _incident_page(store_of(request).incidents.list(owner, open_only=open_only),
                          paging, status)  # fmt: skip


@router.get("/systems/{ref}/incidents", response_model=Page[IncidentOut])
def incidents(
    ref: str,
    request: Request,
    paging: PagingDep,
    _: Reader,
    status: Annotated[IncidentStatus | None, Query(description="only this status")] = None,
    open_only: Annotated[bool, Query(description="only those not closed")] = False,
) -> Page[IncidentOut]:
    """The system's serious incidents, soonest deadline first."""
    found = store_of(request).incidents.list(_system(request, ref), open_only=open_only)
    return _incident_page(found, paging, status)


@router.post(
    "/systems/{ref}/incidents", response_model=IncidentOut, status_code=201, responses=CHANGES
)
def add_incident(ref: str, body: IncidentIn, request: Request, principal: Responder) -> IncidentOut:
    """Record a serious incident; its reporting deadline is computed from the categories
    (Art. 73) in the zone of ``aware_at``."""
    with _deadline_of("aware_at"):
        stored = store_of(request).incidents.record(
            _system(request, ref), body.title, categories=body.categories,
            aware_at=body.aware_at, recorded_by=principal.username,
            description=body.description, death=body.death, widespread=body.widespread,
        )  # fmt: skip
    return _incident(stored)


@router.patch(
    "/systems/{ref}/incidents/{incident_id}", response_model=IncidentOut, responses=CHANGES
)
def update_incident(
    ref: str, incident_id: str, body: IncidentPatch, request: Request, principal: Responder
) -> IncidentOut:
    """Move an incident forward (open, initial-report-sent, complete-report-sent, closed)
    or add corrective actions, as ``aisec govern incident update``."""
    from aisec.services.governance_risks import locked_system

    store, system = store_of(request), _system(request, ref)
    changes: dict[str, Any] = {} if body.status is None else {"status": body.status}
    if not changes and not body.corrective_actions:
        raise UsageError("nothing to update", hint="give status or corrective_actions")
    # The actions are appended to those stored: read under the system's lock, in the
    # transaction that writes, or another update landing in between is lost.
    with locked_system(store, system):
        found = store.incidents.get(incident_id)
        if found is None or found.system_id != system.id:
            raise RecordNotFound(f"no incident {incident_id!r} of AI system {system.name!r}")
        if body.corrective_actions:
            changes["corrective_actions"] = [*found.corrective_actions, *body.corrective_actions]
        stored = store.incidents.update(incident_id, actor=principal.username, **changes)
    return _incident(stored)


# --- data-subject requests -------------------------------------------------------------


def _request(r: Any) -> RequestOut:
    overdue = r.status == "open" and r.due < datetime.now(UTC)
    return RequestOut(**vars(r), overdue=overdue)


@router.get("/systems/{ref}/requests", response_model=Page[RequestOut])
def requests(
    ref: str,
    request: Request,
    paging: PagingDep,
    _: Reader,
    open_only: Annotated[bool, Query(description="only those still open")] = False,
) -> Page[RequestOut]:
    """The system's data-subject and redress requests, soonest due first."""
    found = store_of(request).requests.list(_system(request, ref), open_only=open_only)
    return paging.slice([_request(r) for r in found])


@router.post(
    "/systems/{ref}/requests", response_model=RequestOut, status_code=201, responses=CHANGES
)
def add_request(ref: str, body: RequestIn, request: Request, principal: Governor) -> RequestOut:
    """Record a request about the system; its due date is computed from the kind (GDPR
    Art. 12(3); Art. 86 explanations alike)."""
    with _deadline_of("received_at"):
        stored = store_of(request).requests.record(
            _system(request, ref), body.kind, received_at=body.received_at,
            recorded_by=principal.username, extended=body.extended,
        )  # fmt: skip
    return _request(stored)


@router.patch("/systems/{ref}/requests/{request_id}", response_model=RequestOut, responses=CHANGES)
def update_request(
    ref: str, request_id: str, body: RequestPatch, request: Request, principal: Governor
) -> RequestOut:
    """Answer, refuse or extend an open request (extending gives received_at again, with
    its zone); a closed request cannot change."""
    store, system = store_of(request), _system(request, ref)
    changes = body.model_dump(exclude_none=True)
    if changes.get("extended") is False:
        changes.pop("extended")  # a period is never shortened
    if not changes:
        raise UsageError("nothing to update", hint="give status, answered_at or extended")
    found = store.requests.get(request_id)
    if found is None or found.system_id != system.id:
        raise RecordNotFound(f"no request {request_id!r} of AI system {system.name!r}")
    with _deadline_of("received_at"):
        stored = store.requests.update(request_id, actor=principal.username, **changes)
    return _request(stored)
