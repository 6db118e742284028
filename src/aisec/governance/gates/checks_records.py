"""Conditions on governance records: assessments, evidence, approvals, incidents, risks."""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any

from aisec.governance.gates.checks_scan import listing, plural
from aisec.governance.gates.params import RISK_LEVELS
from aisec.governance.gates.result import Verdict
from aisec.governance.gates.state import (
    AssessmentRecord,
    EvidenceRecord,
    IncidentRecord,
    SystemState,
    aware,
    end_of_day,
)

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
    latest = max(done, key=lambda a: (a.as_of or date.min, _recorded(a)))
    if max_age is not None:
        stale = _too_old(latest, state, max_age, f"{status} {kind}")
        if stale is not None:
            return Verdict(False, stale, evidence)
    return Verdict(
        True, f"{kind} assessment {latest.id} is {status} ({_dated(latest.as_of)})", evidence
    )


def _recorded(a: AssessmentRecord) -> datetime:
    return aware(a.created_at) if a.created_at is not None else datetime.min.replace(tzinfo=UTC)


def _too_old(a: AssessmentRecord, state: SystemState, max_age: int, what: str) -> str | None:
    """Why ``a`` cannot be shown to be at most ``max_age`` days old, or None.

    The age runs from when the assessment was recorded (``created_at``): ``as_of`` is
    typed by the assessor, and a future one made the age negative and passed forever. A
    future ``as_of`` or recording time fails outright; ``as_of`` stands in for the
    recording day only in snapshots that lack it.
    """
    if a.as_of is None and a.created_at is None:
        return (
            f"{what} assessment {a.id} is undated, so it cannot be shown to be at most "
            f"{max_age} days old"
        )
    if a.as_of is not None and a.as_of > state.today:
        return f"{what} assessment {a.id} is as of {a.as_of}, after {state.today}"
    if a.created_at is not None:
        recorded = aware(a.created_at)
        if recorded > state.instant:
            return f"{what} assessment {a.id} is recorded at {_when(recorded)}, in the future"
        since, start = recorded.date(), f"recorded on {recorded.date()}"
    else:
        assert a.as_of is not None
        since, start = a.as_of, f"as of {a.as_of}"
    age = (state.today - since).days
    if age < 0:  # cannot happen after the checks above; never let it pass if it does
        return f"{what} assessment {a.id} has a negative age ({age} days)"
    if age > max_age:
        return (
            f"the latest {what} assessment, {a.id} {start}, is {age} days old, more than {max_age}"
        )
    return None


def _validity(e: EvidenceRecord, today: date, min_left: int) -> str | None:
    """None when ``e`` is valid long enough, else why not."""
    if e.valid_from is not None and e.valid_from > today:
        # Evidence that starts later shows nothing yet.
        return f"'{e.title}' is valid only from {e.valid_from}"
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
    recorded = [a for a in state.approvals if a.scope == scope]
    if not recorded:
        return Verdict(False, f"no approval for {scope} is recorded for {state.system}")
    # A decision dated after the gate's day has not been taken yet: it neither grants
    # nor withdraws anything.
    found = [a for a in recorded if a.decided_on is None or a.decided_on <= state.today]
    if not found:
        later = listing([f"{a.decision} by {a.approver} on {a.decided_on}" for a in recorded])
        return Verdict(
            False,
            f"no decision on {scope} is taken by {state.today}; not yet in force: {later}",
            tuple(f"approval:{a.id or a.approver}" for a in recorded),
        )
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


def _due(deadline: datetime | date | None) -> datetime:
    # A date alone (a hand-written snapshot) is due through its whole day.
    if isinstance(deadline, datetime):
        return aware(deadline)
    assert deadline is not None  # only incidents with a deadline are asked
    return end_of_day(deadline)


def _when(moment: datetime) -> str:
    return f"{moment:%Y-%m-%d %H:%M} UTC"


def no_overdue_incidents(params: Mapping[str, Any], state: SystemState) -> Verdict:
    now = state.instant
    open_ = [i for i in state.incidents if i.status.lower() not in INCIDENT_DONE]
    # To the instant, not the day: a deadline at 09:00 is missed at 09:01.
    overdue = [i for i in open_ if i.deadline is not None and _due(i.deadline) < now]
    # After an initial report the complete one is still owed (Art. 73(5) fixes no date):
    # listed so the release sees it, never failed on.
    pending = [i for i in open_ if _pending(i)]
    owed = (
        "; " + listing([f"{i.id}: {_pending(i)} ({i.status})" for i in pending]) if pending else ""
    )
    if overdue:
        names = [f"{i.id} (due {_when(_due(i.deadline))}, {i.status})" for i in overdue]
        return Verdict(
            False,
            f"{plural(len(overdue), 'open incident')} past the deadline: {listing(names)} "
            f"(at {_when(now)}){owed}",
            tuple(f"incident:{i.id}" for i in (*overdue, *pending)),
        )
    return Verdict(
        True,
        f"no open incident past its deadline at {_when(now)} ({len(open_)} open){owed}",
        tuple(f"incident:{i.id}" for i in pending),
    )


def _pending(i: IncidentRecord) -> str:
    if i.pending:
        return i.pending
    return "complete report pending" if i.status.lower() == "initial-report-sent" else ""


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
