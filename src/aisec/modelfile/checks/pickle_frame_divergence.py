from __future__ import annotations

from aisec.core.severity import Severity
from aisec.modelfile.checks.base import AnomalyCheck


class FrameDivergence(AnomalyCheck):
    id = "modelfile.pickle.frame-divergence"
    title = "Loaders disagree on the stream's framing"
    severity = Severity.HIGH
    applies_to = ("pickle",)
    refs = ("AML.T0010.003", "CWE-436")
    description = (
        "An opcode or a new FRAME crosses the end of the current protocol-4 frame. CPython's "
        "C unpickler reads on; the pure-Python unpickler raises. aisec follows the C loader, "
        "but a file that parses differently in two loaders was made to deceive one of them."
    )
    remediation = "Do not load this file; no pickler writes frames like this."
    anomaly_kinds = ("frame-divergence",)
