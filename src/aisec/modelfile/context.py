"""Per-file state shared by the format handlers of one scan."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from aisec.core.check import Check
from aisec.core.finding import Finding, Location
from aisec.core.run import Artefact, ArtefactStatus
from aisec.core.settings import Settings
from aisec.modelfile.pickle.policy import GlobalPolicy


@dataclass
class ScanContext:
    settings: Settings
    policy: GlobalPolicy
    checks: dict[str, list[Check[Any]]]  # subject kind -> checks that judge it
    deadline: float
    findings: list[Finding] = field(default_factory=list)
    artefacts: list[Artefact] = field(default_factory=list)

    def judge(self, subject: Any) -> list[Finding]:
        """Run every check registered for the subject's kind and keep the findings."""
        produced: list[Finding] = []
        for check in self.checks.get(subject.kind, ()):
            for finding in check.run(subject):
                produced.append(finding)
                if check.marks_incomplete:
                    self.mark_incomplete(finding.location, finding.message)
        self.findings.extend(produced)
        return produced

    def add_artefact(self, location: Location, fmt: str, size: int | None) -> Artefact:
        artefact = Artefact(Location(location.path, location.member), fmt, size)
        self.artefacts.append(artefact)
        return artefact

    def skip(self, location: Location, fmt: str, size: int | None, reason: str) -> None:
        where = Location(location.path, location.member)
        self.artefacts.append(Artefact(where, fmt, size, ArtefactStatus.SKIPPED, reason))

    def mark_incomplete(self, location: Location, reason: str) -> None:
        """Mark the innermost listed artefact that holds ``location`` as incomplete."""
        for artefact in reversed(self.artefacts):
            inner = artefact.location.member
            if artefact.location.path == location.path and location.member[: len(inner)] == inner:
                if artefact.status is ArtefactStatus.ANALYSED:
                    artefact.status = ArtefactStatus.INCOMPLETE
                    artefact.reason = reason
                return

    def out_of_time(self) -> bool:
        return time.monotonic() > self.deadline
