"""Request and response bodies of the core API areas: inventory, runs, findings, jobs,
the checks catalogue, users and keys, and the audit trail. Each response model lists its
fields so that the OpenAPI schema says exactly what a client gets."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, Field, TypeAdapter

if TYPE_CHECKING:
    from aisec.store.records import Asset
    from aisec.store.server_records import FindingNote, StoredApiKey, StoredJob, StoredUser
    from aisec.store.tracking import StoredFinding, StoredRun, TriageEntry

AssetKinds = Literal["systems", "models", "datasets", "endpoints", "vendors"]
AssetKindName = Literal[
    "system", "model", "dataset", "endpoint", "vendor",
    "systems", "models", "datasets", "endpoints", "vendors",
]  # fmt: skip
SeverityName = Literal["info", "low", "medium", "high", "critical"]
TriageStateName = Literal["open", "accepted-risk", "false-positive", "fixed"]
RoleName = Literal["admin", "security-engineer", "ml-engineer", "compliance-officer", "auditor"]
JobKind = Literal["scan", "test"]
JobStatus = Literal["queued", "running", "done", "failed"]

# -- inventory ------------------------------------------------------------------------


class PlaceOut(BaseModel):
    path: str
    line: int | None


class _AssetBase(BaseModel):
    id: str
    discovered_at: list[PlaceOut]
    created_at: datetime | None
    updated_at: datetime | None


class SystemOut(_AssetBase):
    kind: Literal["system"]
    name: str
    intended_purpose: str
    owner: str
    business_unit: str
    lifecycle_stage: str
    deployment_context: str
    eu_ai_act_role: str
    geography: list[str]
    model_ids: list[str]
    dataset_ids: list[str]
    endpoint_ids: list[str]


class ModelOut(_AssetBase):
    kind: Literal["model"]
    name: str
    version: str
    framework: str
    format: str
    digests: dict[str, str]
    licence: str
    source_uri: str
    vendor_id: str | None
    dataset_ids: list[str]


class DatasetOut(_AssetBase):
    kind: Literal["dataset"]
    name: str
    source: str
    licence: str
    sensitivity: str
    contains_personal_data: bool | None
    digests: dict[str, str]


class EndpointOut(_AssetBase):
    kind: Literal["endpoint"]
    url: str
    name: str
    authentication: str


class VendorOut(_AssetBase):
    kind: Literal["vendor"]
    name: str
    website: str
    contact: str


AssetOut = Annotated[
    SystemOut | ModelOut | DatasetOut | EndpointOut | VendorOut, Field(discriminator="kind")
]


class AssetDetail(BaseModel):
    asset: AssetOut
    related: dict[str, list[AssetOut]] = Field(
        description="related assets under the headings `aisec inventory show` uses"
    )


class AssetFields(BaseModel):
    """The editable fields of every kind; give only those of the kind at hand (another
    kind's field is refused). In a PATCH an empty string clears a field."""

    model_config = {"extra": "forbid"}

    name: str = Field("", max_length=500)
    intended_purpose: str = Field("", max_length=5000)
    owner: str = Field("", max_length=500)
    business_unit: str = Field("", max_length=500)
    lifecycle_stage: str = Field("", max_length=100)
    deployment_context: str = Field("", max_length=5000)
    eu_ai_act_role: str = Field("", max_length=100)
    geography: list[str] = Field(default_factory=list, max_length=200)
    version: str = Field("", max_length=200)
    framework: str = Field("", max_length=200)
    format: str = Field("", max_length=200)
    digests: dict[str, str] = Field(default_factory=dict)
    licence: str = Field("", max_length=500)
    source_uri: str = Field("", max_length=2000)
    source: str = Field("", max_length=2000)
    sensitivity: str = Field("", max_length=100)
    contains_personal_data: bool | None = None
    url: str = Field("", max_length=2000)
    authentication: str = Field("", max_length=100)
    website: str = Field("", max_length=2000)
    contact: str = Field("", max_length=500)


class LinkBody(BaseModel):
    """Two assets to relate: a system and a model, dataset or endpoint; a model and a
    dataset (trained on) or its vendor. Each named by id or name."""

    kind: AssetKindName
    ref: str = Field(min_length=1, max_length=500)
    other_kind: AssetKindName
    other: str = Field(min_length=1, max_length=500)


class LinkOut(BaseModel):
    linked: bool
    source: AssetOut
    target: AssetOut


# -- runs and findings ----------------------------------------------------------------


class RunOut(BaseModel):
    id: str
    kind: str
    targets: list[str]
    tool_version: str
    started_at: datetime
    finished_at: datetime | None
    exit_code: int | None
    counts: dict[str, Any]
    finding_count: int
    measurement_count: int


class RunDetail(RunOut):
    errors: list[str]
    warnings: list[str]
    skipped: list[dict[str, Any]]
    checks_applied: list[str] | None


class MeasurementOut(BaseModel):
    name: str
    value: float
    ci_low: float | None
    ci_high: float | None
    n: int
    unit: str
    params: dict[str, Any]


class TriageOut(BaseModel):
    state: TriageStateName
    by: str
    at: datetime
    justification: str
    expires: date | None


class FindingOut(BaseModel):
    fingerprint: str
    check_id: str
    severity: SeverityName
    state: TriageStateName
    expired: bool
    title: str
    message: str
    location: str
    path: str
    remediation: str
    evidence: dict[str, Any]
    refs: list[str]
    first_seen_run: str | None
    last_seen_run: str | None
    first_seen_at: datetime | None
    last_seen_at: datetime | None
    occurrences: int
    triage: TriageOut | None
    assignee: str | None


class NoteOut(BaseModel):
    id: int
    kind: Literal["comment", "assignment"]
    actor: str
    text: str
    assignee: str | None
    created_at: datetime


class FindingDetail(FindingOut):
    runs: list[RunOut]
    history: list[TriageOut]
    notes: list[NoteOut]


class FindingSummaryOut(BaseModel):
    open_by_age: dict[str, dict[str, int]] = Field(
        description="open findings: severity label -> age bucket -> count"
    )
    by_state: dict[str, int]
    open: int
    total: int


class TriageBody(BaseModel):
    state: TriageStateName
    justification: str = Field("", max_length=5000)
    expires: date | None = Field(None, description="an accepted risk's last day")


class CommentBody(BaseModel):
    text: str = Field(min_length=1, max_length=10_000)


class AssignmentBody(BaseModel):
    assignee: str = Field(max_length=100, description='an active user name; "" unassigns')


# -- jobs -----------------------------------------------------------------------------


class ScanJobBody(BaseModel):
    paths: list[str] = Field(min_length=1, max_length=100)
    system: str | None = Field(None, max_length=500, description="link the run to it")


class TestJobBody(BaseModel):
    plan: str = Field(min_length=1, max_length=4096)
    system: str | None = Field(None, max_length=500, description="link the run to it")


class JobOut(BaseModel):
    id: str
    kind: JobKind
    status: JobStatus
    params: dict[str, Any]
    created_by: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    run_id: str | None
    exit_code: int | None
    error: str | None


# -- checks catalogue -----------------------------------------------------------------


class CheckOut(BaseModel):
    id: str
    title: str
    severity: SeverityName | Literal[""]
    applies_to: list[str]
    refs: list[str]
    status: Literal["enabled", "unavailable", "disabled"]
    available: bool
    reason: str


class CheckDetail(CheckOut):
    description: str
    remediation: str


# -- users, keys, account -------------------------------------------------------------


class UserOut(BaseModel):
    id: str
    username: str
    display_name: str
    role: RoleName
    active: bool
    created_at: datetime
    last_login_at: datetime | None


class NewUser(BaseModel):
    username: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=1, max_length=1024)
    role: RoleName
    display_name: str = Field("", max_length=200)


class UserChange(BaseModel):
    model_config = {"extra": "forbid"}

    role: RoleName | None = None
    active: bool | None = None
    display_name: str | None = Field(None, max_length=200)


class PasswordReset(BaseModel):
    password: str = Field(min_length=1, max_length=1024)


class PasswordChange(BaseModel):
    current_password: str = Field(min_length=1, max_length=1024)
    new_password: str = Field(min_length=1, max_length=1024)


class KeyOut(BaseModel):
    id: str
    user_id: str
    name: str
    prefix: str = Field(description="the key's public first characters")
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None


class NewKey(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    expires_in_days: int | None = Field(None, ge=1, le=3650)


class CreatedKey(KeyOut):
    key: str = Field(description="the key itself: shown this once, never again")


# -- audit ----------------------------------------------------------------------------


class AuditEntryOut(BaseModel):
    seq: int
    recorded_at: datetime
    actor: str
    action: str
    object_kind: str
    object_id: str
    payload: dict[str, Any]


class AuditVerdict(BaseModel):
    ok: bool
    entries: int
    checkpoints: int
    verified_size: int = Field(description="entries covered by a valid signed checkpoint")
    unsigned_tail: int
    problems: int
    key_id: str


# -- from the store's records ---------------------------------------------------------

AssetModel = SystemOut | ModelOut | DatasetOut | EndpointOut | VendorOut
_ASSET: TypeAdapter[AssetModel] = TypeAdapter(AssetOut)


def asset_out(asset: Asset) -> AssetModel:
    from aisec.services.inventory import to_dict

    return _ASSET.validate_python(to_dict(asset))


def run_out(run: StoredRun) -> RunOut:
    return RunOut(
        id=run.id,
        kind=run.kind,
        targets=list(run.targets),
        tool_version=run.tool_version,
        started_at=run.started_at,
        finished_at=run.finished_at,
        exit_code=run.exit_code,
        counts=dict(run.counts),
        finding_count=run.finding_count,
        measurement_count=run.measurement_count,
    )


def triage_out(entry: TriageEntry) -> TriageOut:
    return TriageOut(
        state=entry.state.value,
        by=entry.actor,
        at=entry.at,
        justification=entry.justification,
        expires=entry.expires,
    )


def finding_out(finding: StoredFinding, assignee: str | None) -> FindingOut:
    return FindingOut(
        fingerprint=finding.fingerprint,
        check_id=finding.check_id,
        severity=finding.severity.label,  # type: ignore[arg-type]
        state=finding.state.value,
        expired=finding.expired,
        title=finding.title,
        message=finding.message,
        location=finding.location,
        path=finding.path,
        remediation=finding.remediation,
        evidence=dict(finding.evidence),
        refs=list(finding.refs),
        first_seen_run=finding.first_seen_run,
        last_seen_run=finding.last_seen_run,
        first_seen_at=finding.first_seen_at,
        last_seen_at=finding.last_seen_at,
        occurrences=finding.occurrences,
        triage=triage_out(finding.triage) if finding.triage else None,
        assignee=assignee,
    )


def note_out(note: FindingNote) -> NoteOut:
    return NoteOut(
        id=note.id,
        kind=note.kind,  # type: ignore[arg-type]  # NOTE_KINDS
        actor=note.actor,
        text=note.text,
        assignee=note.assignee,
        created_at=note.created_at,
    )


def job_out(job: StoredJob) -> JobOut:
    return JobOut.model_validate(job, from_attributes=True)


def user_out(user: StoredUser) -> UserOut:
    return UserOut.model_validate(user, from_attributes=True)


def key_out(key: StoredApiKey) -> KeyOut:
    return KeyOut.model_validate(key, from_attributes=True)
