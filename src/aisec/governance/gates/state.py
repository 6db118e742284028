"""What a gate looks at: a snapshot of one AI system's state on one day.

The snapshot is plain data, built elsewhere (from the store) and JSON-serialisable both
ways, so a gate can be evaluated, and its verdict reproduced, without any database.
Absence is meaningful: no scan, no measurement, no assessment means *not shown*, and the
conditions that need them fail (fail closed).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import UTC, date, datetime, time
from typing import Any, TypeVar

from aisec.core.errors import ConfigError

SIGNATURE_STATUSES = ("verified", "missing", "invalid", "unknown")


@dataclass(frozen=True, slots=True)
class ScanRecord:
    """A scan the open findings come from: the latest linked scan of each of ``targets``
    (the scan may have covered more targets, which later scans decide)."""

    run_id: str
    run_date: date
    targets: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class FindingRecord:
    check_id: str
    severity: str  # a Severity label: info, low, medium, high, critical
    fingerprint: str
    title: str = ""
    refs: tuple[str, ...] = ()
    first_seen: date | None = None


@dataclass(frozen=True, slots=True)
class MeasurementRecord:
    """The latest measurement of a metric by one assurance test."""

    test: str
    name: str  # e.g. "evasion.robust_accuracy"
    value: float
    ci_low: float | None = None
    ci_high: float | None = None
    n: int = 0
    params: Mapping[str, Any] = field(default_factory=dict)
    run_id: str = ""
    run_date: date | None = None


@dataclass(frozen=True, slots=True)
class AssessmentRecord:
    id: str
    kind: str  # e.g. "fria", "dpia", "conformity"
    status: str  # e.g. "draft", "final"
    as_of: date | None = None
    # When it was recorded: its age is measured from here, since ``as_of`` is whatever
    # day the assessor typed and may lie in the future.
    created_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class EvidenceRecord:
    title: str
    refs: tuple[str, ...] = ()
    valid_until: date | None = None  # None: does not expire
    id: str = ""
    valid_from: date | None = None  # None: valid since recorded


@dataclass(frozen=True, slots=True)
class ApprovalRecord:
    scope: str  # e.g. "release", "deployment:eu"
    decision: str  # "approved" or "rejected"
    approver: str
    expires_on: date | None = None
    decided_on: date | None = None
    id: str = ""


@dataclass(frozen=True, slots=True)
class SignatureRecord:
    model: str
    status: str  # one of SIGNATURE_STATUSES
    detail: str = ""


@dataclass(frozen=True, slots=True)
class IncidentRecord:
    id: str
    # When the report is due, to the instant (a date alone, as in older or hand-written
    # snapshots, means the end of that day UTC); None: no fixed deadline is pending.
    deadline: datetime | date | None
    status: str
    pending: str = ""  # what is still owed without a fixed deadline, listed, never failed


@dataclass(frozen=True, slots=True)
class RiskRecord:
    id: str
    level: str  # low, medium, high, critical
    status: str  # proposed, open, treated, accepted, closed
    treatment: str | None = None
    title: str = ""


@dataclass(frozen=True, slots=True)
class SystemState:
    system: str
    today: date
    tiers: tuple[str, ...] | None = None  # None: never classified
    # The latest linked scan of each target, newest first; empty: never scanned.
    scans: tuple[ScanRecord, ...] = ()
    findings: tuple[FindingRecord, ...] = ()  # open findings only
    measurements: tuple[MeasurementRecord, ...] = ()
    assessments: tuple[AssessmentRecord, ...] = ()
    evidence: tuple[EvidenceRecord, ...] = ()
    approvals: tuple[ApprovalRecord, ...] = ()
    signatures: tuple[SignatureRecord, ...] = ()
    incidents: tuple[IncidentRecord, ...] = ()  # open incidents only
    risks: tuple[RiskRecord, ...] = ()
    # The gate's instant; None: the end of ``today`` UTC, so that a deadline due at any
    # time on a day given with --today counts as passed on that day (fail closed).
    now: datetime | None = None

    @property
    def instant(self) -> datetime:
        """The moment deadlines are compared with (UTC-aware)."""
        if self.now is not None:
            return aware(self.now)
        return end_of_day(self.today)

    @property
    def last_scan(self) -> ScanRecord | None:
        """The newest of :attr:`scans`."""
        return self.scans[0] if self.scans else None

    def to_dict(self) -> dict[str, Any]:
        return _dump(self)  # type: ignore[no-any-return]

    @classmethod
    def from_dict(cls, raw: Any) -> SystemState:
        if isinstance(raw, Mapping) and "last_scan" in raw and "scans" not in raw:
            # An older snapshot's single scan: the same evidence, as a one-scan list.
            last = raw["last_scan"]
            raw = {k: v for k, v in raw.items() if k != "last_scan"}
            raw["scans"] = [] if last is None else [last]
        return _load(cls, raw, "state")


def aware(moment: datetime) -> datetime:
    """``moment`` in UTC; a naive one is taken as UTC (the store keeps UTC)."""
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def end_of_day(day: date) -> datetime:
    return datetime.combine(day, time.max, UTC)


_RECORDS: dict[str, type[Any]] = {
    "scans": ScanRecord,
    "findings": FindingRecord,
    "measurements": MeasurementRecord,
    "assessments": AssessmentRecord,
    "evidence": EvidenceRecord,
    "approvals": ApprovalRecord,
    "signatures": SignatureRecord,
    "incidents": IncidentRecord,
    "risks": RiskRecord,
}
_DATES = {
    "today",
    "run_date",
    "first_seen",
    "as_of",
    "valid_from",
    "valid_until",
    "expires_on",
    "decided_on",
}
_DATETIMES = {"now", "created_at", "deadline"}
# A date-only deadline stays a date: it is due through its whole day.
_DAY_ALLOWED = {"deadline"}
T = TypeVar("T")


def _dump(value: Any) -> Any:
    if hasattr(value, "__dataclass_fields__"):
        return {f.name: _dump(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_dump(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _dump(v) for k, v in value.items()}
    return value


def _date(value: Any, where: str) -> date | None:
    if value is None or (isinstance(value, date) and not isinstance(value, datetime)):
        return value
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, str):
        try:
            return (
                datetime.fromisoformat(value).date() if "T" in value else date.fromisoformat(value)
            )
        except ValueError:
            pass
    raise ConfigError(f"state snapshot, {where}: must be a YYYY-MM-DD date, got {value!r}")


def _datetime(value: Any, where: str, name: str) -> datetime | date | None:
    if value is None:
        return None
    if isinstance(value, str):
        try:
            parsed: date = (
                datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
            )
        except ValueError:
            raise ConfigError(
                f"state snapshot, {where}: must be an ISO date-time, got {value!r}"
            ) from None
        value = parsed
    if isinstance(value, datetime):
        return aware(value)
    if isinstance(value, date):
        return value if name in _DAY_ALLOWED else datetime.combine(value, time.min, UTC)
    raise ConfigError(f"state snapshot, {where}: must be an ISO date-time, got {value!r}")


def _load(cls: type[T], raw: Any, where: str) -> T:
    if not isinstance(raw, Mapping):
        raise ConfigError(f"state snapshot, {where}: must be a mapping")
    names = {f.name for f in fields(cls)}  # type: ignore[arg-type]
    unknown = set(raw) - names
    if unknown:
        raise ConfigError(f"state snapshot, {where}: unknown keys {sorted(map(str, unknown))}")
    data: dict[str, Any] = {}
    for name, value in raw.items():
        if name in _DATES:
            data[name] = _date(value, f"{where}.{name}")
        elif name in _DATETIMES:
            data[name] = _datetime(value, f"{where}.{name}", name)
        elif name in _RECORDS and cls is SystemState:
            record = _RECORDS[name]
            if not isinstance(value, (list, tuple)):
                raise ConfigError(f"state snapshot, {where}.{name}: must be a list")
            else:
                data[name] = tuple(
                    _load(record, v, f"{where}.{name}[{i}]") for i, v in enumerate(value)
                )
        elif isinstance(value, list):
            data[name] = tuple(value)
        else:
            data[name] = value
    try:
        return cls(**data)
    except TypeError as exc:
        raise ConfigError(f"state snapshot, {where}: {exc}") from None
