"""The check contract.

A check is a small class whose metadata lives on the class, readable without creating
an instance. The constructor only stores parameters (as in scikit-learn estimators);
the work happens in :meth:`Check.run`, which receives one *subject* (an analysed
artefact such as a pickle stream or an archive) and yields findings.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any, ClassVar, Generic, Protocol, TypeVar

from aisec.core.finding import Finding, Location
from aisec.core.severity import Severity

CHECK_ID = re.compile(r"^[a-z][a-z0-9]*(\.[a-z0-9][a-z0-9-]*)+$")
REF = re.compile(
    r"^(AML\.[A-Z]{1,2}\d{4}(\.\d{3})?|ML\d\d:2023|LLM\d\d:20\d\d|ASI\d\d:20\d\d|EU-AI-Act:.+"
    r"|NIST-AI-RMF:.+|NIST-AI-600-1:.+|ISO42001:.+|CWE-\d+|CVE-\d{4}-\d+|GHSA(-[a-z0-9]{4}){3}"
    r"|GDPR:.+)$"
)


class Subject(Protocol):
    """Anything a check runs on: it says what kind it is and where it is."""

    @property
    def kind(self) -> str: ...

    @property
    def location(self) -> Location: ...


S = TypeVar("S", bound=Subject)


class Check(Generic[S]):
    id: ClassVar[str]
    title: ClassVar[str]
    severity: ClassVar[Severity]
    applies_to: ClassVar[tuple[str, ...]]
    description: ClassVar[str]
    requires: ClassVar[tuple[str, ...]] = ()
    refs: ClassVar[tuple[str, ...]] = ()
    remediation: ClassVar[str] = ""
    # A finding of this check means the artefact was not fully analysed (fail closed:
    # the scan then cannot exit 0 for it).
    marks_incomplete: ClassVar[bool] = False
    # The severity under ``strict`` (``--strict``), for checks whose findings mean "not on
    # an allowlist" rather than "known dangerous"; None: ``strict`` leaves them alone.
    strict_severity: ClassVar[Severity | None] = None
    # False for checks whose findings must never be accepted once for ever by a baseline
    # (a missing or broken signature stays a finding until fixed or suppressed with a
    # justification and an expiry).
    baselinable: ClassVar[bool] = True

    def __init__(self) -> None:
        """Subclasses take keyword parameters and only store them."""

    @classmethod
    def param_names(cls) -> list[str]:
        import inspect  # only tests and tooling ask; keep it off the start-up path

        sig = inspect.signature(cls.__init__)
        return [p for p in sig.parameters if p != "self"]

    def get_params(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.param_names()}

    def run(self, subject: S) -> Iterable[Finding]:
        raise NotImplementedError

    def finding(
        self,
        location: Location,
        message: str,
        *,
        severity: Severity | None = None,
        evidence: Mapping[str, Any] | None = None,
        key: str | None = None,
        confidence: float = 1.0,
        title: str | None = None,
    ) -> Finding:
        return Finding.create(
            check_id=self.id,
            severity=severity if severity is not None else self.severity,
            title=title or self.title,
            message=message,
            location=location,
            confidence=confidence,
            evidence=evidence,
            remediation=self.remediation,
            refs=self.refs,
            key=key,
        )


def metadata_problems(cls: type[Any]) -> list[str]:
    """What is wrong with a check class's metadata (empty when it is valid)."""
    problems: list[str] = []
    if not (isinstance(cls, type) and issubclass(cls, Check)):
        return ["not a subclass of aisec.core.check.Check"]
    for attr, kind in (("id", str), ("title", str), ("description", str), ("severity", Severity)):
        if not isinstance(getattr(cls, attr, None), kind):
            problems.append(f"missing or invalid {attr}")
    check_id = getattr(cls, "id", "")
    if isinstance(check_id, str) and not CHECK_ID.match(check_id):
        problems.append(f"id {check_id!r} is not dotted lower-case")
    strict = getattr(cls, "strict_severity", None)
    if strict is not None and not isinstance(strict, Severity):
        problems.append("strict_severity must be a Severity or None")
    if not isinstance(getattr(cls, "baselinable", True), bool):
        problems.append("baselinable must be a bool")
    applies = getattr(cls, "applies_to", None)
    if not (isinstance(applies, tuple) and applies and all(isinstance(a, str) for a in applies)):
        problems.append("applies_to must be a non-empty tuple of subject kinds")
    for ref in getattr(cls, "refs", ()):
        if not REF.match(ref):
            problems.append(f"reference {ref!r} is not a known framework id")
    return problems
