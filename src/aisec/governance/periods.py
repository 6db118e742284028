"""Periods, dates and time limits after Regulation (EEC, Euratom) No 1182/71.

Pure date arithmetic, no I/O and no holiday data: the caller supplies the public
holidays that apply (those of the Member State or institution concerned).

The rules applied (Art. 3 of Regulation 1182/71):

* Art. 3(1), second subparagraph: a period counted from an event does not include the
  day on which the event occurs; the period starts on the following day.
* Art. 3(2)(b): a period in days ends with the expiry of the last hour of its last day.
* Art. 3(2)(c): a period in months ends with the expiry of the last hour of the day in
  the last month that has the same date as the day of the event, or, if that month has
  no such date, of the last day of that month (31 Jan + 1 month -> 28/29 Feb).
* Art. 3(4), optional (``working_days_rule``): if the last day is a public holiday, a
  Saturday or a Sunday, the period ends with the expiry of the last hour of the
  following working day.
* Art. 3(5), applied together with Art. 3(4) under the same flag: a period of two days
  or more includes at least two working days (otherwise it is extended to the next
  working days).

Times: the event time must be timezone-aware (naive datetimes raise ``ValueError``).
Days are the calendar days of the event's own time zone, and the deadline is the last
instant of the last day (23:59:59.999999 local) in that same time zone; the holidays are
dates of that local calendar.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Literal

_ONE_DAY = timedelta(days=1)
_ONE_MICROSECOND = timedelta(microseconds=1)
_SATURDAY = 5  # date.weekday(): Monday is 0, Saturday 5, Sunday 6

Unit = Literal["days", "months"]


def require_aware(value: datetime, name: str = "datetime") -> datetime:
    """Return ``value`` if it is a timezone-aware datetime; refuse naive ones.

    Raises ``TypeError`` for anything but a ``datetime`` and ``ValueError`` for a naive
    one: a deadline cannot be placed without knowing whose calendar day it is.
    """
    if not isinstance(value, datetime):
        raise TypeError(f"{name} must be a datetime, not {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(
            f"{name} must be timezone-aware, got the naive {value.isoformat()}; "
            "attach a time zone (e.g. zoneinfo.ZoneInfo('Europe/Paris') or datetime.UTC)"
        )
    return value


def holiday_set(holidays: Iterable[date]) -> frozenset[date]:
    """The supplied public holidays as a frozenset of dates (datetimes are refused)."""
    result = frozenset(holidays)
    for day in result:
        # A datetime never equals a date, so it would silently never match: refuse it.
        if isinstance(day, datetime) or not isinstance(day, date):
            raise TypeError(f"holidays must be dates, got {day!r}")
    return result


def is_working_day(day: date, holidays: Iterable[date] = ()) -> bool:
    """True unless ``day`` is a Saturday, a Sunday or one of the ``holidays``."""
    return day.weekday() < _SATURDAY and day not in holiday_set(holidays)


def end_of_day(day: date, tz: tzinfo) -> datetime:
    """The last instant of the local calendar day ``day`` in ``tz`` ("the expiry of the
    last hour", Reg. 1182/71 Art. 3(2)), normally ``day`` 23:59:59.999999.

    Computed as the first instant of the next local day minus one microsecond, so it is
    right also where a DST change happens at midnight (23:59:59.999999 ambiguous or
    missing): the result is always the latest instant whose local date is ``day``.
    """
    next_midnight = datetime.combine(day + _ONE_DAY, time(0), tzinfo=tz)
    # fold=0: an ambiguous midnight is its first occurrence, and a missing midnight
    # (spring forward at 00:00) maps to the transition instant: the next day's start.
    return (next_midnight.astimezone(UTC) - _ONE_MICROSECOND).astimezone(tz)


def add_months(day: date, months: int) -> date:
    """``day`` moved ``months`` calendar months on, clamped to the end of the month
    (Reg. 1182/71 Art. 3(2)(c)): 31 Jan + 1 -> 28 Feb (29 in a leap year)."""
    years, month0 = divmod(day.month - 1 + months, 12)
    year, month = day.year + years, month0 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def nominal_last_day(event_day: date, amount: int, unit: Unit) -> date:
    """The last day of a period of ``amount`` days or months from an event on
    ``event_day``, before any working-day adjustment (Art. 3(1), 3(2)(b), 3(2)(c))."""
    if isinstance(amount, bool) or not isinstance(amount, int) or amount < 1:
        raise ValueError(f"a period must be a positive whole number of {unit}, not {amount!r}")
    if unit == "days":
        return event_day + timedelta(days=amount)  # the event day itself is not counted
    if unit == "months":
        return add_months(event_day, amount)
    raise ValueError(f"unknown period unit {unit!r}; expected 'days' or 'months'")


def working_day_last_day(first_day: date, last_day: date, holidays: Iterable[date] = ()) -> date:
    """Apply Reg. 1182/71 Art. 3(4) and 3(5) to a period ``first_day``..``last_day``.

    Art. 3(4): a last day that is a holiday, Saturday or Sunday moves to the following
    working day (chained: a Friday holiday before a weekend moves to Monday).
    Art. 3(5): a period of two days or more must include two working days; if it does
    not, it is extended to the next working day(s).
    """
    off = holiday_set(holidays)

    def working(day: date) -> bool:
        return day.weekday() < _SATURDAY and day not in off

    end = last_day
    while not working(end):
        end += _ONE_DAY
    if (last_day - first_day).days + 1 >= 2:
        count = sum(working(first_day + timedelta(days=i)) for i in range((end - first_day).days))
        count += 1  # ``end`` is a working day
        while count < 2:
            end += _ONE_DAY
            while not working(end):
                end += _ONE_DAY
            count += 1
    return end


@dataclass(frozen=True, slots=True)
class PeriodEnd:
    """Where a period ends: the nominal end, and the end after the working-day rule."""

    nominal: datetime  # end of the nominal last day (Art. 3(2))
    due: datetime  # = nominal unless Art. 3(4)/(5) moved it


def period_end(
    event: datetime,
    amount: int,
    unit: Unit,
    *,
    working_days_rule: bool,
    holidays: Iterable[date] = (),
) -> PeriodEnd:
    """The end of a period of ``amount`` days or months from the aware datetime ``event``.

    The day of the event (in the event's own time zone) is not counted; the result is
    the last instant of the last day in that time zone. With ``working_days_rule`` the
    Art. 3(4)/3(5) working-day adjustment is applied using the supplied ``holidays``.
    """
    require_aware(event, "event")
    tz = event.tzinfo
    assert tz is not None  # for mypy: require_aware checked it
    event_day = event.date()
    last = nominal_last_day(event_day, amount, unit)
    nominal = end_of_day(last, tz)
    if not working_days_rule:
        holiday_set(holidays)  # still validate what was supplied
        return PeriodEnd(nominal=nominal, due=nominal)
    adjusted = working_day_last_day(event_day + _ONE_DAY, last, holidays)
    return PeriodEnd(nominal=nominal, due=end_of_day(adjusted, tz))
