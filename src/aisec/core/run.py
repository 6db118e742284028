"""Run records: the evidence a scan, test or probe leaves behind."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from aisec.core.finding import Finding, Location
from aisec.core.severity import Severity


class ArtefactStatus(StrEnum):
    ANALYSED = "analysed"
    INCOMPLETE = "incomplete"  # analysed in part: something could not be read or a cap was hit
    SKIPPED = "skipped"  # not analysed at all; ``reason`` says why


@dataclass(slots=True)
class Artefact:
    """One file or archive member that a run looked at."""

    location: Location
    format: str
    size: int | None
    status: ArtefactStatus = ArtefactStatus.ANALYSED
    reason: str = ""

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "location": self.location.to_dict(),
            "format": self.format,
            "size": self.size,
            "status": self.status.value,
        }
        if self.reason:
            out["reason"] = self.reason
        return out


@dataclass(frozen=True, slots=True)
class Measurement:
    """A number with its uncertainty: ``value`` within ``[ci_low, ci_high]`` over ``n``."""

    name: str
    value: float
    ci_low: float | None
    ci_high: float | None
    n: int
    unit: str = ""
    params: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "value": self.value,
            "ci_low": self.ci_low,
            "ci_high": self.ci_high,
            "n": self.n,
            "unit": self.unit,
            "params": dict(self.params),
        }


def _new_id() -> str:
    import uuid  # imports platform; kept off the start-up path

    return str(uuid.uuid4())


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Run:
    kind: str
    targets: list[str]
    tool_version: str
    config: dict[str, Any]
    id: str = field(default_factory=_new_id)
    started_at: datetime = field(default_factory=_now)
    ended_at: datetime | None = None
    findings: list[Finding] = field(default_factory=list)
    measurements: list[Measurement] = field(default_factory=list)
    artefacts: list[Artefact] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def finish(self) -> None:
        self.ended_at = _now()

    @property
    def skipped(self) -> list[Artefact]:
        return [a for a in self.artefacts if a.status is ArtefactStatus.SKIPPED]

    @property
    def incomplete(self) -> list[Artefact]:
        return [a for a in self.artefacts if a.status is not ArtefactStatus.ANALYSED]

    def highest_severity(self) -> Severity | None:
        return max((f.severity for f in self.findings), default=None)

    def counts(self) -> dict[str, int]:
        out = {s.label: 0 for s in sorted(Severity, reverse=True)}
        for finding in self.findings:
            out[finding.severity.label] += 1
        return out

    def exit_code(self, fail_on: Severity) -> int:
        """0 clean, 1 findings at or above ``fail_on``, 3 some input not fully analysed."""
        if any(f.severity >= fail_on for f in self.findings):
            return 1
        if self.incomplete or self.errors:
            return 3
        return 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "targets": list(self.targets),
            "tool": {"name": "aisec", "version": self.tool_version},
            "config": self.config,
            "started_at": self.started_at.isoformat(),
            "ended_at": self.ended_at.isoformat() if self.ended_at else None,
            "summary": {
                "artefacts": len(self.artefacts),
                "incomplete": sum(a.status is ArtefactStatus.INCOMPLETE for a in self.artefacts),
                "skipped": len(self.skipped),
                "findings": self.counts(),
            },
            "findings": [f.to_dict() for f in self.findings],
            "measurements": [m.to_dict() for m in self.measurements],
            "artefacts": [a.to_dict() for a in self.artefacts],
            "errors": list(self.errors),
        }
