"""Conditions on governance records: assessments, evidence, approvals, incidents, risks."""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from aisec.governance.gates.checks_scan import listing, plural
from aisec.governance.gates.params import RISK_LEVELS
from aisec.governance.gates.result import Verdict
from aisec.governance.gates.state import EvidenceRecord, SystemState

INCIDENT_DONE = ("closed", "resolved", "complete-report-sent")  # nothing further is due
RISK_OPEN = ("proposed", "open")


def _dated(day: date | None) -> str:
    return f"as of {day}" if day else "undated"


def assessment_done(params: Mapping[str, Any], state: SystemState) -> Verdict:
    kind, status, max_age = params["kind"], params["status"], params["max_age_days"]
    found = [a for a in state.assessments if a.kind.lower() == kind.lower()]
    if not found:
        return Verdict(False, f"no {kind} assessment is recorded for {state.system}")
    evidence = tuple(f"assessment:{a.id}" for a in found)
    done = [a for a in found if a.status.lower() == status.lower()]
    if not done:
        seen = listing([f"{a.id} is {a.status} ({_dated(a.as_of)})" for a in found])
        return Verdict(False, f"no {status} {kind} assessment: {seen}", evidence)
    latest = max(done, key=lambda a: a.as_of or date.min)
    if max_age is not None:
        if latest.as_of is None:
            return Verdict(
                False,
                f"{kind} assessment {latest.id} is {status} but undated, so "
                f"it cannot be shown to be at most {max_age} days old",
                evidence,
            )
        age = (state.today - latest.as_of).days
        if age > max_age:
            return Verdict(
                False,
                f"the latest {status} {kind} assessment, {latest.id} as of "
                f"{latest.as_of}, is {age} days old, more than {max_age}",
                evidence,
            )
    return Verdict(
        True, f"{kind} assessment {latest.id} is {status} ({_dated(latest.as_of)})", evidence
    )


def _validity(e: EvidenceRecord, today: date, min_left: int) -> str | None:
    """None when ``e`` is valid long enough, else why not."""
    if e.valid_until is None:
        return None
    left = (e.valid_until - today).days
    if left < 0:
        return f"'{e.title}' expired on {e.valid_until}"
    if left < min_left:
        return f"'{e.title}' is valid until {e.valid_until}, {left} days, fewer than {min_left}"
    return None


def _valid_text(e: EvidenceRecord) -> str:
    until = f"valid until {e.valid_until}" if e.valid_until else "with no expiry"
    return f"'{e.title}' {until}"


def _judge_items(
    what: str, items: Sequence[EvidenceRecord], today: date, min_left: int
) -> tuple[str | None, str]:
    """(a failure, or None; the sentence) for the evidence items covering one thing."""
    if not items:
        return f"no evidence {what}", ""
    valid = [e for e in items if _validity(e, today, min_left) is None]
    if not valid:
        return f"evidence {what}: " + listing(
            [str(_validity(e, today, min_left)) for e in items]
        ), ""
    best = max(valid, key=lambda e: e.valid_until or date.max)
    return None, f"evidence {what}: {_valid_text(best)}"


def evidence_valid(params: Mapping[str, Any], state: SystemState) -> Verdict:
    today, min_left = state.today, params["min_days_left"]
    groups: list[tuple[str, list[EvidenceRecord]]] = []
    if params["title"] is not None:
        pattern = params["title"].lower()
        items = [e for e in state.evidence if fnmatch.fnmatchcase(e.title.lower(), pattern)]
        groups.append((f"titled {params['title']}", items))
    for ref in params["refs"]:
        groups.append((f"for {ref}", [e for e in state.evidence if ref in e.refs]))
    failures: list[str] = []
    passes: list[str] = []
    evidence: list[str] = []
    for what, items in groups:
        evidence.extend(f"evidence:{e.id or e.title}" for e in items)
        failure, sentence = _judge_items(what, items, today, min_left)
        failures.extend([failure] if failure else [])
        passes.extend([sentence] if sentence else [])
    unique = tuple(dict.fromkeys(evidence))
    if failures:
        return Verdict(False, "; ".join(failures), unique)
    return Verdict(True, "; ".join(passes), unique)


def approval_present(params: Mapping[str, Any], state: SystemState) -> Verdict:
    scope = params["scope"]
    found = [a for a in state.approvals if a.scope == scope]
    if not found:
        return Verdict(False, f"no approval for {scope} is recorded for {state.system}")
    # The latest decision counts: a later rejection withdraws an earlier approval.
    order = sorted(enumerate(found), key=lambda p: (p[1].decided_on or date.min, p[0]))
    latest = order[-1][1]
    evidence = tuple(f"approval:{a.id or a.approver}" for a in found)
    on = f" on {latest.decided_on}" if latest.decided_on else ""
    who = f"{latest.approver}{on}"
    if latest.decision.lower() != "approved":
        return Verdict(
            False, f"the latest decision on {scope} is {latest.decision} by {who}", evidence
        )
    if latest.expires_on is not None and latest.expires_on < state.today:
        return Verdict(
            False, f"the approval of {scope} by {who} expired on {latest.expires_on}", evidence
        )
    until = f"valid until {latest.expires_on}" if latest.expires_on else "with no expiry"
    return Verdict(True, f"{scope} approved by {who}, {until}", evidence)


def no_overdue_incidents(params: Mapping[str, Any], state: SystemState) -> Verdict:
    open_ = [i for i in state.incidents if i.status.lower() not in INCIDENT_DONE]
    overdue = [i for i in open_ if i.deadline is not None and i.deadline < state.today]
    evidence = tuple(f"incident:{i.id}" for i in overdue)
    if overdue:
        names = [f"{i.id} (due {i.deadline}, {i.status})" for i in overdue]
        return Verdict(
            False,
            f"{plural(len(overdue), 'open incident')} past the deadline: {listing(names)}",
            evidence,
        )
    return Verdict(True, f"no open incident past its deadline ({len(open_)} open)")


def _rank(level: str) -> int:
    low = level.lower()
    return RISK_LEVELS.index(low) if low in RISK_LEVELS else len(RISK_LEVELS)  # unknown: worst


def risks_treated(params: Mapping[str, Any], state: SystemState) -> Verdict:
    at = params["at_or_above"]
    if not state.risks and not params["allow_empty_register"]:
        return Verdict(
            False,
            f"no risks are recorded for {state.system}: an empty register "
            "does not show risk management",
        )
    serious = [
        r for r in state.risks if r.status.lower() in RISK_OPEN and _rank(r.level) >= _rank(at)
    ]
    untreated = [r for r in serious if not r.treatment]
    if untreated:
        names = [
            f"{r.id} ({r.title + ', ' if r.title else ''}{r.level}, {r.status})" for r in untreated
        ]
        return Verdict(
            False,
            f"{plural(len(untreated), 'open risk')} at or above {at} without "
            f"a treatment: {listing(names)}",
            tuple(f"risk:{r.id}" for r in untreated),
        )
    return Verdict(
        True,
        f"every open risk at or above {at} has a treatment "
        f"({len(serious)} open, {len(state.risks)} in the register)",
        tuple(f"risk:{r.id}" for r in serious),
    )
