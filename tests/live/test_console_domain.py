"""What the agent's console records (issue 12): the outcome of an ended contact told truthfully
(a hang-up after abuse is a ``hang_up`` with the coach's verdict then; ending against it alerts
the board), contacts left open time out, and breaks are per agent."""

from __future__ import annotations

from datetime import timedelta
from functools import partial

import pytest
from sqlalchemy.orm import Session

from calmdesk.coach.stages import AlertKind
from calmdesk.errors import Conflict
from calmdesk.live import service
from calmdesk.live.bus import BOARD_CHANNEL, contact_channel
from calmdesk.live.coaching import ConversationCache
from calmdesk.live.models import Contact, ContactStatus
from calmdesk.live.wire import AlertMessage, ContactUpdateMessage, Speaker, SummaryMessage
from calmdesk.playbook.load import default_playbook
from calmdesk.playbook.schema import Playbook
from calmdesk.storage.types import utcnow
from calmdesk.users.models import User
from tests.live.helpers import DIALOGUE

PLAYBOOK = default_playbook("pl")
FIRST_INSULT = DIALOGUE[:3]  # facts, the agent's answer, the first insult: no warning yet
CALM = [
    {"customer": "Dzień dobry, chciałabym zapytać o termin dostawy zamówienia."},
    {"agent": "Oczywiście, już sprawdzam."},
]


def play(
    session: Session,
    contact: Contact,
    actor: User,
    cache: ConversationCache,
    turns: list[dict[str, str]],
) -> None:
    for turn in turns:
        if "action" in turn:
            say = partial(service.agent_did, action=turn["action"])
        else:
            speaker: Speaker = "customer" if "customer" in turn else "agent"
            say = partial(service.says, speaker=speaker, text=turn[speaker])
        say(session, contact_id=contact.id, actor=actor, playbook=PLAYBOOK, cache=cache)


def ended(
    session: Session, agent: User, cache: ConversationCache, turns: list[dict[str, str]]
) -> tuple[Contact, list[AlertMessage], SummaryMessage]:
    contact = service.start_contact(session, agent=agent, lang="pl", playbook=PLAYBOOK)
    play(session, contact, agent, cache, turns)
    outcome = service.end_contact(
        session, contact_id=contact.id, actor=agent, cache=cache, playbook=PLAYBOOK
    )
    alerts = [o.message for o in outcome.outgoing if isinstance(o.message, AlertMessage)]
    return contact, alerts, outcome.answer


def test_ending_after_an_insult_before_the_warning_is_a_hang_up_the_coach_did_not_allow(
    session: Session, users: dict[str, User], cache: ConversationCache
) -> None:
    contact, alerts, summary = ended(session, users["agent"], cache, FIRST_INSULT)

    assert summary.summary.ended == "hang_up", "not 'closed normally'"
    assert (summary.summary.end_allowed, summary.summary.end_reason) == (False, "warnings")
    assert contact.summary is not None and contact.summary["end_allowed"] is False
    refused = [a for a in alerts if a.kind is AlertKind.ENDED_WITHOUT_PERMISSION]
    assert len(refused) == 1 and refused[0].contact_id == contact.id
    # In the agent's language (Polish), with the coach's reason.
    assert "zasady" in refused[0].message and "ostrzeżenia: 1, udzielone: 0" in refused[0].message


def test_ending_when_the_coach_allows_it_is_a_hang_up_without_an_alert(
    session: Session, users: dict[str, User], cache: ConversationCache
) -> None:
    _, alerts, summary = ended(session, users["agent"], cache, DIALOGUE)

    assert (summary.summary.ended, summary.summary.end_allowed) == ("hang_up", True)
    assert summary.summary.end_reason == "allowed"
    assert AlertKind.ENDED_WITHOUT_PERMISSION not in {a.kind for a in alerts}


def test_a_calm_contact_ends_closed_with_no_verdict_and_no_alert(
    session: Session, users: dict[str, User], cache: ConversationCache
) -> None:
    _, alerts, summary = ended(session, users["agent"], cache, CALM)

    assert (summary.summary.ended, summary.summary.end_allowed) == ("closed", None)
    assert alerts == []


def test_the_guidance_says_what_ending_now_would_record(
    session: Session, users: dict[str, User], cache: ConversationCache
) -> None:
    agent = users["agent"]
    contact = service.start_contact(session, agent=agent, lang="pl", playbook=PLAYBOOK)
    calm = service.says(
        session,
        contact_id=contact.id,
        speaker="customer",
        text=CALM[0]["customer"],
        actor=agent,
        playbook=PLAYBOOK,
        cache=cache,
    )
    insult = service.says(
        session,
        contact_id=contact.id,
        speaker="customer",
        text=DIALOGUE[2]["customer"],
        actor=agent,
        playbook=PLAYBOOK,
        cache=cache,
    )
    assert (calm.answer.end_outcome, insult.answer.end_outcome) == ("closed", "hang_up")


def test_a_contact_left_open_times_out_and_a_recent_one_stays_live(
    session: Session, users: dict[str, User], cache: ConversationCache
) -> None:
    agent = users["agent"]
    idle = service.start_contact(session, agent=agent, lang="pl", playbook=PLAYBOOK)
    play(session, idle, agent, cache, FIRST_INSULT)
    fresh = service.start_contact(session, agent=agent, lang="pl", playbook=PLAYBOOK)
    now = utcnow()
    minutes = PLAYBOOK.conversation.idle_timeout_minutes
    assert minutes == 30, "the default"
    idle.last_line_at = now - timedelta(minutes=minutes, seconds=1)
    fresh.last_line_at = now - timedelta(minutes=minutes - 1)
    session.flush()

    outgoing = service.time_out_idle(session, playbook=PLAYBOOK, now=now)

    assert idle.status == ContactStatus.ENDED and fresh.status == ContactStatus.LIVE
    assert idle.summary is not None and idle.summary["ended"] == "timed_out"
    summaries = [o for o in outgoing if isinstance(o.message, SummaryMessage)]
    assert [o.channel for o in summaries] == [contact_channel(idle.id)]
    updates = [o.message for o in outgoing if isinstance(o.message, ContactUpdateMessage)]
    assert [(u.contact_id, u.status) for u in updates] == [(idle.id, ContactStatus.ENDED)]
    assert all(o.channel == BOARD_CHANNEL for o in outgoing if o not in summaries)
    assert service.time_out_idle(session, playbook=PLAYBOOK, now=now) == []  # once


def test_breaks_are_per_agent_with_the_latest_reason_and_the_insults_of_today(
    session: Session, users: dict[str, User], cache: ConversationCache
) -> None:
    agent, supervisor = users["agent"], users["supervisor"]
    first, _, _ = ended(session, agent, cache, DIALOGUE)
    second, _, _ = ended(session, agent, cache, DIALOGUE)
    assert first.break_minutes and second.break_minutes, "the dialogue is hard enough"

    rows = service.breaks_by_agent(session, playbook=PLAYBOOK, now=utcnow())
    assert [(r.agent.username, r.latest.id, r.contacts) for r in rows] == [("agent", second.id, 2)]
    insults = sum((c.summary or {})["abusive_turns"] for c in (first, second))
    assert rows[0].insults_today == insults > 0

    granted = service.grant_break(
        session, contact_id=second.id, actor=supervisor, playbook=PLAYBOOK
    )
    assert granted.answer.minutes == max(first.break_minutes, second.break_minutes)
    assert first.break_granted_at is not None, "one break for the agent, not one per contact"
    assert service.breaks_by_agent(session, playbook=PLAYBOOK, now=utcnow()) == []
    running = service.latest_break(session, agent_id=agent.id, now=utcnow())
    assert running is not None and running.break_granted_minutes == granted.answer.minutes
    later = utcnow() + timedelta(minutes=granted.answer.minutes + 1)
    assert service.latest_break(session, agent_id=agent.id, now=later) is None


def test_an_agent_asks_for_a_break_after_an_easy_contact(
    session: Session, users: dict[str, User], cache: ConversationCache, playbook: Playbook
) -> None:
    agent, supervisor = users["agent"], users["supervisor"]
    live = service.start_contact(session, agent=agent, lang="pl", playbook=PLAYBOOK)
    with pytest.raises(Conflict, match="once the contact has ended"):
        service.request_break(session, contact_id=live.id, actor=agent)
    contact, _, summary = ended(session, agent, cache, CALM)
    assert summary.break_minutes == 0

    asked, outgoing = service.request_break(session, contact_id=contact.id, actor=agent)
    assert asked.break_requested_at is not None
    alert = outgoing[0].message
    assert isinstance(alert, AlertMessage) and alert.kind is AlertKind.BREAK_REQUESTED
    assert outgoing[0].channel == BOARD_CHANNEL
    rows = service.breaks_by_agent(session, playbook=PLAYBOOK, now=utcnow())
    assert [(r.latest.id, r.requested) for r in rows] == [(contact.id, True)]
    assert rows[0].minutes == PLAYBOOK.conversation.shortest_break

    granted = service.grant_break(
        session, contact_id=contact.id, actor=supervisor, playbook=PLAYBOOK
    )
    assert granted.answer.minutes == PLAYBOOK.conversation.shortest_break


@pytest.fixture
def playbook() -> Playbook:
    return PLAYBOOK
