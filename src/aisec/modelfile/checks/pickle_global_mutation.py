from __future__ import annotations

from collections.abc import Iterable

from aisec.core.check import Check
from aisec.core.finding import Finding
from aisec.core.severity import Severity
from aisec.modelfile.pickle.report import PickleReport


class GlobalMutation(Check[PickleReport]):
    id = "modelfile.pickle.global-mutation"
    title = "Pickle modifies an imported module, class or function"
    severity = Severity.HIGH
    applies_to = ("pickle",)
    refs = ("AML.T0010.003", "AML.T0018", "ML06:2023", "CWE-502")
    description = (
        "BUILD, SETITEM or APPEND is applied to an imported object rather than to a new "
        "one: the stream rewrites module attributes (e.g. replacing an allowed function "
        "with eval) or process-wide state, for the rest of the process's life."
    )
    remediation = "Do not load this file."

    def run(self, subject: PickleReport) -> Iterable[Finding]:
        for change in subject.mutations:
            yield self.finding(
                change.location,
                f"{change.opcode} modifies {change.target}: {change.evidence}",
                evidence={
                    "target": change.target,
                    "opcode": change.opcode,
                    "change": change.evidence,
                },
                key=f"{change.target}:{change.opcode}",
            )
