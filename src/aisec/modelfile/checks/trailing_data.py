from __future__ import annotations

from aisec.core.severity import Severity
from aisec.modelfile.checks.base import AnomalyCheck


class TrailingData(AnomalyCheck):
    id = "modelfile.format.trailing-data"
    title = "Bytes after the end of the data the loader reads"
    severity = Severity.MEDIUM
    applies_to = ("artefact", "container")
    refs = ("AML.T0010.003", "AML.T0018")
    description = (
        "The file goes on after the last pickle, array or storage its loader reads. Loaders "
        "ignore it, but other tools may not, and nothing a model needs is stored there: it "
        "is a place to hide a second-stage payload."
    )
    remediation = "Compare the file with the producer's original; strip or reject it."
    anomaly_kinds = ("trailing-data",)
