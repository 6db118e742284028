from __future__ import annotations

from collections.abc import Iterable

from aisec.core.check import Check
from aisec.core.finding import Finding
from aisec.core.severity import Severity
from aisec.modelfile.pickle.report import PickleReport


class UnknownCall(Check[PickleReport]):
    id = "modelfile.pickle.unknown-call"
    title = "Pickle calls a callable outside the allowlists"
    severity = Severity.MEDIUM
    strict_severity = Severity.HIGH
    applies_to = ("pickle",)
    refs = ("AML.T0010.003", "ML06:2023", "CWE-502")
    description = (
        "Default deny: loading the file calls a function or class that is on no allowlist "
        "(numpy, scikit-learn, PyTorch, the safe standard library). It is probably the "
        "producer's own class, but nothing vouches for what it does when called."
    )
    remediation = (
        "Review the callable. If it is yours and safe, add it to allow_globals in aisec.toml; "
        "better, save the model in a format that stores no code."
    )

    def run(self, subject: PickleReport) -> Iterable[Finding]:
        for call in subject.calls:
            if (
                call.target is not None
                and call.verdict.level == "unknown"
                and not call.suspicious_args
            ):
                yield self.finding(
                    call.location,
                    f"calls {call.target}, which no allowlist covers: {call.evidence}",
                    evidence={
                        "call": call.evidence,
                        "callable": call.target,
                        "opcode": call.opcode,
                    },
                    key=call.target,
                )
