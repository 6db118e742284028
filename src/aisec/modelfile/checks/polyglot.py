from __future__ import annotations

from aisec.core.severity import Severity
from aisec.modelfile.checks.base import AnomalyCheck


class Polyglot(AnomalyCheck):
    id = "modelfile.format.polyglot"
    title = "File is valid as two formats at once"
    severity = Severity.HIGH
    applies_to = ("artefact",)
    refs = ("AML.T0010.003", "CWE-436")
    description = (
        "The same bytes are a valid file of two formats (a tar whose first member name is a "
        "pickle, a pickle that is also a tar for torch's legacy loader, a safetensors header "
        "that parses as a pickle). Each loader sees different content; a scanner that "
        "picks one reading misses the other. aisec analyses every reading."
    )
    remediation = "Do not load this file; no library writes polyglots."
    anomaly_kinds = ("polyglot",)
