"""Findings from outcomes, through the registry's ``assurance-outcome`` checks, so that a
plugin check for a new kind of test takes part like the built-in ones."""

from __future__ import annotations

from functools import cache
from typing import Any

from aisec.assurance.plans.result import TestOutcome
from aisec.core.check import Check
from aisec.core.finding import Finding
from aisec.core.severity import Severity

KIND = "assurance-outcome"


@cache
def _checks() -> tuple[type[Check[Any]], ...]:
    from aisec.core.registry import default_registry

    return tuple(default_registry().for_kind(KIND))


def default_severity(test_type: str) -> Severity:
    """The severity of the check that answers for ``test_type`` (high when none does)."""
    for check in _checks():
        if test_type in getattr(check, "test_types", ()):
            return check.severity
    return Severity.HIGH


def outcome_findings(outcome: TestOutcome) -> list[Finding]:
    findings: list[Finding] = []
    for check in _checks():
        findings.extend(check().run(outcome))
    return findings
