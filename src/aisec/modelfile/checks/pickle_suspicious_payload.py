from __future__ import annotations

from collections.abc import Iterable

from aisec.core.check import Check
from aisec.core.finding import Finding
from aisec.core.severity import Severity
from aisec.modelfile.pickle.report import PickleReport


class SuspiciousPayload(Check[PickleReport]):
    id = "modelfile.pickle.suspicious-payload"
    title = "Pickle passes code or a shell command to a callable outside the allowlists"
    severity = Severity.CRITICAL
    applies_to = ("pickle",)
    refs = ("AML.T0010.003", "AML.T0011.000", "ML06:2023", "CWE-502")
    description = (
        "A callable that is not on any allowlist is called with an argument that reads like "
        "Python code or a shell command (__import__, os.system, /bin/sh, curl ...). Unknown "
        "gadgets that evaluate strings are found this way even before they have a name."
    )
    remediation = "Do not load this file; report the callable so it can be added to the denylist."

    def run(self, subject: PickleReport) -> Iterable[Finding]:
        for call in subject.calls:
            if call.target is not None and call.verdict.level == "unknown" and call.suspicious_args:
                yield self.finding(
                    call.location,
                    f"calls {call.target} with {call.suspicious_args[0]!r}",
                    evidence={
                        "call": call.evidence,
                        "callable": call.target,
                        "arguments": list(call.suspicious_args),
                    },
                    key=call.target,
                )
