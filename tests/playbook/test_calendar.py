"""Business time and legal deadlines on known dates (Polish Christmas and New Year, Russian New
Year holidays) and their properties (hypothesis)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calmdesk.playbook.calendar import (
    business_deadline,
    business_time_between,
    is_legal_working_day,
    is_working_day,
    is_working_time,
    legal_deadline,
    next_working_day,
    working_periods,
)
from calmdesk.playbook.load import default_playbook
from calmdesk.playbook.schema import BusinessCalendar

PL = default_playbook("pl").calendar  # 08:00-12:00 and 12:30-16:00, Mon-Fri, Europe/Warsaw
RU = default_playbook("ru").calendar  # 09:00-13:00 and 14:00-18:00, Mon-Fri, Europe/Moscow
WARSAW = ZoneInfo("Europe/Warsaw")
# An odd company: three periods on Saturday, a short Sunday, closures, Berlin holidays.
ODD = BusinessCalendar.model_validate(
    {
        "timezone": "Europe/Berlin",
        "country": "DE",
        "subdivision": "BE",
        "working_hours": {
            "tue": ["10:00-18:00"],
            "sat": ["07:00-08:00", "09:15-09:45", "20:00-23:59"],
            "sun": ["12:00-12:10"],
        },
        "closures": ["2026-03-07", "2026-03-10"],
    }
)


def warsaw(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=WARSAW)


# --- days --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2025, 12, 23), True),
        (date(2025, 12, 24), False),  # Christmas Eve: a public holiday in Poland from 2025
        (date(2024, 12, 24), True),  # ... but not yet in 2024
        (date(2025, 12, 25), False),
        (date(2025, 12, 26), False),
        (date(2025, 12, 27), False),  # Saturday
        (date(2026, 1, 1), False),
        (date(2026, 1, 2), True),
        (date(2026, 1, 6), False),  # Epiphany
    ],
)
def test_polish_working_days_follow_public_holidays(day: date, working: bool) -> None:
    assert is_working_day(day, PL) is working


@pytest.mark.parametrize("day", [date(2026, 1, d) for d in range(1, 9)])
def test_russian_new_year_holidays_are_not_working_days(day: date) -> None:
    assert not is_working_day(day, RU)


def test_next_working_day_skips_polish_christmas() -> None:
    assert next_working_day(date(2025, 12, 23), PL) == date(2025, 12, 29)


def test_a_company_closure_is_not_a_working_day() -> None:
    assert not is_working_day(date(2026, 3, 10), ODD)
    assert is_working_day(date(2026, 3, 17), ODD)


# --- legal deadlines -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "days", "due"),
    [
        (date(2025, 3, 3), 14, date(2025, 3, 17)),  # day of receipt not counted; a Monday
        (date(2025, 3, 1), 14, date(2025, 3, 17)),  # ends Saturday 15 March -> Monday
        (date(2025, 12, 10), 14, date(2025, 12, 29)),  # 24 Dec holiday, 25-26, weekend
        (date(2024, 12, 10), 14, date(2024, 12, 24)),  # 24 Dec 2024 was a working day
        (date(2025, 12, 18), 14, date(2026, 1, 2)),  # New Year's Day -> Friday
        (date(2025, 12, 23), 14, date(2026, 1, 7)),  # Epiphany -> Wednesday
    ],
)
def test_polish_legal_deadline_moves_past_weekends_and_holidays(
    received: date, days: int, due: date
) -> None:
    assert legal_deadline(received, days, PL) == due


def test_russian_legal_deadline_moves_past_the_new_year_holidays() -> None:
    # 22 Dec 2025 + 10 days = 1 Jan 2026; 1-9 Jan are holidays, 10-11 Jan a weekend.
    assert legal_deadline(date(2025, 12, 22), 10, RU) == date(2026, 1, 12)


def test_business_day_terms_count_only_working_days() -> None:
    # Payment services: 15 business days from Monday 15 Dec 2025 across Christmas and New Year.
    assert legal_deadline(date(2025, 12, 15), 15, PL, business_days=True) == date(2026, 1, 12)


def test_legal_deadline_counts_from_the_local_day_of_receipt() -> None:
    # 23:30 UTC on 2 March is already 3 March in Warsaw.
    received = datetime(2025, 3, 2, 23, 30, tzinfo=UTC)
    assert legal_deadline(received, 14, PL) == date(2025, 3, 17)


def test_company_closures_do_not_extend_a_legal_deadline() -> None:
    # 14 days from Tuesday 24 Feb 2026 is Tuesday 10 March, a company closure in ODD.
    assert legal_deadline(date(2026, 2, 24), 14, ODD) == date(2026, 3, 10)


# --- business time ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "hours", "due"),
    [
        (warsaw(2025, 12, 23, 15, 0), 4, warsaw(2025, 12, 29, 11, 0)),  # across Christmas
        (warsaw(2026, 3, 7, 10, 0), 1, warsaw(2026, 3, 9, 9, 0)),  # Saturday start -> Monday
        (warsaw(2026, 3, 9, 11, 0), 1, warsaw(2026, 3, 9, 12, 0)),  # ends with the period
        (warsaw(2026, 3, 9, 11, 30), 1, warsaw(2026, 3, 9, 13, 0)),  # skips the lunch break
        (warsaw(2026, 3, 9, 17, 0), 0, warsaw(2026, 3, 10, 8, 0)),  # after hours, no time
        (warsaw(2026, 3, 9, 8, 0), 15, warsaw(2026, 3, 10, 16, 0)),  # two full days
    ],
)
def test_business_deadline_on_known_dates(start: datetime, hours: int, due: datetime) -> None:
    assert business_deadline(start, timedelta(hours=hours), PL) == due


def test_business_deadline_answers_in_the_calendars_zone() -> None:
    due = business_deadline(datetime(2026, 3, 9, 7, 0, tzinfo=UTC), timedelta(hours=1), PL)
    assert due.utcoffset() == timedelta(hours=1)
    assert due == warsaw(2026, 3, 9, 9, 0)


def test_business_time_between_skips_nights_lunches_and_weekends() -> None:
    friday_afternoon = warsaw(2026, 3, 6, 15, 0)
    monday_morning = warsaw(2026, 3, 9, 12, 45)
    assert business_time_between(friday_afternoon, monday_morning, PL) == timedelta(
        hours=5, minutes=15
    )
    assert business_time_between(monday_morning, friday_afternoon, PL) == timedelta(0)


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="no time zone"):
        business_deadline(datetime(2026, 3, 9, 9, 0), timedelta(hours=1), PL)


def test_negative_business_duration_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        business_deadline(warsaw(2026, 3, 9, 9, 0), timedelta(hours=-1), PL)


def test_working_time_includes_a_periods_start_but_not_its_end() -> None:
    assert is_working_time(warsaw(2026, 3, 9, 8, 0), PL)
    assert not is_working_time(warsaw(2026, 3, 9, 12, 0), PL)
    assert not is_working_time(warsaw(2025, 12, 24, 9, 0), PL)


# --- properties ------------------------------------------------------------------------------

CALENDARS = st.sampled_from([PL, RU, ODD])
MOMENTS = st.datetimes(
    min_value=datetime(2024, 1, 1), max_value=datetime(2027, 6, 30), timezones=st.just(UTC)
).map(lambda moment: moment.replace(microsecond=0))
DURATIONS = st.integers(min_value=0, max_value=120 * 60).map(lambda m: timedelta(minutes=m))


def in_working_time_or_at_a_period_end(moment: datetime, cal: BusinessCalendar) -> bool:
    local = moment.astimezone(ZoneInfo(cal.timezone))
    ends = [end for _, end in working_periods(local.date(), cal)]
    return is_working_time(moment, cal) or local in ends


@settings(max_examples=150, deadline=None)
@given(cal=CALENDARS, start=MOMENTS, duration=DURATIONS)
def test_a_business_deadline_never_falls_outside_working_time(
    cal: BusinessCalendar, start: datetime, duration: timedelta
) -> None:
    due = business_deadline(start, duration, cal)
    assert due >= start
    assert in_working_time_or_at_a_period_end(due, cal)


@settings(max_examples=150, deadline=None)
@given(cal=CALENDARS, first=MOMENTS, second=MOMENTS, duration=DURATIONS)
def test_a_business_deadline_is_monotonic_in_its_start(
    cal: BusinessCalendar, first: datetime, second: datetime, duration: timedelta
) -> None:
    early, late = sorted([first, second])
    assert business_deadline(early, duration, cal) <= business_deadline(late, duration, cal)


@settings(max_examples=150, deadline=None)
@given(cal=CALENDARS, start=MOMENTS, first=DURATIONS, second=DURATIONS)
def test_a_business_deadline_is_monotonic_in_its_duration(
    cal: BusinessCalendar, start: datetime, first: timedelta, second: timedelta
) -> None:
    short, long = sorted([first, second])
    assert business_deadline(start, short, cal) <= business_deadline(start, long, cal)


@settings(max_examples=150, deadline=None)
@given(cal=CALENDARS, start=MOMENTS, duration=DURATIONS)
def test_business_time_between_inverts_business_deadline(
    cal: BusinessCalendar, start: datetime, duration: timedelta
) -> None:
    assert business_time_between(start, business_deadline(start, duration, cal), cal) == duration


@settings(max_examples=150, deadline=None)
@given(
    cal=CALENDARS,
    start=MOMENTS,
    duration=DURATIONS,
    pause_from=st.integers(min_value=0, max_value=14 * 24 * 60),
    pause_minutes=st.integers(min_value=0, max_value=10 * 24 * 60),
)
def test_pausing_moves_the_deadline_by_exactly_the_paused_business_time(
    cal: BusinessCalendar,
    start: datetime,
    duration: timedelta,
    pause_from: int,
    pause_minutes: int,
) -> None:
    paused_at = start + timedelta(minutes=pause_from)
    paused = business_time_between(paused_at, paused_at + timedelta(minutes=pause_minutes), cal)

    before = business_deadline(start, duration, cal)
    after = business_deadline(start, duration + paused, cal)

    assert business_time_between(before, after, cal) == paused
    assert after >= before


@settings(max_examples=150, deadline=None)
@given(
    cal=CALENDARS,
    received=st.dates(min_value=date(2024, 1, 1), max_value=date(2027, 6, 30)),
    days=st.integers(min_value=1, max_value=60),
)
def test_a_legal_deadline_moves_only_over_days_off(
    cal: BusinessCalendar, received: date, days: int
) -> None:
    due = legal_deadline(received, days, cal)
    nominal = received + timedelta(days=days)
    assert due >= nominal
    assert is_legal_working_day(due, cal)
    skipped = [nominal + timedelta(days=i) for i in range((due - nominal).days)]
    assert not any(is_legal_working_day(day, cal) for day in skipped)


def test_working_periods_are_aware_and_ordered() -> None:
    periods = working_periods(date(2026, 3, 7), ODD)  # a closure: none
    assert periods == []
    periods = working_periods(date(2026, 3, 14), ODD)
    assert [p[0].time() for p in periods] == [time(7, 0), time(9, 15), time(20, 0)]
