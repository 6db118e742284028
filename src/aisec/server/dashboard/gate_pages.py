"""Release gates and human-oversight approvals: every system's approval decisions, and
per system a gate judged on a policy pasted into the page (evaluating only reads, so it
is a GET that anyone who may read can run and bookmark), with the approval form for
those who decide. The approval repository writes the audit entry itself."""

from __future__ import annotations

import tempfile
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from aisec.core.errors import AisecError, ConfigError
from aisec.server.access.deps import require, store_of
from aisec.server.access.principal import Principal
from aisec.server.access.roles import Permission
from aisec.server.dashboard.templating import path_ref, render

if TYPE_CHECKING:
    from aisec.governance.gates import GateResult

router = APIRouter()
PAGE_SIZE = 50
# The notices a redirect may ask for, by code: the query string never carries their text
# (a link could otherwise show words of its author's choosing on this page).
NOTICES = {"approval-recorded"}
MAX_POLICY = 64 * 1024
EXAMPLE_POLICY = Path("examples") / "high-risk-release-policy.yaml"
# Used when the working directory has no example policy: the release conditions every
# system can be judged on.
BUILT_IN_POLICY = """\
schema: aisec.policy/1
name: release gate
description: What any AI system must show before release.
conditions:
  - id: no-critical-findings
    type: no_open_findings
    at_or_above: critical
  - id: release-approval
    type: approval_present
    scope: release
  - id: incidents
    type: no_overdue_incidents
  - id: risks
    type: risks_treated
    at_or_above: high
"""


def default_policy() -> str:
    try:
        text = EXAMPLE_POLICY.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return BUILT_IN_POLICY
    return text if len(text) <= MAX_POLICY else BUILT_IN_POLICY


def evaluate_text(request: Request, system: str, text: str) -> GateResult:
    """The gate of ``system`` now, on the policy ``text``; ConfigError for a bad policy.

    The policy goes through ``load_policy`` (size and depth caps, no aliases) by way of a
    private temporary file, so the dashboard reads a policy exactly as ``aisec gate`` does."""
    from aisec.governance.gates.policy import load_policy
    from aisec.services.gating import run_gate

    if len(text.encode("utf-8", "surrogatepass")) > MAX_POLICY:
        raise ConfigError(f"the policy is larger than {MAX_POLICY // 1024} KiB")
    with tempfile.TemporaryDirectory(prefix="aisec-gate-") as folder:
        path = Path(folder) / "policy.yaml"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        try:
            policy = load_policy(path)
        except ConfigError as exc:
            raise ConfigError(exc.message.replace(str(path), "the policy"), hint=exc.hint) from None
    policy = replace(policy, source="dashboard")
    return run_gate(store_of(request), policy, system, datetime.now(UTC))


@router.get("/gates", response_class=HTMLResponse)
def gates(
    request: Request,
    principal: Annotated[Principal, Depends(require(Permission.READ))],
    offset: Annotated[int, Query(ge=0)] = 0,
) -> HTMLResponse:
    from aisec.store.records import SystemAsset

    store = store_of(request)
    decisions = [a for s in store.inventory.list(SystemAsset) for a in store.approvals.list(s)]
    decisions.sort(key=lambda a: a.decided_at, reverse=True)
    page = decisions[offset : offset + PAGE_SIZE]
    return render(
        request,
        "governance/gates.html",
        {
            "approvals": page,
            "total": len(decisions),
            "offset": offset,
            "previous": f"/gates?offset={max(offset - PAGE_SIZE, 0)}" if offset else "",
            "next": f"/gates?offset={offset + PAGE_SIZE}"
            if offset + PAGE_SIZE < len(decisions)
            else "",
            "today": datetime.now(UTC).date(),
            "systems": sorted(store.inventory.list(SystemAsset), key=lambda s: s.name),
        },
    )


def _page(
    request: Request,
    principal: Principal,
    ref: str,
    *,
    policy: str = "",
    notice: str = "",
    error: str = "",
    kept: dict[str, str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    from aisec.services.governance_risks import system_named
    from aisec.store.vocabulary import APPROVAL_DECISIONS

    store = store_of(request)
    system = system_named(store, ref)
    approvals = list(reversed(store.approvals.list(system)))
    context: dict[str, Any] = {
        "system": system,
        "policy": policy or default_policy(),
        "result": None,
        "policy_error": "",
        "approvals": approvals,
        "today": datetime.now(UTC).date(),
        "can_decide": principal.can(Permission.APPROVALS_DECIDE),
        "decisions": APPROVAL_DECISIONS,
        "kept": kept or {"scope": "release", "decision": "approved"},
        "notice": _notice(notice, approvals),
        "error": error,
    }
    if policy:
        try:
            context["result"] = evaluate_text(request, system.name, policy)
        except ConfigError as exc:
            context["policy_error"] = exc.message + (f" ({exc.hint})" if exc.hint else "")
            status = max(status, 422)
    return render(request, "governance/gate.html", context, status=status)


@router.get("/systems/{ref}/gate", response_class=HTMLResponse)
def gate(
    request: Request,
    ref: str,
    principal: Annotated[Principal, Depends(require(Permission.READ))],
    policy: Annotated[str, Query(max_length=MAX_POLICY)] = "",
    notice: Annotated[str, Query(max_length=40)] = "",
) -> HTMLResponse:
    return _page(request, principal, ref, policy=policy, notice=notice)


def _notice(code: str, approvals: list[Any]) -> str:
    """The message a notice code stands for, its values read from the store."""
    if code not in NOTICES or not approvals:
        return ""
    latest = max(approvals, key=lambda a: a.decided_at)
    return f"Recorded: {latest.decision} {latest.scope} by {latest.approver}."


@router.post("/systems/{ref}/approvals")
def record_approval(
    request: Request,
    ref: str,
    principal: Annotated[Principal, Depends(require(Permission.APPROVALS_DECIDE))],
    scope: Annotated[str, Form(max_length=200)] = "release",
    decision: Annotated[str, Form(max_length=40)] = "",
    expires_on: Annotated[str, Form(max_length=40)] = "",
    justification: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    from aisec.services.governance_risks import system_named

    store = store_of(request)
    system = system_named(store, ref)
    kept = {"scope": scope, "decision": decision, "expires_on": expires_on,
            "justification": justification}  # fmt: skip
    try:
        try:
            expires = date.fromisoformat(expires_on) if expires_on.strip() else None
        except ValueError:
            raise ConfigError("the expiry must be a date YYYY-MM-DD") from None
        store.approvals.record(
            system, scope.strip(), decision, approver=principal.username,
            justification=justification.strip(), expires_on=expires,
        )  # fmt: skip
    except AisecError as exc:
        return _page(request, principal, ref, error=exc.message, kept=kept, status=409)
    back = path_ref(system.name, system.id)
    return RedirectResponse(f"/systems/{back}/gate?notice=approval-recorded", status_code=303)
