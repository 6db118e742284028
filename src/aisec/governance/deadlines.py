"""Reporting and answering deadlines: AI Act serious incidents, data-subject requests.

Pure functions over timezone-aware datetimes; the period arithmetic (Regulation (EEC,
Euratom) No 1182/71) is in :mod:`aisec.governance.periods`. Naive datetimes are refused
with ``ValueError``. A deadline is the last instant of its last day (23:59:59.999999) in
the time zone of the datetime it was computed from; holidays are caller-supplied dates.

* :func:`incident_deadline` - EU AI Act (Regulation (EU) 2024/1689) Art. 73: the report
  of a serious incident (Art. 3(49)) is due within 15 days of awareness (73(2)), 2 days
  for a widespread infringement or a critical-infrastructure incident (73(3)), 10 days
  for a death (73(4)); the shortest applicable limit wins.
* :func:`request_deadline`, :func:`extension_notice_deadline` - GDPR Art. 12(3): answer
  a data-subject request within one month of receipt, extendable by two further months
  (the person told of the extension within the first month). aisec's choice: requests
  under EU AI Act Art. 86 (right to explanation) get the same handling.
* :func:`status` - "due" or "overdue" and the time left or over, for dashboards.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Literal

from aisec.governance.periods import Unit, period_end, require_aware

#: The Art. 3(49) points, as accepted in ``category`` (any collection of these strings).
IncidentCategory = Literal["a", "b", "c", "d"]
RequestBasis = Literal["gdpr", "ai-act-art-86"]

#: Art. 3(49) points: what makes an incident "serious".
SERIOUS_INCIDENT_CATEGORIES: dict[str, str] = {
    "a": "death of a person, or serious harm to a person's health",
    "b": "serious and irreversible disruption of the management or operation of "
    "critical infrastructure",
    "c": "infringement of obligations under Union law intended to protect fundamental rights",
    "d": "serious harm to property or the environment",
}

# (rule, days, legal basis), in the order of precedence when two limits are equal.
_GENERAL = ("general", 15, "EU AI Act Art. 73(2)")
_CRITICAL = ("critical-infrastructure", 2, "EU AI Act Art. 73(3)")
_WIDESPREAD = ("widespread-infringement", 2, "EU AI Act Art. 73(3)")
_DEATH = ("death", 10, "EU AI Act Art. 73(4)")

_GDPR_BASIS = "GDPR Art. 12(3)"
_ART86_BASIS = "EU AI Act Art. 86 (aisec applies the GDPR Art. 12(3) time limits)"


@dataclass(frozen=True, slots=True)
class Deadline:
    """A computed deadline.

    ``due`` is the deadline (end of the last day, after the optional working-day rule);
    ``nominal_due`` the end of the period before that rule; ``amount`` and ``unit`` the
    period; ``rule`` a short id of the limit chosen; ``legal_basis`` the provision.
    """

    event_at: datetime
    due: datetime
    nominal_due: datetime
    amount: int
    unit: Unit
    legal_basis: str
    rule: str
    working_days_rule: bool

    @property
    def days(self) -> int | None:
        """The period in days, or ``None`` for a period in months."""
        return self.amount if self.unit == "days" else None

    @property
    def rolled_over(self) -> bool:
        """True if the working-day rule (Reg. 1182/71 Art. 3(4)/(5)) moved the deadline."""
        return self.due != self.nominal_due


def _deadline(
    event_at: datetime,
    amount: int,
    unit: Unit,
    *,
    legal_basis: str,
    rule: str,
    working_days_rule: bool,
    holidays: Iterable[date],
) -> Deadline:
    end = period_end(event_at, amount, unit, working_days_rule=working_days_rule, holidays=holidays)
    return Deadline(
        event_at=event_at,
        due=end.due,
        nominal_due=end.nominal,
        amount=amount,
        unit=unit,
        legal_basis=legal_basis,
        rule=rule,
        working_days_rule=working_days_rule,
    )


def _categories(category: Collection[str]) -> frozenset[str]:
    if isinstance(category, str):
        raise TypeError(f"category must be a set of Art. 3(49) points, not the string {category!r}")
    found = frozenset(category)
    unknown = sorted(found - SERIOUS_INCIDENT_CATEGORIES.keys())
    if unknown:
        raise ValueError(
            f"unknown Art. 3(49) categories {unknown}; expected a subset of 'a', 'b', 'c', 'd'"
        )
    return found


def is_serious_incident(category: Collection[str], *, death: bool = False) -> bool:
    """True if the incident falls under at least one point of EU AI Act Art. 3(49)
    (a death is point (a)); only serious incidents are reportable under Art. 73."""
    return death or bool(_categories(category))


def incident_deadline(
    category: Collection[str],
    aware_at: datetime,
    *,
    widespread: bool = False,
    death: bool = False,
    working_days_rule: bool = False,
    holidays: Iterable[date] = (),
) -> Deadline:
    """The deadline for reporting a serious incident under EU AI Act Art. 73.

    ``category`` is the set of Art. 3(49) points met: (a) death or serious harm to
    health, (b) serious and irreversible disruption of critical infrastructure, (c)
    infringement of fundamental-rights obligations, (d) serious harm to property or the
    environment. ``aware_at`` is when the provider (or, where applicable, the deployer)
    became aware: an aware datetime, counted from the next day.

    The shortest applicable limit wins: 2 days for a (b) incident or a ``widespread``
    infringement (Art. 3(61)) (Art. 73(3)), 10 days for a ``death`` (Art. 73(4); a
    death is point (a), so ``death=True`` implies "a"), otherwise 15 days (Art. 73(2)).
    An incident that is both (b) and a death is due in 2 days. The limits are outer
    bounds: Art. 73(2) asks for the report immediately once a causal link (or its
    reasonable likelihood) is established, and Art. 73(5) allows an initial incomplete
    report followed by a complete one - this deadline is the one for the initial report.

    ``working_days_rule`` defaults to OFF: the Art. 73 "days" are commonly read as
    calendar days (the text speaks of days, not working days, and the 2-day limit of
    73(3) is meant to be urgent), so a deadline on a Saturday stays on the Saturday.
    Switch it on to apply the Reg. 1182/71 Art. 3(4)/(5) roll-over with ``holidays``.

    Decision: an incident with no Art. 3(49) category (and no death) is not a serious
    incident and Art. 73 does not apply, so this raises ``ValueError`` rather than
    returning a deadline; check with :func:`is_serious_incident` first if needed.
    Unknown categories raise ``ValueError``; a plain string raises ``TypeError``.
    """
    require_aware(aware_at, "aware_at")
    found = _categories(category) | ({"a"} if death else set())
    if not found:
        raise ValueError(
            "no EU AI Act Art. 3(49) category: not a serious incident, so no Art. 73 report is due"
        )
    candidates = [_GENERAL]
    if "b" in found:
        candidates.append(_CRITICAL)
    if widespread:
        candidates.append(_WIDESPREAD)
    if death:
        candidates.append(_DEATH)
    rule, days, basis = min(candidates, key=lambda c: c[1])  # first of the shortest
    return _deadline(
        aware_at,
        days,
        "days",
        legal_basis=basis,
        rule=rule,
        working_days_rule=working_days_rule,
        holidays=holidays,
    )


def _request_basis(basis: RequestBasis) -> str:
    if basis == "gdpr":
        return _GDPR_BASIS
    if basis == "ai-act-art-86":
        return _ART86_BASIS
    raise ValueError(f"unknown request basis {basis!r}; expected 'gdpr' or 'ai-act-art-86'")


def request_deadline(
    received_at: datetime,
    *,
    extended: bool = False,
    basis: RequestBasis = "gdpr",
    working_days_rule: bool = True,
    holidays: Iterable[date] = (),
) -> Deadline:
    """The deadline for answering a data-subject (or redress) request, GDPR Art. 12(3).

    One month from receipt (the day of receipt not counted; Reg. 1182/71 Art. 3(2)(c):
    31 Jan -> 28/29 Feb), or with ``extended`` three months from receipt (the one month
    plus "two further months"; counted from receipt, not from the end of the first
    month). The working-day roll-over of Reg. 1182/71 Art. 3(4) is on by default (the
    Regulation on periods applies to EU acts such as the GDPR; supervisory-authority
    guidance such as the UK ICO's also moves a weekend or holiday deadline to the next
    working day); pass ``working_days_rule=False`` for pure calendar months.

    ``basis="ai-act-art-86"`` is for EU AI Act Art. 86 right-to-explanation requests;
    the Act sets no time limit for them, and aisec's choice is to apply the same
    GDPR Art. 12(3) periods (recorded in ``legal_basis``).
    """
    require_aware(received_at, "received_at")
    legal = _request_basis(basis)
    if extended:
        legal += " (extended by two further months)"
    return _deadline(
        received_at,
        3 if extended else 1,
        "months",
        legal_basis=legal,
        rule="extended" if extended else "one-month",
        working_days_rule=working_days_rule,
        holidays=holidays,
    )


def extension_notice_deadline(
    received_at: datetime,
    *,
    basis: RequestBasis = "gdpr",
    working_days_rule: bool = True,
    holidays: Iterable[date] = (),
) -> Deadline:
    """The last moment to tell the person that the answer is extended, with the reasons:
    within one month of receipt (GDPR Art. 12(3)), i.e. the unextended deadline."""
    require_aware(received_at, "received_at")
    return _deadline(
        received_at,
        1,
        "months",
        legal_basis=_request_basis(basis) + " (notice of extension)",
        rule="extension-notice",
        working_days_rule=working_days_rule,
        holidays=holidays,
    )


@dataclass(frozen=True, slots=True)
class Status:
    """Where a deadline stands at ``now``: ``state`` "due" (time left, at the deadline
    instant included) or "overdue"; ``time_left`` and ``time_over`` are never negative
    and at most one is non-zero. Durations are elapsed (UTC) time."""

    state: Literal["due", "overdue"]
    time_left: timedelta
    time_over: timedelta


def status(deadline: Deadline | datetime, now: datetime) -> Status:
    """Whether ``deadline`` is "due" or "overdue" at the aware datetime ``now``.

    Compared as instants (in UTC), so the time zones of the two may differ and a DST
    change in between counts as the hour it really is.
    """
    due = deadline.due if isinstance(deadline, Deadline) else deadline
    require_aware(due, "deadline")
    require_aware(now, "now")
    left = due.astimezone(UTC) - now.astimezone(UTC)
    if left >= timedelta(0):
        return Status(state="due", time_left=left, time_over=timedelta(0))
    return Status(state="overdue", time_left=timedelta(0), time_over=-left)
