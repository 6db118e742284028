from __future__ import annotations

from collections.abc import Iterator

from aisec.core.check import Check
from aisec.core.finding import Finding
from aisec.core.severity import Severity
from aisec.data.subjects import DatasetFile


class DatasetUnreadable(Check[DatasetFile]):
    id = "data.dataset.unreadable"
    title = "Dataset could not be read in full"
    severity = Severity.MEDIUM
    applies_to = ("dataset-file",)
    marks_incomplete = True
    description = (
        "A file recognised as a dataset (CSV, Parquet, JSON lines, Arrow or text) could not "
        "be read to its end: a broken structure, an encoding error, or a value over a read "
        "limit. What was read before the problem is still reported; the rest was not looked "
        "at, so the scan cannot pass the file (exit code 3 unless something worse is found)."
    )
    remediation = (
        "Repair or re-export the file with the tool that wrote it; raise the read limits only "
        "if the oversized values are expected."
    )

    def run(self, subject: DatasetFile) -> Iterator[Finding]:
        if not subject.problem:
            return
        message = f"{subject.format or 'dataset'} not read in full: {subject.problem}"
        yield self.finding(subject.location, message, evidence={"format": subject.format})
