"""The interfaces capabilities reach the store through.

Only plain records (:mod:`aisec.store.records`, :mod:`aisec.store.tracking`) and core types
cross them, so a capability can be tested with a fake and never imports SQLAlchemy. The
implementations over SQLAlchemy are :class:`SqlInventoryRepository`, :class:`SqlRunRepository`
and :class:`SqlFindingRepository`, reached lazily from this module (or built by
:func:`aisec.store.open_store`).
"""

from __future__ import annotations

import builtins
from collections.abc import Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from aisec.store.governance_repositories import (
    ApprovalRepository,
    EvidenceRepository,
    IncidentRepository,
    RequestRepository,
    RiskRepository,
)
from aisec.store.records import Asset, SystemAsset

if TYPE_CHECKING:
    from collections.abc import Iterator

    from aisec.core.run import Measurement, Run
    from aisec.governance.audit.keys import SigningKey
    from aisec.governance.audit.records import Checkpoint, Entry
    from aisec.store.server_records import FindingSummary
    from aisec.store.sql_approvals import SqlApprovalRepository
    from aisec.store.sql_assessments import SqlAssessmentRepository
    from aisec.store.sql_audit import SqlAuditRepository
    from aisec.store.sql_evidence import SqlEvidenceRepository
    from aisec.store.sql_findings import SqlFindingRepository
    from aisec.store.sql_incidents import SqlIncidentRepository
    from aisec.store.sql_inventory import SqlInventoryRepository
    from aisec.store.sql_requests import SqlRequestRepository
    from aisec.store.sql_risks import SqlRiskRepository
    from aisec.store.sql_runs import SqlRunRepository
    from aisec.store.tracking import (
        FindingFilter,
        StoredAssessment,
        StoredFinding,
        StoredRun,
        TriageEntry,
        TriageState,
    )

__all__ = [
    "ApprovalRepository",
    "AssessmentRepository",
    "AuditRepository",
    "EvidenceRepository",
    "FindingRepository",
    "IncidentRepository",
    "InventoryRepository",
    "RequestRepository",
    "RiskRepository",
    "RunRepository",
    "SqlApprovalRepository",
    "SqlAssessmentRepository",
    "SqlAuditRepository",
    "SqlEvidenceRepository",
    "SqlFindingRepository",
    "SqlIncidentRepository",
    "SqlInventoryRepository",
    "SqlRequestRepository",
    "SqlRiskRepository",
    "SqlRunRepository",
]

A = TypeVar("A", bound=Asset)


class InventoryRepository(Protocol):
    """Assets of every kind, keyed by id, and by a natural key for :meth:`upsert`:
    a system's, dataset's or vendor's name, a model's name and version, an endpoint's URL."""

    def add(self, asset: A) -> A:
        """Store a new asset; InvalidRecord if its natural key is taken."""
        ...

    def get(self, kind: type[A], asset_id: str) -> A | None: ...

    def find(self, kind: type[A], *key: str) -> A | None:
        """The asset with this natural key (``find(ModelAsset, "resnet", "1.2")``)."""
        ...

    def list(self, kind: type[A]) -> builtins.list[A]: ...

    def update(self, asset: A) -> A:
        """Replace the stored fields of ``asset`` (by id) with these; RecordNotFound if
        absent. Relations and timestamps are not fields: they are kept."""
        ...

    def upsert(self, asset: A) -> A:
        """Add, or merge into the asset with the same natural key: values given replace
        stored ones, empty values keep them, places and digests are merged. Storing the
        same asset twice changes nothing, which is what makes discovery re-runnable."""
        ...

    def remove(
        self, kind: type[Asset], asset_id: str, *, force: bool = False, actor: str = "aisec"
    ) -> None:
        """Remove the asset; its relations go with it. A system with governance records
        (which would go with it) is refused with InvalidRecord unless ``force``, and then
        its removal is an audit entry by ``actor`` listing them."""
        ...

    def link(self, source: Asset, target: Asset) -> None:
        """Relate two stored assets: a system uses a model, dataset or endpoint; a model
        was trained on a dataset; a model comes from a vendor (either order). Idempotent."""
        ...

    def unlink(self, source: Asset, target: Asset) -> None: ...

    def related(self, source: Asset, kind: type[A]) -> builtins.list[A]:
        """The assets of ``kind`` related to ``source`` (in either direction)."""
        ...


class RunRepository(Protocol):
    def record(self, run: Run, *, exit_code: int | None = None) -> StoredRun:
        """Store a finished run, its measurements and its findings, the findings
        de-duplicated by fingerprint into the findings over time. ``exit_code`` defaults to
        the run's verdict at its ``fail_on``. InvalidRecord, and nothing stored, for a
        measurement the columns cannot hold: a name over 200 characters or a unit over 40
        (as stored, escapes included), an ``n`` that is no 32-bit integer, a value that is
        no number."""
        ...

    def get(self, run_id: str) -> StoredRun | None: ...

    def measurements(self, run_id: str) -> builtins.list[Measurement]:
        """The run's measurements, in the run's order; [] for a run not stored, InvalidRecord
        for an id that is no UUID. A NaN value reads back as NaN; a NaN interval bound, stored
        like a missing one, as None."""
        ...

    def list(
        self, *, kind: str | None = None, limit: int | None = None
    ) -> builtins.list[StoredRun]:
        """Newest first."""
        ...

    def page(
        self, *, kind: str | None = None, system: str | None = None, offset: int, limit: int
    ) -> tuple[builtins.list[StoredRun], int]:
        """A page of the runs (of ``kind``, linked to the system with the id ``system``),
        newest first, and their total before paging. UsageError for an offset below 0 or a
        limit below 1."""
        ...

    def link_system(self, run_id: str, system: str | SystemAsset, *, actor: str = "aisec") -> bool:
        """Record that a stored run concerns a system (revision 0007), with a ``run.linked``
        audit entry; True if the link is new. RecordNotFound for a run or system not stored."""
        ...

    def for_system(
        self, system: str | SystemAsset, kind: str | None = None
    ) -> builtins.list[StoredRun]:
        """The runs linked to ``system`` (of ``kind``), newest first."""
        ...


class FindingRepository(Protocol):
    def list(
        self, where: FindingFilter | None = None, *, today: date | None = None
    ) -> builtins.list[StoredFinding]:
        """Most severe first. ``today`` decides which acceptances have lapsed."""
        ...

    def page(
        self,
        where: FindingFilter | None = None,
        *,
        offset: int,
        limit: int,
        today: date | None = None,
    ) -> tuple[builtins.list[StoredFinding], int]:
        """A page of :meth:`list`, in its order, and the total before paging. UsageError
        for an offset below 0 or a limit below 1."""
        ...

    def summary(self, today: date | None = None) -> FindingSummary:
        """Every finding counted by effective state; the open ones by severity label and
        by age since first seen (``FindingSummary.BUCKETS``)."""
        ...

    def get(self, fingerprint: str, *, today: date | None = None) -> StoredFinding | None: ...

    def runs(self, fingerprint: str) -> builtins.list[str]:
        """Ids of the runs that saw the finding, oldest first."""
        ...

    def set_triage(
        self,
        fingerprint: str,
        state: TriageState,
        *,
        actor: str,
        justification: str = "",
        expires: date | None = None,
    ) -> TriageEntry:
        """Add a decision to the finding's history. An accepted risk needs a
        justification and an expiry; a false positive a justification."""
        ...

    def history(self, fingerprint: str) -> builtins.list[TriageEntry]:
        """Every decision, oldest first; the last one is the finding's state."""
        ...


class AssessmentRepository(Protocol):
    """Governance assessments of AI systems: questionnaire answers and the judgement made
    from them (an EU AI Act classification first; later impact assessments, DPIAs).

    Assessments are never updated in place: a new judgement is recorded as a new one, and a
    system's assessments are its history. A system is named by its record, its id or its
    name; RecordNotFound if the inventory has no such system. Assessments go with their
    system when it is removed.
    """

    def record(
        self,
        system: str | SystemAsset,
        kind: str,
        *,
        framework: str,
        answers: Mapping[str, Any],
        result: Mapping[str, Any],
        rationale: Sequence[str],
        assessor: str,
        as_of: date,
        status: str = "final",
        tool_version: str | None = None,
    ) -> StoredAssessment:
        """Store a new judgement about ``system``, judged at the obligations in force on
        ``as_of``. ``status`` is "draft" or "final"; ``tool_version`` defaults to this
        aisec's. InvalidRecord, and nothing stored, for a missing kind, framework or
        assessor, a kind or framework over 40 characters, an assessor over 200 or a tool
        version over 100 (as stored, escapes included), a rationale that is not a list of
        strings, or an ``as_of`` that is not a date (a datetime is refused)."""
        ...

    def latest(
        self, system: str | SystemAsset, kind: str, *, include_drafts: bool = False
    ) -> StoredAssessment | None:
        """The newest final assessment of this kind (the newest of any status with
        ``include_drafts``); None if there is none."""
        ...

    def list(
        self, system: str | SystemAsset | None = None, kind: str | None = None
    ) -> builtins.list[StoredAssessment]:
        """Every assessment (of ``system``, of ``kind``), drafts included, oldest first:
        a system's last one of a kind is its latest."""
        ...

    def get(self, assessment_id: str) -> StoredAssessment | None: ...


class AuditRepository(Protocol):
    """The governance audit trail: entries only ever appended, numbered from 1 without
    gaps, and signed checkpoints of their Merkle root (docs/adr/0018). The API is
    :class:`aisec.governance.audit.AuditLog`; governance repositories append here in the
    transaction of the change they record."""

    signer: SigningKey | None  # set: a checkpoint is written every checkpoint_every entries
    checkpoint_every: int

    def append(
        self, actor: str, action: str, object_kind: str, object_id: str,
        payload: Mapping[str, Any],
    ) -> Entry:  # fmt: skip
        """Add an entry, in the caller's write transaction if one is open. InvalidRecord
        for empty or over-long text (actor and object id 200, action 100, kind 40) or a
        payload that is no mapping."""
        ...

    def entries(
        self, *, start: int = 1, limit: int | None = None, newest_first: bool = False,
        object_kind: str | None = None, object_id: str | None = None, offset: int = 0,
    ) -> builtins.list[Entry]: ...  # fmt: skip

    def count(self, *, object_kind: str | None = None, object_id: str | None = None) -> int:
        """The entries about an object (of a kind)."""
        ...

    def iter_entries(self) -> Iterator[Entry]:
        """Every entry in seq order, as stored."""
        ...

    def size(self) -> int: ...

    def checkpoints(self) -> builtins.list[Checkpoint]: ...

    def checkpoint(self, signer: SigningKey) -> Checkpoint:
        """Sign the log's root; StoreError if the log fails verification."""
        ...

    def rotate(self, old: SigningKey, new: SigningKey, actor: str) -> tuple[Entry, Checkpoint]:
        """Hand signing over from ``old`` to ``new``: the rotation entry, signed by ``old``,
        and ``old``'s checkpoint covering it; StoreError if the log fails verification or
        ``old`` does not sign it now."""
        ...

    def current_key_id(self) -> str | None:
        """The key id that signs the next checkpoint, as the log tells it (unverified);
        None for a log never signed."""
        ...


_IMPLEMENTATIONS = {
    "SqlInventoryRepository": "aisec.store.sql_inventory",
    "SqlRunRepository": "aisec.store.sql_runs",
    "SqlFindingRepository": "aisec.store.sql_findings",
    "SqlAssessmentRepository": "aisec.store.sql_assessments",
    "SqlAuditRepository": "aisec.store.sql_audit",
    "SqlRiskRepository": "aisec.store.sql_risks",
    "SqlApprovalRepository": "aisec.store.sql_approvals",
    "SqlEvidenceRepository": "aisec.store.sql_evidence",
    "SqlIncidentRepository": "aisec.store.sql_incidents",
    "SqlRequestRepository": "aisec.store.sql_requests",
}


def __getattr__(name: str) -> Any:
    # The implementations import SQLAlchemy; the protocols above must not.
    module = _IMPLEMENTATIONS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
