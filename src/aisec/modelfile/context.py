"""Per-file state shared by the format handlers of one scan."""

from __future__ import annotations

import dataclasses
import os
import time
from dataclasses import dataclass, field
from typing import Any

from aisec.core.check import Check
from aisec.core.finding import Finding, Location
from aisec.core.run import Artefact, ArtefactStatus
from aisec.core.settings import Settings
from aisec.modelfile.pickle.policy import GlobalPolicy

# A merged finding lists this many of its offsets; the count says how many there were.
MAX_MERGED_OFFSETS = 20
# Findings that share a fingerprint (same check, artefact and subject, e.g. the callable)
# but differ in message (e.g. the arguments of the call) are kept apart up to this many,
# so that a harmless first call cannot hide a payload in the second; any more fold into
# the first.
MAX_VARIANTS = 10


class _Merger:
    """Folds repeated findings, so that a stream calling one callable 200,000 times
    yields a few findings with counts, not 200,000 (and not hundreds of MB of report)."""

    def __init__(self) -> None:
        self.variants: dict[str, dict[str, int]] = {}  # fingerprint -> message -> index
        self.kept: list[Finding] = []
        self.offsets: list[list[int | None]] = []

    def add(self, finding: Finding) -> bool:
        """Keep or fold ``finding``; True when it is kept as a finding of its own."""
        if not finding.fingerprint:  # no identity to merge on
            return self._keep(finding)
        variants = self.variants.setdefault(finding.fingerprint, {})
        index = variants.get(finding.message)
        if index is None and len(variants) >= MAX_VARIANTS:
            index = next(iter(variants.values()))  # the first finding of this fingerprint
        if index is None:
            variants[finding.message] = len(self.kept)
            return self._keep(finding)
        self.offsets[index].append(finding.location.offset)
        return False

    def _keep(self, finding: Finding) -> bool:
        self.kept.append(finding)
        self.offsets.append([finding.location.offset])
        return True

    def findings(self) -> list[Finding]:
        return [_with_occurrences(f, o) for f, o in zip(self.kept, self.offsets, strict=True)]


def _with_occurrences(finding: Finding, offsets: list[int | None]) -> Finding:
    if len(offsets) == 1:
        return finding
    listed = [o for o in offsets if o is not None][:MAX_MERGED_OFFSETS]
    evidence = {**finding.evidence, "occurrences": len(offsets), "offsets": listed}
    return dataclasses.replace(finding, evidence=evidence)


@dataclass
class ScanContext:
    settings: Settings
    policy: GlobalPolicy
    checks: dict[str, list[Check[Any]]]  # subject kind -> checks that judge it
    deadline: float
    findings: list[Finding] = field(default_factory=list)
    artefacts: list[Artefact] = field(default_factory=list)
    # Checks that raised: "<where>: check <id> failed: <error>"; they make the run exit 3.
    errors: list[str] = field(default_factory=list)
    # Files a model names as its own raw data (ONNX external data, checkpoint shards):
    # absolute path -> format. Such a file has no signature of its own; when it is
    # scanned too and nothing else recognises it, it is data of that format.
    data_files: dict[str, str] = field(default_factory=dict)
    # The checks that judged at least one subject (raising counts: it was meant to judge).
    applied: set[str] = field(default_factory=set)

    def judge(self, subject: Any) -> list[Finding]:
        """Run every check registered for the subject's kind and keep the findings,
        merged by fingerprint. A check that raises is an error for this subject; the
        other checks still run, so one buggy check cannot hide another's findings."""
        merger = _Merger()
        for check in self.checks.get(subject.kind, ()):
            self.applied.add(check.id)
            new = self._run_check(check, subject, merger)
            if check.marks_incomplete:
                for finding in new:
                    self.mark_incomplete(finding.location, finding.message)
        produced = merger.findings()
        self.findings.extend(produced)
        return produced

    def _run_check(self, check: Check[Any], subject: Any, merger: _Merger) -> list[Finding]:
        """Feed one check's findings to ``merger``; return those that were new."""
        new: list[Finding] = []
        try:
            for finding in check.run(subject):
                if merger.add(finding):
                    new.append(finding)
        except Exception as exc:  # a check bug must not cost the other checks' findings
            where = Location(subject.location.path, subject.location.member)
            reason = f"check {check.id} failed: {type(exc).__name__}: {exc}"
            self.errors.append(f"{where.display()}: {reason}")
            self.mark_incomplete(where, reason)
        return new

    def add_artefact(self, location: Location, fmt: str, size: int | None) -> Artefact:
        artefact = Artefact(Location(location.path, location.member), fmt, size)
        self.artefacts.append(artefact)
        return artefact

    def claim_data_file(self, path: str, fmt: str) -> None:
        self.data_files.setdefault(os.path.realpath(path), fmt)

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
