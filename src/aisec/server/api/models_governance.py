"""Request and response bodies of the governance API: the shapes of the records the
governance services and registers return, written out so that the OpenAPI schema is
exact (their ``to_dict`` forms, typed)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, Field

from aisec.store.vocabulary import (
    APPROVAL_DECISIONS,
    EVIDENCE_KINDS,
    INCIDENT_STATUSES,
    REQUEST_KINDS,
)

Text = Field(min_length=1, max_length=10_000)
# The literals repeat the store's vocabularies; the assertions keep them the same.
Decision = Literal["approved", "rejected"]
EvidenceKind = Literal["document", "run", "finding", "assessment"]
IncidentStatus = Literal["open", "initial-report-sent", "complete-report-sent", "closed"]
RequestKind = Literal["access", "erasure", "objection", "explanation", "other"]
assert Decision.__args__ == APPROVAL_DECISIONS  # type: ignore[attr-defined]
assert EvidenceKind.__args__ == EVIDENCE_KINDS  # type: ignore[attr-defined]
assert IncidentStatus.__args__ == INCIDENT_STATUSES  # type: ignore[attr-defined]
assert RequestKind.__args__ == REQUEST_KINDS  # type: ignore[attr-defined]


# --- catalogues and the questionnaire ---------------------------------------------------


class CatalogueOut(BaseModel):
    id: str
    title: str
    version: str
    publisher: str
    licence: str
    source: str
    retrieved: date
    ref_prefix: str
    items: int
    kinds: list[str]


class RelatedRef(BaseModel):
    ref: str
    catalogue: str = Field(description="the catalogue holding the ref; empty if none does")
    title: str


class CrosswalkOut(BaseModel):
    ref: str
    is_check: bool = Field(description="true: the refs are what the check's results speak to")
    related: list[RelatedRef]


class ChoiceOut(BaseModel):
    value: str
    label: str


class QuestionOut(BaseModel):
    id: str
    text: str
    kind: Literal["yes-no", "one-of", "many-of", "number"]
    help: str
    refs: list[str]
    asked_when: str = Field(description="when the question is asked, in words")
    depends_on: list[str] = Field(description="the questions whose answers it waits for")
    choices: list[ChoiceOut]
    minimum: float | None


class RoleOut(BaseModel):
    id: str
    title: str


class QuestionnaireOut(BaseModel):
    questions: list[QuestionOut]
    roles: list[RoleOut]


class AnswersIn(BaseModel):
    answers: dict[str, Any] = Field(description="question id -> answer")


class ProgressOut(BaseModel):
    complete: bool
    states: dict[str, Literal["answered", "pending", "skipped", "waiting"]]
    next: list[QuestionOut] = Field(description="the questions to ask now, in order")


# --- classification ----------------------------------------------------------------------


class ClassifyIn(AnswersIn):
    roles: list[str] = Field(default=["provider"], min_length=1, max_length=10)
    as_of: date | None = Field(None, description="judge dates as of this day [today, UTC]")
    use_amended_dates: bool = True
    status: Literal["final", "draft"] = "final"


class DutyOut(BaseModel):
    ref: str
    title: str
    date_ref: str
    applies_from: date | None
    date_source: str
    amendment_status: str
    in_force: bool
    status: str


class DerogationOut(BaseModel):
    claimed: list[str]
    applies: bool
    reason: str
    refs: list[str]


class ReasonOut(BaseModel):
    text: str
    refs: list[str]


class ClassificationOut(BaseModel):
    as_of: date
    use_amended_dates: bool
    answers: dict[str, Any]
    tiers: list[str]
    system_tiers: list[str]
    gpai_tier: str | None
    prohibited: list[DutyOut]
    upcoming_prohibitions: list[DutyOut] = []
    annex_i: bool
    annex_iii: list[str]
    derogation: DerogationOut | None
    obligations: dict[str, list[DutyOut]]
    rationale: list[ReasonOut]
    unused_answers: list[str] = []
    roles: list[str] = []


class AssessmentOut(BaseModel):
    id: str
    system_id: str
    system_name: str
    kind: str
    framework: str
    status: str
    as_of: date
    assessor: str
    tool_version: str | None
    created_at: datetime
    rationale: list[str]
    answers: dict[str, Any]
    result: dict[str, Any]


class ClassifiedOut(BaseModel):
    classification: ClassificationOut
    assessment: AssessmentOut


# --- coverage ----------------------------------------------------------------------------


class SourceOut(BaseModel):
    kind: str
    id: str
    name: str
    state: str
    date: date | None
    via: str
    detail: str | None = None


class ItemCoverageOut(BaseModel):
    ref: str
    kind: str
    title: str
    status: str
    sources: list[SourceOut]


class FrameworkCoverageOut(BaseModel):
    framework: str
    title: str
    today: date
    total: int
    covered: int
    percent: float | None
    totals: dict[str, int]
    not_applicable: int
    scoped: bool
    items: list[ItemCoverageOut]


class CoverageOut(BaseModel):
    system: str
    today: date
    frameworks: list[FrameworkCoverageOut]


# --- registers -------------------------------------------------------------------------


class RiskOut(BaseModel):
    id: str
    system: str
    title: str
    threat: str | None
    likelihood: int
    impact: int
    likelihood_rationale: str
    impact_rationale: str
    threat_reason: str
    related: list[str]
    owner: str
    treatment: str | None
    plan: str
    due: date | None
    justification: str
    controls: list[str]
    residual_likelihood: int | None
    residual_impact: int | None
    residual_note: str
    status: str
    sources: list[str]
    edited: list[str]
    score: int
    level: str
    residual_score: int | None
    residual_level: str | None


class ProposedOut(BaseModel):
    new: list[RiskOut]
    changed: list[RiskOut]
    unchanged: list[str] = Field(description="ids of the risks the proposal left as they were")


class HeatCell(BaseModel):
    likelihood: int
    impact: int
    count: int


class HeatMapOut(BaseModel):
    residual: bool
    cells: list[HeatCell]
    grid: list[list[int]] = Field(description="likelihood 5 down to 1, impact 1 to 5 across")
    levels: dict[str, int]
    unassessed: int


class RiskHeatMaps(BaseModel):
    inherent: HeatMapOut
    residual: HeatMapOut


class RiskPatch(BaseModel):
    """A person's decisions on a risk, as ``aisec govern risks set`` takes them."""

    owner: str | None = Field(None, max_length=200)
    treatment: Literal["mitigate", "accept", "transfer", "avoid"] | None = None
    plan: str | None = Field(None, max_length=10_000)
    due: date | None = None
    residual_likelihood: int | None = Field(None, ge=1, le=5)
    residual_impact: int | None = Field(None, ge=1, le=5)
    residual_note: str | None = Field(None, max_length=10_000)
    status: Literal["proposed", "open", "treated", "accepted", "closed"] | None = None
    justification: str | None = Field(None, max_length=10_000)


class ApprovalIn(BaseModel):
    scope: str = Field(min_length=1, max_length=200, examples=["deployment", "release"])
    decision: Decision
    expires: date | None = Field(None, description="the last day the decision counts")
    note: str = Field("", max_length=10_000, description="why (required to reject)")


class ApprovalOut(BaseModel):
    id: str
    system_id: str
    system_name: str
    scope: str
    decision: str
    approver: str
    justification: str
    decided_at: datetime
    expires_on: date | None
    recorded_at: datetime
    expired: bool


class EvidenceIn(BaseModel):
    title: str = Text
    kind: EvidenceKind
    reference: str = Field(min_length=1, max_length=10_000)
    refs: list[str] = Field(default=[], max_length=200)
    valid_from: date | None = None
    valid_until: date | None = None


class EvidenceOut(BaseModel):
    id: str
    system_id: str
    system_name: str
    title: str
    kind: str
    reference: str
    refs: list[str]
    valid_from: date
    valid_until: date | None
    recorded_by: str
    recorded_at: datetime
    expired: bool


class IncidentIn(BaseModel):
    title: str = Text
    aware_at: AwareDatetime = Field(description="when you became aware, with its zone")
    categories: list[Literal["a", "b", "c", "d"]] = Field(min_length=1, max_length=4)
    description: str = Field("", max_length=100_000)
    death: bool = False
    widespread: bool = False


class IncidentPatch(BaseModel):
    status: IncidentStatus | None = None
    corrective_actions: list[str] = Field(
        default=[], max_length=100, description="added to those recorded"
    )


class IncidentOut(BaseModel):
    id: str
    system_id: str
    system_name: str
    title: str
    description: str
    categories: list[str]
    death: bool
    widespread: bool
    aware_at: datetime
    deadline: datetime
    legal_basis: str
    status: str
    initial_report_at: datetime | None
    complete_report_at: datetime | None
    corrective_actions: list[str]
    recorded_by: str
    recorded_at: datetime
    reporting: Literal["due", "overdue", "complete-report-pending", "reported", "closed"] = Field(
        description="where the Art. 73 reporting stands now"
    )
    seconds_left: int = Field(description="until the deadline, while the report is due")
    seconds_overdue: int = Field(description="past the deadline, once the report is overdue")


class RequestIn(BaseModel):
    kind: RequestKind
    received_at: AwareDatetime
    extended: bool = False


class RequestPatch(BaseModel):
    status: Literal["answered", "refused"] | None = None
    answered_at: AwareDatetime | None = None
    extended: bool | None = Field(None, description="true: extend (give received_at again)")
    received_at: AwareDatetime | None = None


class RequestOut(BaseModel):
    id: str
    system_id: str
    system_name: str
    kind: str
    received_at: datetime
    extended: bool
    due: datetime
    legal_basis: str
    status: str
    answered_at: datetime | None
    recorded_by: str
    recorded_at: datetime
    overdue: bool = Field(description="still open past its due date")


# --- gates -----------------------------------------------------------------------------


class PolicyIn(BaseModel):
    policy: str | dict[str, Any] = Field(
        description="the gate policy (aisec.policy/1): YAML text, or the same as a JSON object"
    )


class GateIn(PolicyIn):
    today: date | None = Field(None, description="judge as at the end of this day, UTC [now]")


class PolicyConditionOut(BaseModel):
    id: str
    type: str
    description: str
    severity: str
    when_tier: list[str]
    refs: list[str]
    params: dict[str, Any]


class PolicyOut(BaseModel):
    name: str
    description: str
    applies_to: list[str] = Field(description="tiers; empty: every system")
    conditions: list[PolicyConditionOut]


class ConditionResultOut(BaseModel):
    id: str
    type: str
    description: str
    severity: str
    status: Literal["passed", "failed", "not-applicable"]
    reason: str
    refs: list[str]
    evidence: list[str]


class GateResultOut(BaseModel):
    policy: str
    source: str
    system: str
    today: date
    tiers: list[str] | None
    note: str
    passed: bool
    exit_code: int
    summary: dict[str, int]
    conditions: list[ConditionResultOut]
