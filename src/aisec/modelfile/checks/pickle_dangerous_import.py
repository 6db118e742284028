from __future__ import annotations

from collections.abc import Iterable

from aisec.core.check import Check
from aisec.core.finding import Finding
from aisec.core.severity import Severity
from aisec.modelfile.pickle.report import PickleReport


class DangerousImport(Check[PickleReport]):
    id = "modelfile.pickle.dangerous-import"
    title = "Pickle imports a dangerous callable without calling it directly"
    severity = Severity.HIGH
    applies_to = ("pickle",)
    refs = ("AML.T0010.003", "ML06:2023", "CWE-502")
    description = (
        "The stream resolves a dangerous global (os.system, eval, getattr ...) but does not "
        "call it itself. It can still be stored in the loaded object and called later, or "
        "handed to code that calls it: no legitimate model file needs one."
    )
    remediation = "Do not load this file without understanding why it references this callable."

    def run(self, subject: PickleReport) -> Iterable[Finding]:
        seen: set[str] = set()
        for use in subject.globals:
            if use.verdict.dangerous and not use.invoked and use.qualname not in seen:
                seen.add(use.qualname)
                yield self.finding(
                    use.location,
                    f"imports {use.qualname} ({use.verdict.category})",
                    evidence={
                        "global": use.qualname,
                        "as_written": use.raw,
                        "category": use.verdict.category,
                    },
                    key=use.qualname,
                )
