from __future__ import annotations

from collections.abc import Iterable

from aisec.core.check import Check
from aisec.core.finding import Finding
from aisec.core.severity import Severity
from aisec.modelfile.pickle.report import PickleReport


class DangerousCall(Check[PickleReport]):
    id = "modelfile.pickle.dangerous-call"
    title = "Pickle calls a dangerous callable when loaded"
    severity = Severity.CRITICAL
    applies_to = ("pickle",)
    refs = ("AML.T0010.003", "AML.T0011.000", "ML06:2023", "LLM03:2025", "CWE-502")
    description = (
        "Loading the file calls a function that executes code or commands, touches the file "
        "system or network, or turns a string into a callable (eval, os.system, importlib, "
        "getattr, operator, functools ...). This is how malicious model files take over the "
        "machine that loads them."
    )
    remediation = (
        "Do not load this file. Obtain the model from a trusted source in a safe format "
        "(safetensors, ONNX) and verify its signature."
    )

    def run(self, subject: PickleReport) -> Iterable[Finding]:
        for call in subject.calls:
            if call.target is not None and call.verdict.dangerous:
                yield self.finding(
                    call.location,
                    f"calls {call.target} ({call.verdict.category}) via {call.opcode}: "
                    f"{call.evidence}",
                    evidence={
                        "call": call.evidence,
                        "callable": call.target,
                        "category": call.verdict.category,
                        "rule": call.verdict.rule,
                        "opcode": call.opcode,
                    },
                    key=call.target,
                )
