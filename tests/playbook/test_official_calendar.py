"""The legal clock against the official calendars of Poland and Russia: working Saturdays and
transferred days off from the ``holidays`` data, a year without a published decree by the
statute's default (and marked provisional), and properties over every day of several years."""

from __future__ import annotations

from datetime import date, timedelta

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calmdesk.playbook.calendar import (
    is_legal_working_day,
    legal_deadline,
    official_year,
    provisional_year,
    published_through,
)
from calmdesk.playbook.load import default_playbook
from calmdesk.playbook.schema import BusinessCalendar

PL = default_playbook("pl").calendar
RU = default_playbook("ru").calendar
TABLE_YEARS = (2023, 2024, 2025, 2026, 2027)
"""Years whose official calendar both countries have published (and the data holds)."""


def days_of(year: int) -> list[date]:
    first = date(year, 1, 1)
    return [first + timedelta(days=n) for n in range((date(year + 1, 1, 1) - first).days)]


def test_a_russian_term_ends_on_a_working_saturday() -> None:
    # 10 days from 10 February 2027 end on Saturday 20 February, a working day by the 2027
    # decree (its day off moved to Monday 22 February, next to the 23 February holiday).
    assert legal_deadline(date(2027, 2, 10), 10, RU) == date(2027, 2, 20)
    assert provisional_year(date(2027, 2, 10), date(2027, 2, 20), RU) is None


def test_a_transferred_day_off_moves_a_russian_term() -> None:
    # 10 days from 26 October 2027 end on Friday 5 November 2027, a day off moved from Saturday
    # 2 January by the decree: the term ends on Monday 8 November.
    assert legal_deadline(date(2027, 10, 26), 10, RU) == date(2027, 11, 8)


@pytest.mark.parametrize(
    ("cal", "day", "working"),
    [
        # Poland: Christmas Eve is a public holiday from 2025 (not in 2024).
        (PL, date(2024, 12, 24), True),
        (PL, date(2025, 12, 24), False),
        (PL, date(2026, 12, 24), False),
        (PL, date(2027, 12, 24), False),
        (PL, date(2023, 11, 11), False),  # a Saturday: no working Saturdays in Poland
        (PL, date(2026, 6, 4), False),  # Corpus Christi
        (PL, date(2027, 3, 29), False),  # Easter Monday
        # Russia 2023: 24 February and 8 May are days off moved from 1 and 8 January.
        (RU, date(2023, 2, 24), False),
        (RU, date(2023, 5, 8), False),
        # Russia 2024: working Saturdays 27 April, 2 November, 28 December.
        (RU, date(2024, 4, 27), True),
        (RU, date(2024, 4, 29), False),
        (RU, date(2024, 4, 30), False),
        (RU, date(2024, 11, 2), True),
        (RU, date(2024, 12, 28), True),
        (RU, date(2024, 12, 30), False),
        (RU, date(2024, 12, 31), False),
        # Russia 2025: working Saturday 1 November; 2, 8 May, 13 June, 3 November, 31 December off.
        (RU, date(2025, 11, 1), True),
        (RU, date(2025, 5, 2), False),
        (RU, date(2025, 5, 8), False),
        (RU, date(2025, 6, 13), False),
        (RU, date(2025, 11, 3), False),
        (RU, date(2025, 12, 31), False),
        # Russia 2026: 9 January and 31 December off (moved from 3 and 4 January); 9 March and
        # 11 May make up for holidays on a Sunday and a Saturday.
        (RU, date(2026, 1, 9), False),
        (RU, date(2026, 1, 12), True),
        (RU, date(2026, 3, 9), False),
        (RU, date(2026, 5, 11), False),
        (RU, date(2026, 12, 31), False),
        # Russia 2027: working Saturday 20 February; 22 February, 5 November, 31 December off.
        (RU, date(2027, 2, 20), True),
        (RU, date(2027, 2, 22), False),
        (RU, date(2027, 11, 5), False),
        (RU, date(2027, 12, 31), False),
        (RU, date(2027, 5, 3), False),
        (RU, date(2027, 5, 10), False),
        (RU, date(2027, 6, 14), False),
    ],
)
def test_official_days(cal: BusinessCalendar, day: date, working: bool) -> None:
    assert is_legal_working_day(day, cal) is working


@pytest.mark.parametrize(
    ("year", "working_days"),
    [(2023, 247), (2024, 248), (2025, 247), (2026, 247)],
)
def test_each_russian_table_year_has_the_official_number_of_working_days(
    year: int, working_days: int
) -> None:
    # The Government's production calendars (five-day week).
    assert sum(is_legal_working_day(day, RU) for day in days_of(year)) == working_days


@pytest.mark.parametrize("year", TABLE_YEARS)
@pytest.mark.parametrize("cal", [PL, RU], ids=["PL", "RU"])
def test_every_day_of_a_table_year_agrees_with_the_official_calendar(
    cal: BusinessCalendar, year: int
) -> None:
    official = holidays.country_holidays(cal.country, years=year)
    assert not official_year(cal.country, None, year).provisional
    disagreements = [
        day
        for day in days_of(year)
        if is_legal_working_day(day, cal) != official.is_working_day(day)
    ]
    assert disagreements == []


@pytest.mark.parametrize("year", [*TABLE_YEARS, 2028, 2029, 2031])
@pytest.mark.parametrize("cal", [PL, RU], ids=["PL", "RU"])
@pytest.mark.parametrize("days", [1, 7, 10, 14, 30])
def test_no_legal_date_of_a_year_falls_on_a_day_off(
    cal: BusinessCalendar, year: int, days: int
) -> None:
    for received in days_of(year):
        due = legal_deadline(received, days, cal)
        assert is_legal_working_day(due, cal), (received, due)
        nominal = received + timedelta(days=days)
        assert all(
            not is_legal_working_day(nominal + timedelta(n), cal)
            for n in range((due - nominal).days)
        )


@settings(max_examples=300, deadline=None)
@given(
    cal=st.sampled_from([PL, RU]),
    received=st.dates(min_value=date(2023, 1, 1), max_value=date(2031, 12, 31)),
    days=st.integers(min_value=1, max_value=90),
    business=st.booleans(),
)
def test_a_legal_date_is_a_working_day_of_the_official_calendar(
    cal: BusinessCalendar, received: date, days: int, business: bool
) -> None:
    due = legal_deadline(received, days, cal, business_days=business)
    assert due > received
    if due.year <= TABLE_YEARS[-1]:
        # Within the published years the oracle is the data itself.
        assert holidays.country_holidays(cal.country, years=due.year).is_working_day(due)
    else:
        assert is_legal_working_day(due, cal)
    if business:
        between = [received + timedelta(days=n) for n in range(1, (due - received).days + 1)]
        assert sum(is_legal_working_day(day, cal) for day in between) == days


def test_the_data_publishes_russia_through_2027_and_poland_needs_no_decree() -> None:
    assert published_through("RU") == 2027
    assert published_through("PL") is None
    assert not official_year("PL", None, 2031).provisional


def test_a_year_without_a_decree_follows_the_labour_code_and_is_provisional() -> None:
    year = official_year("RU", None, 2028)
    assert year.provisional
    # Unity Day, 4 November 2028, is a Saturday: the next working day, Monday 6 November, is off.
    assert date(2028, 11, 6) in year.days_off
    assert not is_legal_working_day(date(2028, 11, 6), RU)
    # The New Year holidays are not moved by the statute (8 January 2028 is a Saturday):
    # Monday 10 January stays a working day until the decree says otherwise.
    assert is_legal_working_day(date(2028, 1, 10), RU)
    # No working Saturdays are invented.
    assert year.working_weekend_days == frozenset()


def test_a_term_reaching_into_an_unpublished_year_is_provisional() -> None:
    due = legal_deadline(date(2027, 12, 27), 10, RU)
    assert due == date(2028, 1, 10)  # 6 January is a holiday, 8-9 January a weekend
    assert provisional_year(date(2027, 12, 27), due, RU) == 2028
    assert provisional_year(date(2027, 12, 1), date(2027, 12, 13), RU) is None
    assert provisional_year(date(2030, 1, 1), legal_deadline(date(2030, 1, 1), 14, PL), PL) is None
