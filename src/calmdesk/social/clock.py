"""The response clock of a public post.

Public complaints do not wait for Monday: with ``public.weekends_included`` (the default) the
targets run in calendar time, so a post on Saturday at 10:00 with a one-hour target is due on
Saturday at 11:00. Without it they run in the playbook's business time.

What a reply *promises* is another matter (:func:`promised_time`): it lies ahead of now and in
the team's working hours, whatever the response clock says.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from calmdesk.playbook.calendar import SEARCH_HORIZON_DAYS, business_deadline, working_periods
from calmdesk.playbook.schema import Playbook


class PostClock(NamedTuple):
    first_response_due: datetime
    resolution_due: datetime


def due_after(start: datetime, duration: timedelta, playbook: Playbook) -> datetime:
    if playbook.public.weekends_included:
        return start + duration
    return business_deadline(start, duration, playbook.calendar)


def clock_for(received_at: datetime, playbook: Playbook) -> PostClock:
    public = playbook.public
    return PostClock(
        first_response_due=due_after(received_at, public.first_response, playbook),
        resolution_due=due_after(received_at, public.resolution, playbook),
    )


class PromisedTime(NamedTuple):
    """When a reply may promise a resolution: never before now, always in working time.

    ``reason`` says why it is not the post's resolution target: ``recounted`` (the target
    had passed, so the time is counted again from now) and/or ``outside_working_hours`` (it
    fell outside the team's working hours and moved to the next working time);
    ``moved_from`` is the time before that move."""

    at: datetime
    reasons: tuple[str, ...] = ()
    moved_from: datetime | None = None


RECOUNTED = "recounted"
OUTSIDE_WORKING_HOURS = "outside_working_hours"


def next_working_moment(moment: datetime, playbook: Playbook) -> datetime:
    """``moment`` itself when it lies in a working period (its end included), else the start of
    the next working period (in the calendar's time zone)."""
    cal = playbook.calendar
    zone = ZoneInfo(cal.timezone)
    day = moment.astimezone(zone).date()
    for offset in range(SEARCH_HORIZON_DAYS):
        for start, end in working_periods(day + timedelta(days=offset), cal):
            if end >= moment:  # "by 16:00" is a fine promise from a team working until 16:00
                return max(start, moment.astimezone(zone))
    raise ValueError(f"the calendar has no working time within {SEARCH_HORIZON_DAYS} days")


def promised_time(resolution_due: datetime, now: datetime, playbook: Playbook) -> PromisedTime:
    """The time a draft promises: the post's resolution target while it lies ahead, else the
    resolution target counted again from ``now``; moved to the next working time when the team
    does not work then (a promise the team is not there to keep is no promise)."""
    reasons: list[str] = []
    candidate = resolution_due
    if candidate <= now:
        candidate = due_after(now, playbook.public.resolution, playbook)
        reasons.append(RECOUNTED)
    at = next_working_moment(candidate, playbook)
    if at != candidate:
        reasons.append(OUTSIDE_WORKING_HOURS)
        return PromisedTime(at, tuple(reasons), candidate)
    return PromisedTime(at, tuple(reasons), None)
