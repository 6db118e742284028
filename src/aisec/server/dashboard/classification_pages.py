"""The EU AI Act classification of a system: the latest one recorded, and the
questionnaire as a form for those who may classify.

Without scripts the questionnaire discloses itself step by step: every question the
engine asks given the answers so far is shown, answered ones prefilled; "Continue" posts
them all and the server shows what the engine asks next, until nothing is left and
"Save classification" records the assessment. The answers ride in the form itself, so
nothing half-answered is ever stored.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from aisec.core.errors import AisecError
from aisec.server.access.deps import require, store_of
from aisec.server.access.principal import Principal
from aisec.server.access.roles import Permission
from aisec.server.dashboard.templating import path_ref, render

router = APIRouter()
TEMPLATE = "governance/classification.html"
# The one notice a redirect asks for, by code: its text is built from the stored
# classification, never taken from the query string.
SAVED = "classification-saved"


def operator_roles() -> list[tuple[str, str]]:
    """The catalogue's operator roles (id, title): the only ones the engine accepts."""
    from aisec.governance.classify import facts

    return [(item.id, item.title) for item in facts.catalogue().of_kind("role")]


def relevant(answers: Mapping[str, object]) -> tuple[list[Any], dict[str, object], bool]:
    """The questions to show (answered or asked now), the answers that count, and
    whether the questionnaire is complete: the engine's walk, not a copy of it."""
    from aisec.governance.classify import validate
    from aisec.governance.classify.questions import by_id, walk

    states, effective = walk(validate.answers(answers))
    questions = by_id()
    shown = [questions[q] for q, s in states.items() if s in ("answered", "pending")]
    complete = not any(s in ("pending", "waiting") for s in states.values())
    return shown, effective, complete


def read_answers(form: FormData) -> tuple[dict[str, object], list[str]]:
    """The answers a posted questionnaire holds, and the texts of questions it showed
    but left unanswered. A question counts as shown when the form lists it in ``asked``
    (an unticked many-of is an answer: none)."""
    from aisec.governance.classify.questions import by_id

    questions = by_id()
    answers: dict[str, object] = {}
    missing: list[str] = []
    for qid in dict.fromkeys(v for v in form.getlist("asked") if isinstance(v, str)):
        question = questions.get(qid)
        if question is None:
            continue
        values = [v for v in form.getlist(f"q.{qid}") if isinstance(v, str)]
        value = _parse(question.kind, values)
        if value is None:
            missing.append(question.text)
        else:
            answers[qid] = value
    return answers, missing


def _parse(kind: str, values: list[str]) -> object | None:
    if kind == "many-of":
        return list(dict.fromkeys(values))
    text = values[0].strip() if values else ""
    if not text:
        return None
    if kind == "yes-no":
        return {"yes": True, "no": False}.get(text)
    if kind == "number":
        try:
            number = float(text)
        except ValueError:
            return None
        if not math.isfinite(number):
            return None
        return int(number) if number.is_integer() and abs(number) < 2**53 else number
    return text


def _page(
    request: Request,
    principal: Principal,
    ref: str,
    *,
    answers: Mapping[str, object] | None = None,
    roles: list[str] | None = None,
    error: str = "",
    notice: str = "",
    status: int = 200,
) -> HTMLResponse:
    from aisec.services.governance import KIND
    from aisec.services.governance_risks import system_named

    store = store_of(request)
    system = system_named(store, ref)
    latest = store.assessments.latest(system.name, KIND)
    context: dict[str, Any] = {
        "system": system,
        "latest": latest,
        "can_write": principal.can(Permission.GOVERNANCE_WRITE),
        "error": error,
        "notice": _notice(notice, latest),
        "questions": [],
        "answers": {},
        "complete": False,
        "roles": operator_roles(),
        "chosen_roles": roles or ["provider"],
    }
    if context["can_write"]:
        given = dict(answers or {})
        try:
            shown, effective, complete = relevant(given)
        except AisecError as exc:  # an answer the engine refuses: start from what is valid
            context["error"] = error or exc.message
            shown, effective, complete = relevant({})
        context.update(questions=shown, answers=effective, complete=complete)
    return render(request, TEMPLATE, context, status=status)


@router.get("/systems/{ref}/classification", response_class=HTMLResponse)
def classification_page(
    request: Request,
    ref: str,
    principal: Annotated[Principal, Depends(require(Permission.READ))],
    notice: Annotated[str, Query(max_length=40)] = "",
) -> HTMLResponse:
    return _page(request, principal, ref, notice=notice)


def _notice(code: str, latest: Any) -> str:
    if code != SAVED or latest is None:
        return ""
    tiers = ", ".join(str(t) for t in latest.result.get("tiers", [])) or "none"
    return f"Classification saved: {tiers}."


async def posted_form(request: Request) -> FormData:
    """The posted form, whatever its fields (the questionnaire's are named by question)."""
    return await request.form()


@router.post("/systems/{ref}/classification", response_class=HTMLResponse)
def classification_submit(
    request: Request,
    ref: str,
    principal: Annotated[Principal, Depends(require(Permission.GOVERNANCE_WRITE))],
    form: Annotated[FormData, Depends(posted_form)],
) -> Response:
    answers, missing = read_answers(form)
    known = {role for role, _ in operator_roles()}
    roles = [r for r in form.getlist("role") if isinstance(r, str) and r in known]
    return _submit(
        request, principal, ref, answers, missing, roles or ["provider"], form.get("action")
    )


def _submit(
    request: Request,
    principal: Principal,
    ref: str,
    answers: dict[str, object],
    missing: list[str],
    roles: list[str],
    action: object,
) -> Response:
    from aisec.services.governance import classify_system
    from aisec.services.governance_risks import system_named

    def again(error: str, status: int) -> HTMLResponse:
        return _page(request, principal, ref, answers=answers, roles=roles, error=error,
                     status=status)  # fmt: skip

    if missing:
        return again("Answer every question shown: " + "; ".join(missing[:5]), 422)
    if action != "save":
        return again("", 200)
    store = store_of(request)
    system = system_named(store, ref)
    try:
        _, effective, complete = relevant(answers)
        if not complete:
            return again("The questionnaire is not complete: answer the questions shown.", 422)
        classify_system(
            effective,
            roles=roles,
            as_of=datetime.now(UTC).date(),
            store=store,
            system=system.name,
            assessor=principal.username,
        )
    except AisecError as exc:
        return again(exc.message, 422)
    back = path_ref(system.name, system.id)
    return RedirectResponse(f"/systems/{back}/classification?notice={SAVED}", status_code=303)
