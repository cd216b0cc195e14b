"""Properties of the internal clock, checked on many random receptions and pauses (pure: no
database): the business time from reception to each target is always the KPI plus the time spent
waiting, however the pauses fall across nights, weekends and holidays."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from calmdesk.cases import deadlines
from calmdesk.cases.models import Case
from calmdesk.playbook.calendar import business_time_between
from calmdesk.playbook.load import default_playbook

START = datetime(2026, 1, 1, tzinfo=UTC)
moments = st.integers(min_value=0, max_value=365 * 24 * 60).map(
    lambda minutes: START + timedelta(minutes=minutes)
)
gaps = st.integers(min_value=1, max_value=10 * 24 * 60).map(lambda m: timedelta(minutes=m))


@settings(max_examples=60, deadline=None)
@given(
    playbook_key=st.sampled_from(["pl", "ru", "en"]),
    received=moments,
    pauses=st.lists(st.tuples(gaps, gaps), max_size=3),
)
def test_targets_are_the_kpi_plus_the_business_time_spent_waiting(
    playbook_key: str, received: datetime, pauses: list[tuple[timedelta, timedelta]]
) -> None:
    playbook = default_playbook(playbook_key)
    category = playbook.categories[0]
    case = Case(category=category.key, status="in_progress", received_at=received, paused_seconds=0)
    deadlines.apply_clocks(case, deadlines.clocks_for(playbook, category, received, timedelta(0)))
    waited, now = timedelta(0), received
    for before, length in pauses:
        now += before
        deadlines.pause(case, at=now)
        now += length
        waited += deadlines.resume(case, at=now, playbook=playbook)
    calendar = playbook.calendar
    assert case.paused_seconds == int(waited.total_seconds())
    assert business_time_between(received, case.resolution_due, calendar) == (
        category.kpi.resolution + waited
    )
    assert business_time_between(received, case.first_response_due, calendar) == (
        category.kpi.first_response + waited
    )
    assert case.first_response_warn_at <= case.first_response_due
    assert case.resolution_warn_at <= case.resolution_due
