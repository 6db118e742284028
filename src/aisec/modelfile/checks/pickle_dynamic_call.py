from __future__ import annotations

from collections.abc import Iterable

from aisec.core.check import Check
from aisec.core.finding import Finding
from aisec.core.severity import Severity
from aisec.modelfile.pickle.report import PickleReport


class DynamicCall(Check[PickleReport]):
    id = "modelfile.pickle.dynamic-call"
    title = "Pickle calls a callable computed while loading"
    severity = Severity.CRITICAL
    applies_to = ("pickle",)
    refs = ("AML.T0010.003", "AML.T0011.000", "ML06:2023", "CWE-502")
    description = (
        "The stream calls the result of another call (or of a persistent or extension "
        "lookup), e.g. getattr(module, 'system')(...). What runs is decided at load time, "
        "which is how gadget chains hide their target from name-based scanners."
    )
    remediation = "Do not load this file; treat it as malicious unless its producer explains it."

    def run(self, subject: PickleReport) -> Iterable[Finding]:
        for call in subject.calls:
            if call.target is None:
                yield self.finding(
                    call.location,
                    f"calls a value computed at load time via {call.opcode}: {call.evidence}",
                    evidence={
                        "call": call.evidence,
                        "opcode": call.opcode,
                        "reason": call.verdict.rule,
                    },
                    key=f"dynamic:{call.location.offset}",
                )
