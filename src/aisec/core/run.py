"""Run records: the evidence a scan, test or probe leaves behind."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
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


@dataclass(frozen=True, slots=True)
class Disposition:
    """Why a finding does not count toward the verdict: a suppression that covers it
    (``status`` "suppressed") or a baseline that lists it (``status`` "baseline")."""

    status: str
    justification: str
    source: str  # the suppression entry or the baseline file
    expires: date | None = None
    owner: str = ""

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"status": self.status, "justification": self.justification}
        if self.expires is not None:
            out["expires"] = self.expires.isoformat()
        if self.owner:
            out["owner"] = self.owner
        out["source"] = self.source
        return out


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
    # Findings stay frozen and all stay in ``findings``; those suppressed or in a baseline
    # are named here by fingerprint, and only the others count (see docs/adr/0008).
    dispositions: dict[str, Disposition] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    # The ids of the checks that judged at least one subject, sorted; None where the maker
    # of the run does not record them (tests, imports, runs stored before it was kept).
    # Coverage credits a scan only with these (docs/adr/0019).
    checks_applied: list[str] | None = None

    def record_checks(self, check_ids: Iterable[str]) -> None:
        """Add ``check_ids`` to :attr:`checks_applied` (starting the record if none)."""
        self.checks_applied = sorted({*(self.checks_applied or ()), *check_ids})

    def finish(self) -> None:
        self.ended_at = _now()

    @property
    def skipped(self) -> list[Artefact]:
        return [a for a in self.artefacts if a.status is ArtefactStatus.SKIPPED]

    @property
    def incomplete(self) -> list[Artefact]:
        return [a for a in self.artefacts if a.status is not ArtefactStatus.ANALYSED]

    def disposition(self, finding: Finding) -> Disposition | None:
        """Why ``finding`` does not count, or None when it does."""
        if not finding.fingerprint or not self.dispositions:
            return None
        return self.dispositions.get(finding.fingerprint)

    @property
    def open_findings(self) -> list[Finding]:
        """The findings that count: neither suppressed nor in a baseline."""
        return [f for f in self.findings if self.disposition(f) is None]

    def not_counted(self) -> dict[str, int]:
        """How many findings are suppressed and how many are in a baseline."""
        out = {"suppressed": 0, "baseline": 0}
        for finding in self.findings:
            disposition = self.disposition(finding)
            if disposition is not None:
                out[disposition.status] = out.get(disposition.status, 0) + 1
        return out

    def highest_severity(self) -> Severity | None:
        return max((f.severity for f in self.open_findings), default=None)

    def counts(self) -> dict[str, int]:
        """Open findings by severity."""
        out = {s.label: 0 for s in sorted(Severity, reverse=True)}
        for finding in self.open_findings:
            out[finding.severity.label] += 1
        return out

    def exit_code(self, fail_on: Severity) -> int:
        """0 clean, 1 open findings at or above ``fail_on``, 3 some input not fully
        analysed. Suppressed and baseline findings do not count."""
        if any(f.severity >= fail_on for f in self.open_findings):
            return 1
        if self.incomplete or self.errors:
            return 3
        return 0

    def _finding_dict(self, finding: Finding) -> dict[str, Any]:
        out = finding.to_dict()
        disposition = self.disposition(finding)
        if disposition is not None:
            out["suppression"] = disposition.to_dict()
        return out

    def _summary(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "artefacts": len(self.artefacts),
            "incomplete": sum(a.status is ArtefactStatus.INCOMPLETE for a in self.artefacts),
            "skipped": len(self.skipped),
            "findings": self.counts(),
        }
        if self.dispositions:
            out.update(self.not_counted())
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "targets": list(self.targets),
            "tool": {"name": "aisec", "version": self.tool_version},
            "config": self.config,
            "started_at": self.started_at.isoformat(),
            "ended_at": self.ended_at.isoformat() if self.ended_at else None,
            "summary": self._summary(),
            "findings": [self._finding_dict(f) for f in self.findings],
            "measurements": [m.to_dict() for m in self.measurements],
            "artefacts": [a.to_dict() for a in self.artefacts],
            "errors": list(self.errors),
            "warnings": list(self.warnings),
        }
