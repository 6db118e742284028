from __future__ import annotations

from aisec.core.severity import Severity
from aisec.modelfile.checks.base import AnomalyCheck


class ParseDifferential(AnomalyCheck):
    id = "modelfile.pickle.parse-differential"
    title = "Loaders disagree on what the stream contains"
    severity = Severity.HIGH
    applies_to = ("pickle",)
    refs = ("AML.T0010.003", "CWE-436")
    description = (
        "The stream parses differently in two loaders: an opcode or a new FRAME crosses the "
        "end of a protocol-4 frame (the C unpickler reads on, the pure-Python one raises), or "
        "bytes joblib reads as inline array data are pickle opcodes that plain pickle.load "
        "would execute. aisec analyses both readings, but a file built to be read two ways "
        "was made to deceive one of them."
    )
    remediation = "Do not load this file; no library writes streams like this."
    anomaly_kinds = ("frame-divergence", "hidden-opcodes")
