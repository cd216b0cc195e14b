"""Business time and legal deadlines on a playbook's :class:`BusinessCalendar`.

Two notions of a "working day" live here, on purpose:

* the **company's** working day (:func:`is_working_day`): a weekday with working periods in the
  playbook, not a public holiday of the country, not a company closure. Internal KPIs run in the
  business time of these days (:func:`business_deadline`, :func:`business_time_between`);
* the **legal** working day (:func:`is_legal_working_day`): the country's official calendar,
  whatever the company's hours: not a weekend day (unless the calendar makes it a working day,
  like Russia's transferred working Saturdays), not a public holiday or a transferred day off.
  Statutory deadlines use it (:func:`legal_deadline`): a company closure does not extend a
  consumer's rights.

Some countries publish each year's calendar by decree (Russia moves days off every year). A year
the ``holidays`` data does not cover yet is computed by the statute's own default
(:data:`DECREED_CALENDARS`) and reported as provisional (:func:`provisional_year`), so a
deadline is never silently wrong.

Every datetime must be timezone-aware; results are in the calendar's time zone. Pure functions:
the only state is a cache of each country's public holidays per year.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

from calmdesk.playbook.schema import WEEKDAYS, BusinessCalendar

# How far ahead to look for working time before deciding the calendar has none.
SEARCH_HORIZON_DAYS = 3 * 366


@dataclass(frozen=True, slots=True)
class DecreedCalendar:
    """A country whose official calendar of days off is published each year by decree.

    ``published_through`` reads the last year the ``holidays`` data has the decree of;
    a later year follows ``statute``: a public holiday falling on a weekend day gives the next
    working day off, except the holidays in ``no_shift`` (month, day).
    """

    statute: str
    no_shift: frozenset[tuple[int, int]]
    published_through: Callable[[], int]


def _russian_decrees_through() -> int:
    from holidays.countries.russia import RussiaStaticHolidays

    return max(
        {
            *RussiaStaticHolidays.special_public_holidays,
            *RussiaStaticHolidays.special_public_holidays_observed,
        }
    )


DECREED_CALENDARS: dict[str, DecreedCalendar] = {
    # Labour Code art. 112: a day off coinciding with a holiday moves to the next working day
    # after the holiday, except those coinciding with the New Year holidays (1-6 and 8 January)
    # and Christmas (7 January); the Government moves two of those by a yearly decree.
    "RU": DecreedCalendar(
        statute="RU Labour Code art. 112",
        no_shift=frozenset((1, day) for day in range(1, 9)),
        published_through=_russian_decrees_through,
    ),
}
"""Countries whose calendar needs a yearly decree; every other country's calendar follows from
its statutes, which the ``holidays`` data encodes for every year."""


@dataclass(frozen=True, slots=True)
class OfficialYear:
    """One year of a country's official calendar, as the legal clock reads it."""

    days_off: frozenset[date]
    """Public holidays and transferred days off that fall on weekdays or weekends alike."""
    working_weekend_days: frozenset[date]
    """Weekend days the calendar makes working days (e.g. a transferred Saturday)."""
    weekend: frozenset[int]
    """The country's weekend days (``date.weekday()``)."""
    provisional: bool
    """The year's decree is not in the data yet: computed by the statute's default."""


def published_through(country: str) -> int | None:
    """The last year whose official calendar of ``country`` is in the data; ``None`` when the
    calendar needs no yearly decree (every year is known)."""
    decreed = DECREED_CALENDARS.get(country.upper())
    return decreed.published_through() if decreed is not None else None


@lru_cache(maxsize=256)
def official_year(country: str, subdivision: str | None, year: int) -> OfficialYear:
    """``country``'s calendar for ``year``; a year past the published decrees is computed by
    the statute's default and marked provisional."""
    data = holidays.country_holidays(country, subdiv=subdivision, years=year)
    weekend = frozenset(data.weekend)
    days_off = set(data)
    working_weekend_days = frozenset(getattr(data, "weekend_workdays", ()))
    decreed = DECREED_CALENDARS.get(country.upper())
    provisional = decreed is not None and year > decreed.published_through()
    if decreed is not None and provisional:
        for holiday in sorted(days_off):
            if (
                holiday.weekday() in weekend
                and (holiday.month, holiday.day) not in decreed.no_shift
            ):
                moved = holiday + timedelta(days=1)
                while moved.weekday() in weekend or moved in days_off:
                    moved += timedelta(days=1)
                if moved.year == year:
                    days_off.add(moved)
    return OfficialYear(
        days_off=frozenset(days_off),
        working_weekend_days=working_weekend_days,
        weekend=weekend,
        provisional=provisional,
    )


def public_holidays(country: str, subdivision: str | None, year: int) -> frozenset[date]:
    """The public holidays and transferred days off of ``country`` (and ``subdivision``) in
    ``year`` (a provisional year's include the statute's default transfers)."""
    return official_year(country, subdivision, year).days_off


def provisional_year(first: date, last: date, cal: BusinessCalendar) -> int | None:
    """The first year between ``first`` and ``last`` whose official calendar is not published
    yet (``None``: every day in between is known)."""
    for year in range(first.year, last.year + 1):
        if official_year(cal.country, cal.subdivision, year).provisional:
            return year
    return None


def is_public_holiday(day: date, cal: BusinessCalendar) -> bool:
    return day in public_holidays(cal.country, cal.subdivision, day.year)


def is_working_day(day: date, cal: BusinessCalendar) -> bool:
    """The company works that day: it has working periods, is no public holiday or closure."""
    return (
        bool(cal.working_hours.get(WEEKDAYS[day.weekday()]))
        and day not in cal.closures
        and not is_public_holiday(day, cal)
    )


def next_working_day(day: date, cal: BusinessCalendar) -> date:
    """The first company working day strictly after ``day``."""
    for offset in range(1, SEARCH_HORIZON_DAYS):
        candidate = day + timedelta(days=offset)
        if is_working_day(candidate, cal):
            return candidate
    raise ValueError(f"the calendar has no working day within {SEARCH_HORIZON_DAYS} days of {day}")


def is_legal_working_day(day: date, cal: BusinessCalendar) -> bool:
    """A working day of the country's official calendar: a weekday that is no public holiday or
    transferred day off, or a weekend day the calendar makes a working day (company hours and
    closures do not matter)."""
    year = official_year(cal.country, cal.subdivision, day.year)
    if day.weekday() in year.weekend:
        return day in year.working_weekend_days
    return day not in year.days_off


def working_periods(day: date, cal: BusinessCalendar) -> list[tuple[datetime, datetime]]:
    """The working periods of ``day`` as aware datetimes in the calendar's zone, in order."""
    if not is_working_day(day, cal):
        return []
    zone = _zone(cal.timezone)
    periods = sorted(cal.working_hours.get(WEEKDAYS[day.weekday()], []), key=lambda p: p.start)
    return [
        (datetime.combine(day, p.start, tzinfo=zone), datetime.combine(day, p.end, tzinfo=zone))
        for p in periods
    ]


def is_working_time(moment: datetime, cal: BusinessCalendar) -> bool:
    """``moment`` falls inside a working period (its start included, its end excluded)."""
    local = _local(moment, cal)
    return any(start <= local < end for start, end in working_periods(local.date(), cal))


def business_deadline(start: datetime, duration: timedelta, cal: BusinessCalendar) -> datetime:
    """The moment ``duration`` of business time after ``start``.

    A start outside working time begins at the next working period; a deadline that uses up a
    period exactly is that period's end (16:00, not 08:00 the next working day).

    Example, Polish calendar with 08:00-12:00 and 12:30-16:00: 4 h from Tuesday 23 December 2025
    at 15:00 is Monday 29 December at 11:00 (24-26 December are public holidays, 27-28 a weekend).
    """
    if duration < timedelta(0):
        raise ValueError("a business duration cannot be negative")
    remaining = duration
    for period_start, period_end in _periods_from(start, cal):
        begin = max(period_start, start)
        available = _elapsed(begin, period_end)
        if remaining <= available:
            return _in_zone(_utc(begin) + remaining, cal)
        remaining -= available
    raise AssertionError("unreachable: _periods_from raises when the calendar runs out")


def business_time_between(start: datetime, end: datetime, cal: BusinessCalendar) -> timedelta:
    """The business time inside ``[start, end)``; zero when ``end`` is not after ``start``.

    The inverse of :func:`business_deadline`:
    ``business_time_between(s, business_deadline(s, d, cal), cal) == d``.
    """
    total = timedelta(0)
    if end <= start:
        return total
    day = _local(start, cal).date()
    last = _local(end, cal).date()
    while day <= last:
        for period_start, period_end in working_periods(day, cal):
            overlap_start, overlap_end = max(period_start, start), min(period_end, end)
            if overlap_start < overlap_end:
                total += _elapsed(overlap_start, overlap_end)
        day += timedelta(days=1)
    return total


def legal_deadline(
    start: datetime | date, days: int, cal: BusinessCalendar, *, business_days: bool = False
) -> date:
    """The last day of a statutory term of ``days`` counted from ``start`` (the day of receipt).

    The day of receipt is not counted (PL Civil Code art. 111 § 2, RU Civil Code art. 191): a
    14-day term for a complaint received on 1 March ends on 15 March. A term ending on a Saturday,
    Sunday or public holiday ends on the next working day (PL Civil Code art. 115, RU Civil Code
    art. 193); working Saturdays and transferred days off come from the official calendar (a
    Russian 10-day term received on 10 February 2027 ends on the working Saturday 20 February).
    With ``business_days`` only working days are counted (e.g. 15 business days for
    payment services), so the end is a working day by construction. Company closures never
    extend a legal term.
    """
    if days <= 0:
        raise ValueError("a legal term must be at least one day")
    received = _local(start, cal).date() if isinstance(start, datetime) else start
    if business_days:
        day, counted = received, 0
        while counted < days:
            day += timedelta(days=1)
            counted += is_legal_working_day(day, cal)
        return day
    day = received + timedelta(days=days)
    while not is_legal_working_day(day, cal):
        day += timedelta(days=1)
    return day


def _periods_from(start: datetime, cal: BusinessCalendar) -> Iterator[tuple[datetime, datetime]]:
    """Working periods that end after ``start``, in order."""
    day = _local(start, cal).date()
    for offset in range(SEARCH_HORIZON_DAYS):
        for period in working_periods(day + timedelta(days=offset), cal):
            if period[1] > start:
                yield period
    raise ValueError(f"the calendar has no working time within {SEARCH_HORIZON_DAYS} days")


@lru_cache(maxsize=64)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def _local(moment: datetime, cal: BusinessCalendar) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{moment.isoformat()} has no time zone; give an aware datetime")
    return moment.astimezone(_zone(cal.timezone))


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


def _elapsed(start: datetime, end: datetime) -> timedelta:
    """Real time between two aware datetimes (UTC arithmetic, right across DST changes)."""
    return _utc(end) - _utc(start)


def _in_zone(moment: datetime, cal: BusinessCalendar) -> datetime:
    return moment.astimezone(_zone(cal.timezone))
