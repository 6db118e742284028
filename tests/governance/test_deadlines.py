"""Deadline arithmetic: Reg. 1182/71 periods, AI Act Art. 73 incidents, GDPR Art. 12(3)."""

from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aisec.governance.deadlines import (
    SERIOUS_INCIDENT_CATEGORIES,
    Deadline,
    Status,
    extension_notice_deadline,
    incident_deadline,
    is_serious_incident,
    request_deadline,
    status,
)
from aisec.governance.periods import (
    add_months,
    end_of_day,
    holiday_set,
    is_working_day,
    nominal_last_day,
    period_end,
    require_aware,
    working_day_last_day,
)

PARIS = ZoneInfo("Europe/Paris")
END = time(23, 59, 59, 999999)


def at(y: int, m: int, d: int, hh: int = 10, mm: int = 0, tz=UTC) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=tz)


def eod(y: int, m: int, d: int, tz=UTC) -> datetime:
    return datetime.combine(date(y, m, d), END, tzinfo=tz)


def utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


# ---------------------------------------------------------------- aware datetimes only


def test_require_aware_accepts_aware():
    value = at(2026, 11, 23)
    assert require_aware(value) is value


def test_require_aware_refuses_naive():
    with pytest.raises(ValueError, match="timezone-aware"):
        require_aware(datetime(2026, 11, 23, 10, 0))


def test_require_aware_refuses_a_date():
    with pytest.raises(TypeError):
        require_aware(date(2026, 11, 23))  # type: ignore[arg-type]


def test_require_aware_refuses_tzinfo_without_offset():
    class NoOffset(tzinfo):  # a tzinfo whose utcoffset() is None: still naive
        def utcoffset(self, dt):
            return None

    with pytest.raises(ValueError):
        require_aware(datetime(2026, 1, 1, tzinfo=NoOffset()))


NAIVE = datetime(2026, 11, 23, 10, 0)


def test_incident_deadline_refuses_naive():
    with pytest.raises(ValueError, match="aware_at"):
        incident_deadline({"c"}, NAIVE)


def test_request_deadline_refuses_naive():
    with pytest.raises(ValueError, match="received_at"):
        request_deadline(NAIVE)


def test_extension_notice_deadline_refuses_naive():
    with pytest.raises(ValueError, match="received_at"):
        extension_notice_deadline(NAIVE)


def test_period_end_refuses_naive():
    with pytest.raises(ValueError):
        period_end(NAIVE, 2, "days", working_days_rule=False)


def test_status_refuses_naive_now():
    deadline = incident_deadline({"c"}, at(2026, 11, 23))
    with pytest.raises(ValueError, match="now"):
        status(deadline, NAIVE)


def test_status_refuses_naive_deadline_datetime():
    with pytest.raises(ValueError, match="deadline"):
        status(NAIVE, at(2026, 11, 23))


# ---------------------------------------------------------------- month arithmetic


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),  # leap year
        (date(2026, 3, 31), 1, date(2026, 4, 30)),
        (date(2026, 8, 31), 3, date(2026, 11, 30)),
        (date(2026, 1, 30), 1, date(2026, 2, 28)),
        (date(2026, 2, 28), 1, date(2026, 3, 28)),  # not the end of March
        (date(2026, 12, 15), 1, date(2027, 1, 15)),  # year boundary
        (date(2026, 11, 30), 3, date(2027, 2, 28)),
        (date(2027, 11, 30), 3, date(2028, 2, 29)),
        (date(2026, 5, 5), 12, date(2027, 5, 5)),
        (date(2026, 5, 5), 25, date(2028, 6, 5)),
    ],
)
def test_add_months(start, months, expected):
    assert add_months(start, months) == expected


def test_one_month_from_31_january_is_28_february():
    d = request_deadline(at(2026, 1, 31), working_days_rule=False)
    assert d.due == eod(2026, 2, 28)


def test_one_month_from_31_january_in_a_leap_year_is_29_february():
    d = request_deadline(at(2024, 1, 31), working_days_rule=False)
    assert d.due == eod(2024, 2, 29)


def test_one_month_from_31_march_is_30_april():
    d = request_deadline(at(2026, 3, 31))
    assert d.due == eod(2026, 4, 30)  # a Thursday: no roll-over either way


def test_three_months_from_31_august_is_30_november():
    d = request_deadline(at(2026, 8, 31), extended=True)
    assert d.due == eod(2026, 11, 30)  # a Monday


def test_one_month_same_date_next_month():
    d = request_deadline(at(2026, 5, 5, 17, 30))
    assert d.due == eod(2026, 6, 5)  # a Friday


# ---------------------------------------------------------------- periods in days


def test_event_day_not_counted_monday_plus_two_days_is_wednesday_end():
    aware = at(2026, 11, 23, 10, 0)
    assert aware.strftime("%a") == "Mon"
    d = incident_deadline({"b"}, aware)
    assert d.due == datetime(2026, 11, 25, 23, 59, 59, 999999, tzinfo=UTC)
    assert d.due.strftime("%a") == "Wed"


@pytest.mark.parametrize("clock", [time(0, 0), time(10, 0), END])
def test_time_of_day_of_the_event_does_not_matter(clock):
    aware = datetime.combine(date(2026, 11, 23), clock, tzinfo=UTC)
    assert incident_deadline({"b"}, aware).due == eod(2026, 11, 25)


def test_one_day_period_ends_at_end_of_next_day():
    end = period_end(at(2026, 11, 23), 1, "days", working_days_rule=False)
    assert end.due == eod(2026, 11, 24)


def test_deadline_is_end_of_last_day():
    d = incident_deadline({"c"}, at(2026, 11, 23))
    assert d.due.timetz() == END.replace(tzinfo=UTC)


def test_fifteen_days():
    assert incident_deadline({"d"}, at(2026, 11, 23)).due == eod(2026, 12, 8)


def test_ten_days_for_death():
    assert incident_deadline({"a"}, at(2026, 11, 23), death=True).due == eod(2026, 12, 3)


@pytest.mark.parametrize("amount", [0, -1, True, 1.5])
def test_period_must_be_positive_whole_number(amount):
    with pytest.raises(ValueError):
        nominal_last_day(date(2026, 1, 1), amount, "days")


def test_unknown_unit_refused():
    with pytest.raises(ValueError, match="unit"):
        nominal_last_day(date(2026, 1, 1), 1, "weeks")  # type: ignore[arg-type]


# ---------------------------------------------------------------- working-day roll-over


def test_is_working_day():
    assert is_working_day(date(2026, 11, 23))  # Monday
    assert not is_working_day(date(2026, 11, 28))  # Saturday
    assert not is_working_day(date(2026, 11, 29))  # Sunday
    assert not is_working_day(date(2026, 12, 25), {date(2026, 12, 25)})


def test_working_day_last_day_is_unchanged_on_a_working_day():
    assert working_day_last_day(date(2026, 11, 24), date(2026, 11, 25)) == date(2026, 11, 25)


def test_saturday_rolls_to_monday():
    aware = at(2026, 11, 26)  # Thursday; + 2 days = Saturday
    d = incident_deadline({"b"}, aware, working_days_rule=True)
    assert d.nominal_due == eod(2026, 11, 28)
    assert d.due == eod(2026, 11, 30)
    assert d.rolled_over


def test_sunday_rolls_to_monday():
    aware = at(2026, 11, 14)  # Saturday; + 15 days = Sunday 29
    d = incident_deadline({"c"}, aware, working_days_rule=True)
    assert d.nominal_due == eod(2026, 11, 29)
    assert d.due == eod(2026, 11, 30)


def test_friday_two_days_needs_two_working_days_art_3_5():
    # Friday + 2 days = Sunday -> Monday (Art. 3(4)); Sat..Mon holds one working day, so
    # Art. 3(5) ("at least two working days") extends the period to Tuesday.
    d = incident_deadline({"b"}, at(2026, 11, 27), working_days_rule=True)
    assert d.due == eod(2026, 12, 1)


def test_calendar_mode_keeps_the_weekend_deadline():
    d = incident_deadline({"b"}, at(2026, 11, 26))  # default for the AI Act: calendar days
    assert d.due == eod(2026, 11, 28)
    assert not d.working_days_rule
    assert not d.rolled_over


def test_calendar_mode_ignores_holidays():
    d = incident_deadline({"b"}, at(2026, 11, 23), holidays={date(2026, 11, 25)})
    assert d.due == eod(2026, 11, 25)


def test_holiday_on_last_day_rolls_to_next_day():
    d = incident_deadline(
        {"b"}, at(2026, 11, 23), working_days_rule=True, holidays={date(2026, 11, 25)}
    )
    assert d.due == eod(2026, 11, 26)


def test_friday_holiday_then_weekend_rolls_to_monday():
    aware = at(2026, 11, 25)  # Wednesday; + 2 days = Friday 27, a holiday
    d = incident_deadline({"b"}, aware, working_days_rule=True, holidays={date(2026, 11, 27)})
    assert d.due == eod(2026, 11, 30)


def test_friday_holiday_weekend_and_monday_holiday_rolls_to_tuesday():
    holidays = {date(2026, 11, 27), date(2026, 11, 30)}
    d = incident_deadline({"b"}, at(2026, 11, 25), working_days_rule=True, holidays=holidays)
    assert d.due == eod(2026, 12, 1)


def test_two_working_days_at_least_art_3_5():
    # Friday + 2 days = Sunday -> Monday is a holiday -> Tuesday (Art. 3(4)); the period
    # Sat..Tue then holds a single working day, so Art. 3(5) extends it to Wednesday.
    aware = at(2026, 11, 27)
    d = incident_deadline({"b"}, aware, working_days_rule=True, holidays={date(2026, 11, 30)})
    assert d.due == eod(2026, 12, 2)


def test_art_3_5_not_applied_to_a_one_day_period():
    aware = at(2026, 11, 27)  # Friday; + 1 day = Saturday -> Monday
    end = period_end(aware, 1, "days", working_days_rule=True)
    assert end.due == eod(2026, 11, 30)


def test_month_on_saturday_rolls_to_monday_by_default_for_gdpr():
    d = request_deadline(at(2026, 1, 31))
    assert d.working_days_rule
    assert d.nominal_due == eod(2026, 2, 28)  # Saturday
    assert d.due == eod(2026, 3, 2)  # Monday
    assert d.rolled_over


def test_month_christmas_holiday_and_weekend():
    holidays = {date(2026, 12, 25), date(2026, 12, 28)}
    d = request_deadline(at(2026, 11, 25), holidays=holidays)
    assert d.nominal_due == eod(2026, 12, 25)  # Friday, holiday
    assert d.due == eod(2026, 12, 29)  # Sat, Sun, Mon (holiday) skipped


def test_holidays_may_be_any_iterable():
    d = request_deadline(at(2026, 11, 25), holidays=[date(2026, 12, 25)])
    assert d.due == eod(2026, 12, 28)


def test_holiday_datetimes_refused():
    with pytest.raises(TypeError, match="dates"):
        holiday_set([datetime(2026, 12, 25, tzinfo=UTC)])


def test_holiday_datetimes_refused_even_in_calendar_mode():
    with pytest.raises(TypeError):
        incident_deadline({"c"}, at(2026, 11, 23), holidays=[datetime(2026, 12, 25)])


# ---------------------------------------------------------------- time zones


def test_deadline_keeps_the_time_zone():
    d = incident_deadline({"c"}, at(2026, 11, 23, tz=PARIS))
    assert d.due.tzinfo is PARIS
    assert d.due == datetime(2026, 12, 8, 23, 59, 59, 999999, tzinfo=PARIS)


def test_fixed_offset_time_zone():
    tz = timezone(timedelta(hours=-5))
    d = incident_deadline({"b"}, at(2026, 11, 23, tz=tz))
    assert d.due.utcoffset() == timedelta(hours=-5)
    assert utc(d.due) == datetime(2026, 11, 26, 4, 59, 59, 999999, tzinfo=UTC)


def test_paris_across_spring_forward():
    aware = at(2026, 3, 27, tz=PARIS)  # Friday, CET (+01:00); clocks go forward on the 29th
    d = incident_deadline({"b"}, aware)
    assert d.due.replace(tzinfo=None) == datetime(2026, 3, 29, 23, 59, 59, 999999)
    assert d.due.utcoffset() == timedelta(hours=2)  # CEST
    assert utc(d.due) == datetime(2026, 3, 29, 21, 59, 59, 999999, tzinfo=UTC)


def test_paris_across_fall_back():
    aware = at(2026, 10, 24, tz=PARIS)  # CEST (+02:00); clocks go back on the 25th
    d = incident_deadline({"b"}, aware)
    assert d.due.utcoffset() == timedelta(hours=1)  # CET
    assert utc(d.due) == datetime(2026, 10, 26, 22, 59, 59, 999999, tzinfo=UTC)


@pytest.mark.parametrize("fold", [0, 1])
def test_paris_ambiguous_awareness_time(fold):
    aware = datetime(2026, 10, 25, 2, 30, tzinfo=PARIS, fold=fold)  # happens twice
    assert utc(incident_deadline({"b"}, aware).due) == datetime(
        2026, 10, 27, 22, 59, 59, 999999, tzinfo=UTC
    )


def test_the_local_calendar_day_counts():
    # One instant: 00:30 on Saturday 28 March in Paris, 23:30 on Friday 27 March in UTC.
    paris = datetime(2026, 3, 28, 0, 30, tzinfo=PARIS)
    in_utc = paris.astimezone(UTC)
    assert in_utc.date() == date(2026, 3, 27)
    assert incident_deadline({"b"}, paris).due == datetime(
        2026, 3, 30, 23, 59, 59, 999999, tzinfo=PARIS
    )
    assert incident_deadline({"b"}, in_utc).due == eod(2026, 3, 29)


def test_holidays_are_local_dates():
    paris = datetime(2026, 11, 23, 0, 30, tzinfo=PARIS)  # Sunday 22 Nov 23:30 in UTC
    holidays = {date(2026, 11, 25)}
    d = incident_deadline({"b"}, paris, working_days_rule=True, holidays=holidays)
    assert d.due == datetime(2026, 11, 26, 23, 59, 59, 999999, tzinfo=PARIS)


def test_end_of_day_plain():
    assert end_of_day(date(2026, 3, 29), PARIS) == datetime(
        2026, 3, 29, 23, 59, 59, 999999, tzinfo=PARIS
    )


# Zones whose DST changes happen at midnight: 23:59:59.999999 may be ambiguous or missing.
@pytest.mark.parametrize(
    "zone", ["America/Santiago", "America/Havana", "Asia/Beirut", "America/Asuncion", "UTC"]
)
def test_end_of_day_is_the_last_instant_of_the_local_day_all_year(zone):
    tz = ZoneInfo(zone)
    for offset in range(366):
        day = date(2026, 1, 1) + timedelta(days=offset)
        end = end_of_day(day, tz)
        assert end.date() == day
        after = (utc(end) + timedelta(microseconds=1)).astimezone(tz)
        assert after.date() == day + timedelta(days=1)


# ---------------------------------------------------------------- incidents: categories


@pytest.mark.parametrize(
    ("categories", "kwargs", "days", "basis", "rule"),
    [
        ({"a"}, {}, 15, "EU AI Act Art. 73(2)", "general"),
        ({"c"}, {}, 15, "EU AI Act Art. 73(2)", "general"),
        ({"d"}, {}, 15, "EU AI Act Art. 73(2)", "general"),
        ({"a", "c", "d"}, {}, 15, "EU AI Act Art. 73(2)", "general"),
        ({"b"}, {}, 2, "EU AI Act Art. 73(3)", "critical-infrastructure"),
        ({"c"}, {"widespread": True}, 2, "EU AI Act Art. 73(3)", "widespread-infringement"),
        ({"a"}, {"death": True}, 10, "EU AI Act Art. 73(4)", "death"),
        ({"a", "d"}, {"death": True}, 10, "EU AI Act Art. 73(4)", "death"),
        ({"a", "b"}, {"death": True}, 2, "EU AI Act Art. 73(3)", "critical-infrastructure"),
        (
            {"a"},
            {"death": True, "widespread": True},
            2,
            "EU AI Act Art. 73(3)",
            "widespread-infringement",
        ),
        ({"b"}, {"widespread": True}, 2, "EU AI Act Art. 73(3)", "critical-infrastructure"),
    ],
)
def test_category_precedence(categories, kwargs, days, basis, rule):
    d = incident_deadline(categories, at(2026, 11, 23), **kwargs)
    assert (d.days, d.legal_basis, d.rule) == (days, basis, rule)
    assert d.due == eod(2026, 11, 23) + timedelta(days=days)


def test_death_and_critical_infrastructure_is_due_in_two_days():
    d = incident_deadline({"a", "b"}, at(2026, 11, 23), death=True)
    assert d.days == 2
    assert d.due == eod(2026, 11, 25)
    assert d.legal_basis == "EU AI Act Art. 73(3)"


def test_death_implies_category_a():
    d = incident_deadline(set(), at(2026, 11, 23), death=True)
    assert d.days == 10


def test_no_category_is_not_a_serious_incident():
    with pytest.raises(ValueError, match="not a serious incident"):
        incident_deadline(set(), at(2026, 11, 23))


def test_widespread_without_category_is_not_a_serious_incident():
    with pytest.raises(ValueError, match="not a serious incident"):
        incident_deadline(frozenset(), at(2026, 11, 23), widespread=True)


@pytest.mark.parametrize("bad", [{"e"}, {"A"}, {"a", "x"}, {"3(49)(a)"}])
def test_unknown_categories_refused(bad):
    with pytest.raises(ValueError, match="unknown"):
        incident_deadline(bad, at(2026, 11, 23))


def test_a_string_of_categories_refused():
    with pytest.raises(TypeError):
        incident_deadline("ab", at(2026, 11, 23))  # type: ignore[arg-type]


@pytest.mark.parametrize("container", [list, tuple, frozenset, set])
def test_any_collection_of_categories(container):
    assert incident_deadline(container(["b", "c"]), at(2026, 11, 23)).days == 2


def test_is_serious_incident():
    assert is_serious_incident({"d"})
    assert is_serious_incident(set(), death=True)
    assert not is_serious_incident(set())
    with pytest.raises(ValueError):
        is_serious_incident({"z"})


def test_categories_table_covers_art_3_49():
    assert set(SERIOUS_INCIDENT_CATEGORIES) == {"a", "b", "c", "d"}


def test_incident_deadline_fields():
    aware = at(2026, 11, 23)
    d = incident_deadline({"c"}, aware)
    assert isinstance(d, Deadline)
    assert d.event_at is aware
    assert (d.amount, d.unit, d.days) == (15, "days", 15)
    assert d.nominal_due == d.due


# ---------------------------------------------------------------- requests


def test_request_fields():
    d = request_deadline(at(2026, 5, 5))
    assert (d.amount, d.unit, d.days) == (1, "months", None)
    assert d.legal_basis == "GDPR Art. 12(3)"
    assert d.rule == "one-month"


def test_extended_request_is_three_months_from_receipt():
    d = request_deadline(at(2026, 1, 31), extended=True)
    # Three months from 31 Jan is 30 Apr; chaining (28 Feb + 2 months) would give 28 Apr.
    assert d.due == eod(2026, 4, 30)
    assert d.amount == 3
    assert d.rule == "extended"
    assert d.legal_basis == "GDPR Art. 12(3) (extended by two further months)"


def test_extended_is_later_than_unextended():
    received = at(2026, 6, 10)
    assert request_deadline(received, extended=True).due > request_deadline(received).due


def test_extension_notice_is_end_of_first_month():
    received = at(2026, 1, 31)
    notice = extension_notice_deadline(received)
    assert notice.due == request_deadline(received).due == eod(2026, 3, 2)
    assert notice.rule == "extension-notice"
    assert notice.legal_basis == "GDPR Art. 12(3) (notice of extension)"


def test_extension_notice_calendar_mode():
    notice = extension_notice_deadline(at(2026, 1, 31), working_days_rule=False)
    assert notice.due == eod(2026, 2, 28)


def test_art_86_request_uses_gdpr_periods():
    received = at(2026, 5, 5)
    d = request_deadline(received, basis="ai-act-art-86")
    assert d.due == request_deadline(received).due
    assert "Art. 86" in d.legal_basis
    assert "12(3)" in d.legal_basis
    assert "Art. 86" in extension_notice_deadline(received, basis="ai-act-art-86").legal_basis


def test_unknown_request_basis_refused():
    with pytest.raises(ValueError, match="basis"):
        request_deadline(at(2026, 5, 5), basis="ccpa")  # type: ignore[arg-type]


def test_request_in_paris_keeps_the_zone():
    d = request_deadline(at(2026, 2, 28, tz=PARIS))  # 28 Mar 2026 is a Saturday
    assert d.due == datetime(2026, 3, 30, 23, 59, 59, 999999, tzinfo=PARIS)
    assert d.due.utcoffset() == timedelta(hours=2)


# ---------------------------------------------------------------- status


def test_status_due_with_time_left():
    d = incident_deadline({"b"}, at(2026, 11, 23))
    s = status(d, at(2026, 11, 25, 23, 0))
    assert s == Status(
        state="due",
        time_left=timedelta(minutes=59, seconds=59, microseconds=999999),
        time_over=timedelta(0),
    )


def test_status_at_the_deadline_instant_is_still_due():
    d = incident_deadline({"b"}, at(2026, 11, 23))
    assert status(d, d.due) == Status("due", timedelta(0), timedelta(0))


def test_status_one_microsecond_late_is_overdue():
    d = incident_deadline({"b"}, at(2026, 11, 23))
    s = status(d, d.due + timedelta(microseconds=1))
    assert s == Status("overdue", timedelta(0), timedelta(microseconds=1))


def test_status_overdue_by_days():
    d = incident_deadline({"b"}, at(2026, 11, 23))
    s = status(d, at(2026, 11, 28))
    assert s.state == "overdue"
    assert s.time_over == timedelta(days=2, hours=10, microseconds=1)


def test_status_accepts_a_datetime():
    assert status(eod(2026, 11, 25), at(2026, 11, 24)).state == "due"


def test_status_compares_instants_across_zones():
    d = incident_deadline({"b"}, at(2026, 11, 23, tz=PARIS))  # ends 22:59:59.999999 UTC
    assert status(d, datetime(2026, 11, 25, 22, 30, tzinfo=UTC)).state == "due"
    assert status(d, datetime(2026, 11, 25, 23, 30, tzinfo=UTC)).state == "overdue"


def test_status_counts_elapsed_time_across_dst():
    d = incident_deadline({"b"}, at(2026, 3, 27, tz=PARIS))  # ends Sun 29 Mar, CEST
    now = datetime(2026, 3, 28, 23, 59, 59, 999999, tzinfo=PARIS)
    assert status(d, now).time_left == timedelta(hours=23)  # 02:00-03:00 never happened


# ---------------------------------------------------------------- properties

FIXED_ZONES = st.builds(
    timezone,
    st.timedeltas(
        min_value=-timedelta(hours=23, minutes=59), max_value=timedelta(hours=23, minutes=59)
    ),
)
ZONES = st.one_of(st.just(UTC), st.just(PARIS), FIXED_ZONES, st.timezones())
# From 2012: on 30 Dec 2011 Pacific/Apia and Pacific/Fakaofo skipped a whole calendar
# day (no local end of that day exists); no other zone skips a day in 2000-2100.
AWARE = st.datetimes(
    min_value=datetime(2012, 1, 1),
    max_value=datetime(2100, 12, 31),
    timezones=ZONES,
    allow_imaginary=False,
)
FIXED_AWARE = st.datetimes(
    min_value=datetime(2000, 1, 1),
    max_value=datetime(2100, 12, 31),
    timezones=st.one_of(st.just(UTC), FIXED_ZONES),
)
DAYS = st.integers(min_value=1, max_value=400)
HOLIDAYS = st.sets(st.dates(min_value=date(1999, 12, 1), max_value=date(2102, 6, 1)), max_size=30)


def days_end(aware: datetime, days: int, **kwargs) -> datetime:
    return period_end(aware, days, "days", working_days_rule=False, **kwargs).due


@given(aware=AWARE, days=DAYS)
def test_property_deadline_after_awareness_and_within_days_plus_one_wall_clock(aware, days):
    due = days_end(aware, days)
    assert utc(due) > utc(aware)
    wall = due.replace(tzinfo=None) - aware.replace(tzinfo=None)
    assert timedelta(days=days) <= wall < timedelta(days=days + 1)


@given(aware=FIXED_AWARE, days=DAYS)
def test_property_deadline_within_days_plus_one_elapsed(aware, days):
    due = days_end(aware, days)
    assert timedelta(days=days) <= utc(due) - utc(aware) < timedelta(days=days + 1)


@given(aware=AWARE, days=DAYS)
def test_property_last_local_day_is_event_day_plus_days(aware, days):
    due = days_end(aware, days)
    assert due.tzinfo is aware.tzinfo
    assert due.date() == aware.date() + timedelta(days=days)
    after = (utc(due) + timedelta(microseconds=1)).astimezone(aware.tzinfo)
    assert after.date() == aware.date() + timedelta(days=days + 1)


@given(aware=AWARE, a=DAYS, b=DAYS)
def test_property_monotone_in_days(aware, a, b):
    lo, hi = sorted((a, b))
    assert utc(days_end(aware, lo)) <= utc(days_end(aware, hi))
    if lo < hi:
        assert utc(days_end(aware, lo)) < utc(days_end(aware, hi))


@given(aware=AWARE, a=DAYS, b=DAYS, holidays=HOLIDAYS)
def test_property_monotone_in_days_with_working_days_rule(aware, a, b, holidays):
    lo, hi = sorted((a, b))

    def due(n: int) -> datetime:
        return period_end(aware, n, "days", working_days_rule=True, holidays=holidays).due

    assert utc(due(lo)) <= utc(due(hi))


@given(aware=AWARE, days=DAYS, holidays=HOLIDAYS)
def test_property_working_days_rule(aware, days, holidays):
    end = period_end(aware, days, "days", working_days_rule=True, holidays=holidays)
    assert utc(end.due) >= utc(end.nominal)
    last = end.due.date()
    assert is_working_day(last, holidays)
    first = aware.date() + timedelta(days=1)
    in_period = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    if days >= 2:
        assert sum(is_working_day(d, holidays) for d in in_period) >= 2
    # Nothing past the nominal end is a working day except the last one, unless Art. 3(5)
    # needed a second working day.
    extra = [d for d in in_period if d > end.nominal.date() and is_working_day(d, holidays)]
    assert len(extra) <= 2


@given(aware=AWARE, days=DAYS, holidays=HOLIDAYS)
def test_property_calendar_mode_ignores_holidays(aware, days, holidays):
    assert days_end(aware, days, holidays=holidays) == days_end(aware, days)


@given(aware=AWARE, months=st.integers(min_value=1, max_value=24))
def test_property_months(aware, months):
    due = period_end(aware, months, "months", working_days_rule=False).due
    event = aware.date()
    total = event.month - 1 + months
    assert (due.year, due.month) == (event.year + total // 12, total % 12 + 1)
    assert due.day == event.day or (due.day < event.day and (due.date() + timedelta(1)).day == 1)
    assert utc(due) > utc(aware)


@given(aware=AWARE, holidays=HOLIDAYS)
def test_property_extension_never_earlier(aware, holidays):
    one = request_deadline(aware, holidays=holidays)
    three = request_deadline(aware, extended=True, holidays=holidays)
    assert utc(three.due) > utc(one.due)
    assert extension_notice_deadline(aware, holidays=holidays).due == one.due


@given(
    aware=AWARE,
    categories=st.sets(st.sampled_from("abcd"), min_size=1),
    widespread=st.booleans(),
    death=st.booleans(),
)
def test_property_incident_days_is_shortest_applicable(aware, categories, widespread, death):
    d = incident_deadline(categories, aware, widespread=widespread, death=death)
    applicable = [15]
    if "b" in categories or widespread:
        applicable.append(2)
    if death:
        applicable.append(10)
    assert d.days == min(applicable)
    assert d.due == days_end(aware, min(applicable))


@settings(max_examples=200)
@given(day=st.dates(min_value=date(2012, 1, 1), max_value=date(2100, 12, 30)), tz=ZONES)
def test_property_end_of_day_is_last_instant_of_local_day(day, tz):
    end = end_of_day(day, tz)
    assert end.date() == day
    assert (utc(end) + timedelta(microseconds=1)).astimezone(tz).date() > day


@given(deadline=AWARE, now=AWARE)
def test_property_status(deadline, now):
    s = status(deadline, now)
    assert s.time_left >= timedelta(0) and s.time_over >= timedelta(0)
    assert s.time_left == timedelta(0) or s.time_over == timedelta(0)
    assert (s.state == "due") == (utc(now) <= utc(deadline))
    assert utc(now) + s.time_left - s.time_over == utc(deadline)
