"""Governance of an AI system: the framework catalogues and their crosswalk, the EU AI Act
questionnaire as data, classifying a system (``aisec govern classify``), its assessments
and its control coverage (``aisec govern coverage``)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request

from aisec.core.errors import InvalidRecord, RecordNotFound, UsageError
from aisec.server.access.deps import require, store_of
from aisec.server.access.principal import Principal
from aisec.server.access.roles import Permission
from aisec.server.api.models_common import CONFLICT, ERRORS, NOT_FOUND, ErrorEnvelope
from aisec.server.api.models_governance import (
    AnswersIn,
    AssessmentOut,
    CatalogueOut,
    ClassificationOut,
    ClassifiedOut,
    ClassifyIn,
    CoverageOut,
    CrosswalkOut,
    FrameworkCoverageOut,
    ProgressOut,
    QuestionnaireOut,
    QuestionOut,
    RelatedRef,
    RoleOut,
)
from aisec.server.api.pagination import Page, PagingDep

router = APIRouter(tags=["governance"], responses=ERRORS)
Reader = Annotated[Principal, Depends(require(Permission.READ))]
Writer = Annotated[Principal, Depends(require(Permission.GOVERNANCE_WRITE))]
BAD: dict[int | str, dict[str, object]] = {
    400: {"model": ErrorEnvelope, "description": "invalid input: answers, roles, a policy..."}
}


def utc_today() -> date:
    # UTC, as the gate and the govern commands judge "today".
    return datetime.now(UTC).date()


@router.get("/governance/catalogues", response_model=list[CatalogueOut])
def catalogues(_: Reader) -> list[CatalogueOut]:
    """The framework catalogues aisec ships, with their versions."""
    from aisec.governance.catalogs import all_catalogues

    return [CatalogueOut(**c.to_dict(), kinds=list(c.kinds)) for c in all_catalogues()]


@router.get("/governance/crosswalk/{ref}", response_model=CrosswalkOut, responses=BAD)
def crosswalk(ref: str, _: Reader) -> CrosswalkOut:
    """What a framework ref relates to in other frameworks; for a check id, every
    requirement its findings and results speak to (``aisec govern crosswalk``)."""
    from aisec.governance.catalogs import resolve
    from aisec.governance.catalogs.crosswalk import check_refs, related, requirements_for_check

    is_check = ref in check_refs()
    refs = requirements_for_check(ref) if is_check else related(ref)
    if not refs and not is_check and resolve(ref) is None:
        raise UsageError(f"{ref!r} is neither a catalogued ref nor a check id")
    rows = []
    for item_ref in sorted(refs):
        found = resolve(item_ref)
        title = "" if found is None else (found[1].title or found[1].summary)
        rows.append(RelatedRef(ref=item_ref, catalogue=found[0].id if found else "", title=title))
    return CrosswalkOut(ref=ref, is_check=is_check, related=rows)


def _id(system: Any) -> str:
    found: str | None = system.id
    assert found is not None  # read from the store, so it has one
    return found


def _question(question: Any) -> QuestionOut:
    return QuestionOut(**question.to_dict())


@router.get("/governance/questionnaire", response_model=QuestionnaireOut)
def questionnaire(_: Reader) -> QuestionnaireOut:
    """Every question of the EU AI Act classification, in order, and the operator roles.
    Whether a question is asked depends on earlier answers (``depends_on``, and the
    condition ``asked_when`` describes): POST the answers so far to
    ``/governance/questionnaire/progress`` for what to ask next."""
    from aisec.governance.classify import facts, questionnaire

    roles = [RoleOut(id=i.id, title=i.title) for i in facts.catalogue().of_kind("role")]
    return QuestionnaireOut(questions=[_question(q) for q in questionnaire()], roles=roles)


@router.post("/governance/questionnaire/progress", response_model=ProgressOut, responses=BAD)
def progress(body: AnswersIn, _: Reader) -> ProgressOut:
    """Where a set of answers stands: each question's state and what to ask next (an
    empty list once the questionnaire is complete). Changes nothing."""
    from aisec.governance.classify import next_questions
    from aisec.governance.classify.questions import walk
    from aisec.governance.classify.validate import answers

    states, _effective = walk(answers(body.answers))
    pending = next_questions(body.answers)
    return ProgressOut(complete=not pending, states=states, next=[_question(q) for q in pending])


def _assessment(stored: Any) -> AssessmentOut:
    return AssessmentOut(
        id=stored.id, system_id=stored.system_id, system_name=stored.system_name,
        kind=stored.kind, framework=stored.framework, status=stored.status,
        as_of=stored.as_of, assessor=stored.assessor, tool_version=stored.tool_version,
        created_at=stored.created_at, rationale=list(stored.rationale),
        answers=dict(stored.answers), result=dict(stored.result),
    )  # fmt: skip


@router.post(
    "/systems/{ref}/classification",
    response_model=ClassifiedOut,
    status_code=201,
    responses=NOT_FOUND | CONFLICT | BAD,
)
def classify(ref: str, body: ClassifyIn, request: Request, principal: Writer) -> ClassifiedOut:
    """Classify the system from a complete set of answers and record the assessment
    (audited, assessor: you). An incomplete set is refused (409) naming the questions
    still to answer; an invalid answer or role is a 400."""
    from aisec.governance.classify import next_questions
    from aisec.services.governance import classify_system
    from aisec.services.governance_risks import system_named

    store = store_of(request)
    system = system_named(store, ref)
    missing = [q.id for q in next_questions(body.answers)]
    if missing:
        raise InvalidRecord(
            f"the questionnaire is not complete: still to answer {', '.join(missing)}",
            hint="POST the answers to /api/v1/governance/questionnaire/progress for the "
            "questions to ask next",
        )
    done = classify_system(
        body.answers, roles=body.roles, as_of=body.as_of or utc_today(),
        use_amended_dates=body.use_amended_dates, store=store, system=_id(system),
        assessor=principal.username, status=body.status,
    )  # fmt: skip
    assert done.assessment is not None  # recorded: a store and a system were given
    return ClassifiedOut(
        classification=ClassificationOut(**done.assessment.result),
        assessment=_assessment(done.assessment),
    )


@router.get("/systems/{ref}/classification", response_model=ClassifiedOut, responses=NOT_FOUND)
def latest_classification(
    ref: str,
    request: Request,
    _: Reader,
    include_drafts: Annotated[bool, Query(description="a later draft counts too")] = False,
) -> ClassifiedOut:
    """The system's latest (final, unless drafts are asked for) EU AI Act classification."""
    from aisec.services.governance import KIND
    from aisec.services.governance_risks import system_named

    store = store_of(request)
    system = system_named(store, ref)
    stored = store.assessments.latest(system, KIND, include_drafts=include_drafts)
    if stored is None:
        raise RecordNotFound(f"AI system {system.name!r} has not been classified",
                             hint="POST the answers to its classification")  # fmt: skip
    return ClassifiedOut(
        classification=ClassificationOut(**stored.result), assessment=_assessment(stored)
    )


@router.get("/systems/{ref}/assessments", response_model=Page[AssessmentOut], responses=NOT_FOUND)
def assessments(
    ref: str,
    request: Request,
    paging: PagingDep,
    _: Reader,
    kind: Annotated[str | None, Query(max_length=40, description="only this kind")] = None,
) -> Page[AssessmentOut]:
    """The system's assessments (classifications, FRIA, DPIA...), newest first."""
    from aisec.services.governance_risks import system_named

    store = store_of(request)
    system = system_named(store, ref)
    found = list(reversed(store.assessments.list(system, kind)))
    return paging.slice([_assessment(a) for a in found])


@router.get("/systems/{ref}/coverage", response_model=CoverageOut, responses=NOT_FOUND | BAD)
def coverage(
    ref: str,
    request: Request,
    _: Reader,
    framework: Annotated[
        list[str] | None, Query(description="catalogue ids; default: the five main ones")
    ] = None,
    today: Annotated[date | None, Query(description="judge as of this day [today, UTC]")] = None,
    within_days: Annotated[int, Query(ge=0, le=3650, description="lapsing sooner: expiring")]
    = 30,
    gaps_only: Annotated[bool, Query(description="list only requirements with no evidence")]
    = False,
) -> CoverageOut:  # fmt: skip
    """Control coverage per framework, as ``aisec govern coverage`` computes it: each
    requirement evidenced, expiring, expired, failing or a gap, with its sources."""
    from aisec.services.governance_coverage import FRAMEWORKS, gather, judge

    day = today or utc_today()
    inputs = gather(store_of(request), ref, day)
    frameworks = []
    for c in (judge(inputs, f, day, within_days) for f in framework or FRAMEWORKS):
        shown = c.to_dict()
        if gaps_only:
            shown["items"] = [i.to_dict() for i in c.with_status("gap")]
        frameworks.append(FrameworkCoverageOut(**shown))
    return CoverageOut(system=inputs.system, today=day, frameworks=frameworks)
