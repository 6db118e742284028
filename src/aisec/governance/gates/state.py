"""What a gate looks at: a snapshot of one AI system's state on one day.

The snapshot is plain data, built elsewhere (from the store) and JSON-serialisable both
ways, so a gate can be evaluated, and its verdict reproduced, without any database.
Absence is meaningful: no scan, no measurement, no assessment means *not shown*, and the
conditions that need them fail (fail closed).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from typing import Any, TypeVar

from aisec.core.errors import ConfigError

SIGNATURE_STATUSES = ("verified", "missing", "invalid", "unknown")


@dataclass(frozen=True, slots=True)
class ScanRecord:
    """The latest scan of the system's artefacts: the run the open findings come from."""

    run_id: str
    run_date: date


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


@dataclass(frozen=True, slots=True)
class EvidenceRecord:
    title: str
    refs: tuple[str, ...] = ()
    valid_until: date | None = None  # None: does not expire
    id: str = ""


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
    deadline: date | None  # when the report (or other action) is due
    status: str


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
    last_scan: ScanRecord | None = None
    findings: tuple[FindingRecord, ...] = ()  # open findings only
    measurements: tuple[MeasurementRecord, ...] = ()
    assessments: tuple[AssessmentRecord, ...] = ()
    evidence: tuple[EvidenceRecord, ...] = ()
    approvals: tuple[ApprovalRecord, ...] = ()
    signatures: tuple[SignatureRecord, ...] = ()
    incidents: tuple[IncidentRecord, ...] = ()  # open incidents only
    risks: tuple[RiskRecord, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return _dump(self)  # type: ignore[no-any-return]

    @classmethod
    def from_dict(cls, raw: Any) -> SystemState:
        return _load(cls, raw, "state")


_RECORDS: dict[str, type[Any]] = {
    "last_scan": ScanRecord,
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
    "valid_until",
    "expires_on",
    "decided_on",
    "deadline",
}
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
        elif name in _RECORDS and cls is SystemState:
            record = _RECORDS[name]
            if name == "last_scan":
                data[name] = None if value is None else _load(record, value, f"{where}.{name}")
            elif not isinstance(value, (list, tuple)):
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
