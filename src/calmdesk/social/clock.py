"""The response clock of a public post.

Public complaints do not wait for Monday: with ``public.weekends_included`` (the default) the
targets run in calendar time, so a post on Saturday at 10:00 with a one-hour target is due on
Saturday at 11:00. Without it they run in the playbook's business time.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import NamedTuple

from calmdesk.playbook.calendar import business_deadline
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
