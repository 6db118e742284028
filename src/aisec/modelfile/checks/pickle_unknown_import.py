from __future__ import annotations

from collections.abc import Iterable

from aisec.core.check import Check
from aisec.core.finding import Finding
from aisec.core.severity import Severity
from aisec.modelfile.pickle.report import PickleReport


class UnknownImport(Check[PickleReport]):
    id = "modelfile.pickle.unknown-import"
    title = "Pickle imports a name outside the allowlists"
    severity = Severity.LOW
    strict_severity = Severity.HIGH
    applies_to = ("pickle",)
    refs = ("ML06:2023", "CWE-502")
    description = (
        "The stream imports a module attribute that no allowlist covers, without calling it. "
        "Importing runs the module's top-level code; the name is usually a class used as data."
    )
    remediation = "Review the module; add it to allow_globals if it is expected."

    def run(self, subject: PickleReport) -> Iterable[Finding]:
        seen: set[str] = set()
        for use in subject.globals:
            if use.verdict.level == "unknown" and not use.invoked and use.qualname not in seen:
                seen.add(use.qualname)
                yield self.finding(
                    use.location,
                    f"imports {use.qualname}",
                    evidence={"global": use.qualname, "as_written": use.raw},
                    key=use.qualname,
                )
