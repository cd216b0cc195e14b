"""The deadline a 5P draft promises: computed from now, never in the past, always in the team's
working hours; a time outside them moves to the next working time with a note (pure: no
database). The property runs a simulated clock over a week, the post's target anywhere from three
days behind to three days ahead of it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calmdesk.playbook.calendar import working_periods
from calmdesk.playbook.load import default_playbook
from calmdesk.playbook.schema import Playbook
from calmdesk.social.clock import OUTSIDE_WORKING_HOURS, RECOUNTED, promised_time
from calmdesk.social.drafts import DraftPost, draft_reply

WEEK_START = datetime(2026, 11, 30, tzinfo=UTC)  # a Monday; no holiday that week in PL, RU, GB
WEEK = 7 * 24 * 60
PLAYBOOKS = {key: default_playbook(key) for key in ("pl", "ru", "en")}


def in_working_hours(moment: datetime, playbook: Playbook) -> bool:
    local = moment.astimezone(ZoneInfo(playbook.calendar.timezone))
    return any(
        start <= local <= end for start, end in working_periods(local.date(), playbook.calendar)
    )


@settings(max_examples=150, deadline=None)
@given(
    key=st.sampled_from(sorted(PLAYBOOKS)),
    weekends=st.booleans(),
    minute=st.integers(min_value=0, max_value=WEEK),
    offset=st.integers(min_value=-3 * 24 * 60, max_value=3 * 24 * 60),
)
def test_the_promised_deadline_is_never_before_now_and_always_in_working_hours(
    key: str, weekends: bool, minute: int, offset: int
) -> None:
    base = PLAYBOOKS[key]
    playbook = base.model_copy(
        update={"public": base.public.model_copy(update={"weekends_included": weekends})}
    )
    now = WEEK_START + timedelta(minutes=minute)
    due = now + timedelta(minutes=offset)
    post = DraftPost(1, key, "@someone", "Order 48213 never arrived.", due)
    draft = draft_reply(playbook, post, now=now)
    assert draft.deadline >= now
    assert in_working_hours(draft.deadline, playbook)
    if due > now and in_working_hours(due, playbook):
        assert draft.deadline == due and draft.deadline_notes == ()
    else:
        assert draft.deadline_notes, "a moved or recounted deadline explains itself"


def test_a_target_already_past_is_counted_again_from_now() -> None:
    """Seed 003's draft promised "2 December, 12:04" read at 18:57 the same day."""
    playbook = PLAYBOOKS["ru"]
    now = datetime(2026, 12, 2, 18, 57, tzinfo=ZoneInfo("Europe/Moscow"))
    due = datetime(2026, 12, 2, 12, 4, tzinfo=ZoneInfo("Europe/Moscow"))
    promised = promised_time(due, now, playbook)
    assert RECOUNTED in promised.reasons
    assert promised.at > now
    post = DraftPost(7, "ru", "@ivan_p", "Курьер не привёз заказ 5521.", due)
    draft = draft_reply(playbook, post, now=now)
    assert "12:04" not in draft.text
    assert any("от текущего момента" in note for note in draft.deadline_notes)


@pytest.mark.parametrize(
    ("lang", "words"),
    [("pl", "poza godzinami pracy"), ("ru", "нерабочие часы"), ("en", "outside working hours")],
)
def test_a_promise_in_the_lunch_break_moves_to_the_afternoon_with_a_note(
    lang: str, words: str
) -> None:
    playbook = PLAYBOOKS["pl"]  # 08:00-12:00 and 12:30-16:00, Europe/Warsaw
    zone = ZoneInfo("Europe/Warsaw")
    now = datetime(2026, 12, 2, 9, 0, tzinfo=zone)
    due = datetime(2026, 12, 2, 12, 15, tzinfo=zone)
    promised = promised_time(due, now, playbook)
    assert promised.at == datetime(2026, 12, 2, 12, 30, tzinfo=zone)
    assert promised.reasons == (OUTSIDE_WORKING_HOURS,)
    assert promised.moved_from == due
    draft = draft_reply(playbook, DraftPost(3, lang, "@marta.k", "Gdzie mój zwrot?", due), now=now)
    [note] = draft.deadline_notes
    assert words in note and "12:15" in note and "12:30" in note


def test_a_promise_on_saturday_moves_to_monday_morning_and_the_end_of_a_day_stays() -> None:
    playbook = PLAYBOOKS["pl"]
    zone = ZoneInfo("Europe/Warsaw")
    now = datetime(2026, 12, 4, 15, 0, tzinfo=zone)  # Friday
    saturday = datetime(2026, 12, 5, 10, 0, tzinfo=zone)
    assert promised_time(saturday, now, playbook).at == datetime(2026, 12, 7, 8, 0, tzinfo=zone)
    closing = datetime(2026, 12, 4, 16, 0, tzinfo=zone)
    assert promised_time(closing, now, playbook) == (closing, (), None)
