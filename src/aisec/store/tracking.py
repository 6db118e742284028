"""Plain records of runs, findings and assessments over time, and the triage rule.

A finding is identified across runs by its fingerprint. Its triage state is the latest
entry of its history; an accepted risk counts only through its expiry date (inclusive, like
a suppression's) and is open again after it. An assessment is one judgement about an AI
system; a system's assessments are its history of them (revision 0005).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from aisec.core.errors import InvalidRecord
from aisec.core.severity import Severity
from aisec.store.vocabulary import TriageState

__all__ = [
    "FindingFilter",
    "StoredAssessment",
    "StoredFinding",
    "StoredRun",
    "TriageEntry",
    "TriageState",  # defined in vocabulary, part of this module's contract
    "check_triage",
    "effective_state",
]


@dataclass(frozen=True, slots=True)
class TriageEntry:
    """One decision about a finding: who set which state when, and why."""

    state: TriageState
    actor: str
    at: datetime
    justification: str = ""
    expires: date | None = None  # accepted risks only; inclusive

    def lapsed(self, today: date) -> bool:
        return (
            self.state is TriageState.ACCEPTED_RISK
            and self.expires is not None
            and self.expires < today
        )


def effective_state(entry: TriageEntry | None, today: date) -> TriageState:
    """The state that counts today: open without a decision or after a lapsed acceptance."""
    if entry is None or entry.lapsed(today):
        return TriageState.OPEN
    return entry.state


def check_triage(
    state: TriageState | str, actor: str, justification: str, expires: date | None, today: date
) -> TriageState:
    """``state`` if the decision is complete; InvalidRecord naming what is missing."""
    try:
        state = TriageState(state)
    except ValueError:
        choices = ", ".join(s.value for s in TriageState)
        raise InvalidRecord(
            f"unknown triage state {state!r}", hint=f"use one of: {choices}"
        ) from None
    if not actor.strip():
        raise InvalidRecord("a triage decision needs who made it (actor)")
    if (
        state in (TriageState.ACCEPTED_RISK, TriageState.FALSE_POSITIVE)
        and not justification.strip()
    ):
        raise InvalidRecord(f"{state.value} needs a justification")
    if state is TriageState.ACCEPTED_RISK:
        if expires is None:
            raise InvalidRecord("an accepted risk needs an expiry date", hint="review it by then")
        if expires < today:
            raise InvalidRecord(f"expiry {expires.isoformat()} is in the past")
    elif expires is not None:
        raise InvalidRecord(f"only an accepted risk expires, not {state.value}")
    return state


@dataclass(frozen=True, kw_only=True)
class StoredRun:
    """A run as the store keeps it: the record without its findings, which live on as
    :class:`StoredFinding` and link back to every run that saw them, and without its
    measurements, which ``RunRepository.measurements`` reads."""

    id: str
    kind: str
    targets: tuple[str, ...]
    tool_version: str
    config: Mapping[str, Any]
    started_at: datetime
    finished_at: datetime | None
    exit_code: int | None
    counts: Mapping[str, Any]
    errors: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    skipped: tuple[Mapping[str, Any], ...] = ()  # {"location", "format", "reason"}
    finding_count: int = 0  # distinct fingerprints this run saw
    measurement_count: int = 0  # rows of RunRepository.measurements (revision 0004)
    # Run.checks_applied: the checks that judged something; None when the run did not
    # record them (made before aisec kept them, or by a maker that does not).
    checks_applied: tuple[str, ...] | None = None


@dataclass(frozen=True, kw_only=True)
class StoredFinding:
    fingerprint: str
    check_id: str
    severity: Severity  # as last seen
    title: str
    message: str  # as last seen
    location: str  # Location.display() as last seen
    path: str  # the artefact's path as fingerprints see it
    remediation: str = ""  # as last seen (revision 0003)
    evidence: Mapping[str, Any] = field(default_factory=dict)
    refs: tuple[str, ...] = ()
    first_seen_run: str | None = None
    last_seen_run: str | None = None
    first_seen_at: datetime | None = None
    last_seen_at: datetime | None = None
    occurrences: int = 0  # runs that saw it
    state: TriageState = TriageState.OPEN  # effective: see effective_state
    triage: TriageEntry | None = None  # the latest decision, even a lapsed one

    @property
    def expired(self) -> bool:
        """An acceptance that has lapsed: the finding counts as open again."""
        return (
            self.triage is not None
            and self.triage.state is TriageState.ACCEPTED_RISK
            and self.state is TriageState.OPEN
        )


@dataclass(frozen=True, kw_only=True)
class FindingFilter:
    """Every criterion given must hold; ``None`` leaves that criterion out."""

    min_severity: Severity | None = None
    check_id: str | None = None  # exact, or a pattern with * (``modelfile.pickle.*``)
    state: TriageState | None = None  # the effective state
    path: str | None = None  # glob on the artefact's path, as in suppressions
    run_id: str | None = None  # findings that run saw
    system: str | None = None  # a system's id: findings seen by a run linked to it
    max_severity: Severity | None = None  # with min_severity: one severity exactly


@dataclass(frozen=True, kw_only=True)
class StoredAssessment:
    """One governance judgement about an AI system, as stored (revision 0005): the
    questionnaire's ``answers``, the ``result`` made from them (for an EU AI Act
    classification: the tier and obligations) and the ``rationale`` for it, judged at the
    obligations in force on ``as_of``. Never changed once stored: a new judgement is a new
    record, and the system's records are its history."""

    id: str
    system_id: str
    system_name: str
    kind: str  # what was assessed: "eu-ai-act-classification", later "fria", "dpia"
    framework: str  # the framework judged against: "eu-ai-act"
    answers: Mapping[str, Any]
    result: Mapping[str, Any]
    rationale: tuple[str, ...]
    assessor: str
    as_of: date
    status: str  # "draft" or "final" (ASSESSMENT_STATUSES)
    tool_version: str
    created_at: datetime
