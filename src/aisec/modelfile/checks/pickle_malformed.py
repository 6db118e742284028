from __future__ import annotations

from aisec.core.severity import Severity
from aisec.modelfile.checks.base import AnomalyCheck


class MalformedStream(AnomalyCheck):
    id = "modelfile.pickle.malformed"
    title = "Pickle stream is truncated or malformed where the unpickler would fail"
    severity = Severity.HIGH
    applies_to = ("pickle",)
    refs = ("AML.T0010.003", "CWE-502")
    description = (
        "The loader would raise an error at this offset (truncation, invalid opcode, stack "
        "underflow, missing memo entry, inconsistent header). Everything before it has been "
        "executed by then: broken streams are used to hide payloads from scanners that give "
        "up on errors. Analysis stops at the error, so the file is reported as incomplete."
    )
    remediation = "Re-obtain the file from its source; do not load a file that fails to parse."
    marks_incomplete = True
    anomaly_kinds = ("malformed",)
