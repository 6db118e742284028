"""The risk register: every system's risks with filters, a system's own register with
its proposals and people's decisions on each risk. Proposing and editing go through the
same service and register as ``aisec govern risks``; the register writes the audit entry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from aisec.core.errors import AisecError, RecordNotFound
from aisec.server.access.deps import require, store_of
from aisec.server.access.principal import Principal
from aisec.server.access.roles import Permission
from aisec.server.dashboard.templating import path_ref, render

if TYPE_CHECKING:
    from aisec.governance.risks import Risk

router = APIRouter()
PAGE_SIZE = 50
Text = Annotated[str, Form(max_length=4000)]
# The notices a redirect may ask for, by code: the query string never carries their text
# (a link could otherwise show words of its author's choosing on this page).
NOTICES = {
    "risk-updated": "The decision on the risk is recorded.",
    "risk-unchanged": "Nothing changed: the risk already read so.",
}
PROPOSED = "risks-proposed"


def _choices() -> dict[str, Any]:
    from aisec.governance.risks import LEVELS, STATUSES, TREATMENTS

    return {"levels": LEVELS, "statuses": STATUSES, "treatments": TREATMENTS}


def linked(risk: Risk) -> list[tuple[str, str]]:
    """The findings and measurements (and classification refs) a risk was proposed from."""
    return [(s.partition(":")[0], s.partition(":")[2]) for s in risk.sources]


@router.get("/risks", response_class=HTMLResponse)
def all_risks(
    request: Request,
    principal: Annotated[Principal, Depends(require(Permission.READ))],
    system: Annotated[str, Query(max_length=200)] = "",
    level: Annotated[str, Query(max_length=40)] = "",
    status: Annotated[str, Query(max_length=40)] = "",
    offset: Annotated[int, Query(ge=0)] = 0,
) -> HTMLResponse:
    from aisec.store.records import SystemAsset

    store = store_of(request)
    assets = store.inventory.list(SystemAsset)
    systems = sorted(s.name for s in assets)
    risks: list[Risk] = []
    if not system or system in systems:
        risks = store.risks.list(system or None, status or None)
    if level:
        risks = [r for r in risks if r.level == level]
    page = risks[offset : offset + PAGE_SIZE]
    query = {"system": system, "level": level, "status": status}

    def at(start: int) -> str:
        return "/risks?" + urlencode({k: v for k, v in query.items() if v} | {"offset": start})

    return render(
        request,
        "governance/risks.html",
        {
            "risks": page,
            "total": len(risks),
            "offset": offset,
            "previous": at(max(offset - PAGE_SIZE, 0)) if offset else "",
            "next": at(offset + PAGE_SIZE) if offset + PAGE_SIZE < len(risks) else "",
            "systems": systems,
            "system_ids": {s.name: s.id for s in assets},
            "filters": query,
            "linked": linked,
            **_choices(),
        },
    )


def _system_page(
    request: Request,
    principal: Principal,
    ref: str,
    *,
    notice: str = "",
    error: str = "",
    editing: str = "",
    kept: dict[str, str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    from aisec.governance.risks import heat_map
    from aisec.services.governance_risks import system_named

    store = store_of(request)
    system = system_named(store, ref)
    risks = store.risks.list(system.name)
    return render(
        request,
        "governance/system_risks.html",
        {
            "system": system,
            "risks": risks,
            "grid": heat_map(risks).grid() if risks else [],
            "can_write": principal.can(Permission.GOVERNANCE_WRITE),
            "notice": _notice(notice, risks),
            "error": error,
            "editing": editing,
            "kept": kept or {},
            "linked": linked,
            **_choices(),
        },
        status=status,
    )


@router.get("/systems/{ref}/risks", response_class=HTMLResponse)
def system_risks(
    request: Request,
    ref: str,
    principal: Annotated[Principal, Depends(require(Permission.READ))],
    notice: Annotated[str, Query(max_length=40)] = "",
) -> HTMLResponse:
    return _system_page(request, principal, ref, notice=notice)


def _notice(code: str, risks: list[Risk]) -> str:
    """The message a notice code stands for, its values read from the stored register."""
    if code == PROPOSED:
        waiting = sum(1 for r in risks if r.status == "proposed")
        verb = "awaits" if waiting == 1 else "await"
        return f"Risks proposed: {waiting} in the register {verb} a decision."
    return NOTICES.get(code, "")


def _back(system: Any, code: str) -> RedirectResponse:
    return RedirectResponse(
        f"/systems/{path_ref(system.name, system.id)}/risks?notice={code}", status_code=303
    )


@router.post("/systems/{ref}/risks/propose")
def propose(
    request: Request,
    ref: str,
    principal: Annotated[Principal, Depends(require(Permission.GOVERNANCE_WRITE))],
) -> Response:
    from aisec.services.governance_risks import propose_risks, system_named

    store = store_of(request)
    system = system_named(store, ref)
    propose_risks(store, system.name, actor=principal.username)
    return _back(system, PROPOSED)


@dataclass(frozen=True)
class Decision:
    """A person's decisions on a risk, as the form sends them (text, checked here)."""

    owner: str
    status: str
    treatment: str
    justification: str
    plan: str
    due: str
    residual_likelihood: str
    residual_impact: str
    residual_note: str

    def changes(self, risk: Risk) -> dict[str, Any]:
        """The fields that differ from ``risk``; AisecError for a malformed value."""
        from aisec.core.errors import UsageError

        wanted: dict[str, Any] = {
            "owner": self.owner.strip(),
            "status": self.status,
            "treatment": self.treatment or None,
            "justification": self.justification.strip(),
            "plan": self.plan.strip(),
            "residual_note": self.residual_note.strip(),
        }
        try:
            wanted["due"] = date.fromisoformat(self.due) if self.due else None
        except ValueError:
            raise UsageError("the due date must be YYYY-MM-DD") from None
        pair = (self.residual_likelihood.strip(), self.residual_impact.strip())
        try:
            wanted["residual_likelihood"], wanted["residual_impact"] = (
                int(pair[0]) if pair[0] else None,
                int(pair[1]) if pair[1] else None,
            )
        except ValueError:
            raise UsageError("residual likelihood and impact are whole numbers 1-5") from None
        return {k: v for k, v in wanted.items() if getattr(risk, k) != v}


@router.post("/systems/{ref}/risks/{risk_id}")
def decide(
    request: Request,
    ref: str,
    risk_id: str,
    principal: Annotated[Principal, Depends(require(Permission.GOVERNANCE_WRITE))],
    owner: Text = "",
    status: Text = "proposed",
    treatment: Text = "",
    justification: Text = "",
    plan: Text = "",
    due: Text = "",
    residual_likelihood: Text = "",
    residual_impact: Text = "",
    residual_note: Text = "",
) -> Response:
    from aisec.governance.risks import edit
    from aisec.services.governance_risks import locked_system, system_named

    decision = Decision(owner, status, treatment, justification, plan, due,
                        residual_likelihood, residual_impact, residual_note)  # fmt: skip
    store = store_of(request)
    system = system_named(store, ref)
    name = system.name
    try:
        # Read under the system's lock, in the transaction that writes (as the CLI).
        with locked_system(store, name):
            risk = store.risks.get(risk_id, name)
            if risk is None:
                raise RecordNotFound(f"no risk {risk_id!r} of {name}")
            changes = decision.changes(risk)
            if changes:
                store.risks.upsert(edit(risk, **changes), actor=principal.username)
    except RecordNotFound:
        raise
    except AisecError as exc:
        kept = {k: str(v) for k, v in vars(decision).items()}
        return _system_page(request, principal, ref, error=exc.message, editing=risk_id,
                            kept=kept, status=422)  # fmt: skip
    return _back(system, "risk-updated" if changes else "risk-unchanged")
