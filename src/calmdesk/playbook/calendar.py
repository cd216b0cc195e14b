"""Business time and legal deadlines on a playbook's :class:`BusinessCalendar`.

Two notions of a "working day" live here, on purpose:

* the **company's** working day (:func:`is_working_day`): a weekday with working periods in the
  playbook, not a public holiday of the country, not a company closure. Internal KPIs run in the
  business time of these days (:func:`business_deadline`, :func:`business_time_between`);
* the **legal** working day (:func:`is_legal_working_day`): any day but Saturday, Sunday and
  public holidays, whatever the company's hours. Statutory deadlines use it
  (:func:`legal_deadline`): a company closure does not extend a consumer's rights.

Every datetime must be timezone-aware; results are in the calendar's time zone. Pure functions:
the only state is a cache of each country's public holidays per year.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

from calmdesk.playbook.schema import WEEKDAYS, BusinessCalendar

# How far ahead to look for working time before deciding the calendar has none.
SEARCH_HORIZON_DAYS = 3 * 366
SATURDAY = 5


@lru_cache(maxsize=256)
def public_holidays(country: str, subdivision: str | None, year: int) -> frozenset[date]:
    """The public holidays of ``country`` (and ``subdivision``) in ``year``."""
    return frozenset(holidays.country_holidays(country, subdiv=subdivision, years=year))


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
    """Not a Saturday, Sunday or public holiday (company hours and closures do not matter)."""
    return day.weekday() < SATURDAY and not is_public_holiday(day, cal)


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
    art. 193). With ``business_days`` only working days are counted (e.g. 15 business days for
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
