"""The live service on a real database: turns stored with their guidance, the conversation
cached between turns and rebuilt exactly from the stored events, ending, breaks, access."""

from __future__ import annotations

from functools import partial
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from calmdesk.coach import Conversation
from calmdesk.coach.stages import AlertKind
from calmdesk.errors import InvalidInput, PermissionDenied
from calmdesk.live import service
from calmdesk.live.bus import BOARD_CHANNEL, contact_channel
from calmdesk.live.coaching import ConversationCache, jsonable
from calmdesk.live.models import Contact, ContactEvent, ContactStatus
from calmdesk.live.service import ContactEnded
from calmdesk.live.wire import (
    AlertMessage,
    BoardAlertKind,
    GuidanceMessage,
    Speaker,
    SummaryMessage,
)
from calmdesk.playbook.load import default_playbook
from calmdesk.playbook.schema import Playbook
from calmdesk.users.models import User
from tests.live.helpers import DIALOGUE

PLAYBOOK = default_playbook("pl")


@pytest.fixture
def playbook() -> Playbook:
    return PLAYBOOK


def play(
    session: Session,
    contact: Contact,
    actor: User,
    playbook: Playbook,
    cache: ConversationCache,
    turns: list[dict[str, str]] = DIALOGUE,
    *,
    forget_between_turns: bool = False,
) -> list[GuidanceMessage]:
    guidance = []
    for turn in turns:
        if forget_between_turns:
            cache.forget(contact.id)
        if "action" in turn:
            say = partial(service.agent_did, action=turn["action"])
        else:
            speaker: Speaker = "customer" if "customer" in turn else "agent"
            say = partial(service.says, speaker=speaker, text=turn[speaker])
        outcome = say(session, contact_id=contact.id, actor=actor, playbook=playbook, cache=cache)
        guidance.append(outcome.answer)
    return guidance


def test_it_stores_every_turn_with_the_guidance_given_after_it(
    session: Session, users: dict[str, User], playbook: Playbook, cache: ConversationCache
) -> None:
    agent = users["agent"]
    contact = service.start_contact(session, agent=agent, lang="pl", playbook=playbook)
    given = play(session, contact, agent, playbook, cache)
    session.commit()

    events = service.events_of(session, contact=contact)
    assert [e.seq for e in events] == list(range(1, len(DIALOGUE) + 1))
    assert [e.guidance for e in events] == [g.record() for g in given]
    assert given[0].event.model_dump(mode="json") == {
        "seq": 1,
        "kind": "customer_said",
        "speaker": "customer",
        "text": DIALOGUE[0]["customer"],
        "action": None,
    }
    assert [e.kind for e in events][:3] == ["customer_said", "agent_said", "customer_said"]
    assert events[3].action == "boundary_stated"
    assert events[0].signals is not None and events[1].signals is None
    assert contact.event_count == len(DIALOGUE)
    assert contact.stage == given[-1].stage and contact.rung == given[-1].rung
    assert contact.peak_heat >= contact.heat > 0


def test_a_rebuilt_conversation_gives_the_same_guidance_as_the_cached_one(
    session: Session, users: dict[str, User], playbook: Playbook
) -> None:
    agent = users["agent"]
    cached = service.start_contact(session, agent=agent, lang="pl", playbook=playbook)
    rebuilt = service.start_contact(session, agent=agent, lang="pl", playbook=playbook)

    with_cache = play(session, cached, agent, playbook, ConversationCache())
    replayed = play(
        session, rebuilt, agent, playbook, ConversationCache(), forget_between_turns=True
    )

    def comparable(guidance: GuidanceMessage) -> dict[str, Any]:
        return guidance.model_dump(exclude={"contact_id"})

    assert [comparable(g) for g in replayed] == [comparable(g) for g in with_cache]


def test_it_keeps_the_conversation_cached_under_the_new_event_count(
    session: Session, users: dict[str, User], playbook: Playbook, cache: ConversationCache
) -> None:
    agent = users["agent"]
    contact = service.start_contact(session, agent=agent, playbook=playbook)
    play(session, contact, agent, playbook, cache, DIALOGUE[:2])

    assert cache.take(contact.id, event_count=1) is None  # a stale count is never served
    play(session, contact, agent, playbook, cache, DIALOGUE[2:3])
    conversation = cache.take(contact.id, event_count=3)
    assert conversation is not None and len(conversation.events) == 3


def test_a_turn_fans_out_guidance_to_the_contact_and_state_to_the_board(
    session: Session, users: dict[str, User], playbook: Playbook, cache: ConversationCache
) -> None:
    agent = users["agent"]
    contact = service.start_contact(session, agent=agent, lang="pl", playbook=playbook)
    outcome = service.says(
        session,
        speaker="customer",
        contact_id=contact.id,
        text=DIALOGUE[2]["customer"],
        actor=agent,
        cache=cache,
        playbook=PLAYBOOK,
    )

    by_channel = [(o.channel, o.message.type) for o in outcome.outgoing]
    assert by_channel[:2] == [
        (contact_channel(contact.id), "guidance"),
        (BOARD_CHANNEL, "contact_update"),
    ]
    assert outcome.outgoing[0].message is outcome.answer
    update = outcome.outgoing[1].message
    assert update.type == "contact_update"
    assert update.agent == "agent" and update.status == "live"
    assert update.alerts == [a.kind for a in outcome.answer.alerts]
    board_alerts = [o.message for o in outcome.outgoing if isinstance(o.message, AlertMessage)]
    # Each new alert kind, then the climb onto the ladder's first rung.
    assert [a.kind for a in board_alerts] == [*update.alerts, BoardAlertKind.RUNG_CLIMBED]
    assert board_alerts[-1].params == {"rung": outcome.answer.rung}
    assert {a.seq for a in board_alerts} == {outcome.answer.seq}


def test_ending_stores_the_summary_and_the_recommended_break(
    session: Session, users: dict[str, User], playbook: Playbook, cache: ConversationCache
) -> None:
    agent = users["agent"]
    contact = service.start_contact(session, agent=agent, lang="pl", playbook=playbook)
    play(session, contact, agent, playbook, cache)
    outcome = service.end_contact(
        session, contact_id=contact.id, actor=agent, cache=cache, playbook=PLAYBOOK
    )

    summary = outcome.answer
    # The end is recorded as the agent's call_ended: its guidance first, then the summary.
    first = outcome.outgoing[0].message
    assert isinstance(first, GuidanceMessage) and first.event.action == "call_ended"
    assert isinstance(summary, SummaryMessage)
    assert [o.message for o in outcome.outgoing if o.message.type == "summary"] == [summary]
    assert contact.status == ContactStatus.ENDED and contact.ended_at is not None
    assert contact.summary == summary.summary.model_dump(mode="json")
    assert summary.summary.turns == len(DIALOGUE) + 1
    expected = playbook.conversation.break_for(summary.summary.difficulty)
    assert contact.break_minutes == summary.break_minutes == expected
    with pytest.raises(ContactEnded):
        service.says(
            session,
            speaker="customer",
            contact_id=contact.id,
            text="halo?",
            actor=agent,
            playbook=PLAYBOOK,
        )


def test_the_call_ended_action_ends_the_contact(
    session: Session, users: dict[str, User], playbook: Playbook, cache: ConversationCache
) -> None:
    agent = users["agent"]
    contact = service.start_contact(session, agent=agent, lang="pl", playbook=playbook)
    play(session, contact, agent, playbook, cache, [*DIALOGUE, {"action": "call_ended"}])

    assert contact.status == ContactStatus.ENDED
    assert contact.summary is not None and contact.summary["ended"] == "hang_up"


def test_a_hang_up_alerts_the_board_of_the_break_once(
    session: Session, users: dict[str, User], playbook: Playbook, cache: ConversationCache
) -> None:
    agent = users["agent"]
    contact = service.start_contact(session, agent=agent, lang="pl", playbook=playbook)
    play(session, contact, agent, playbook, cache)
    outcome = service.agent_did(
        session,
        contact_id=contact.id,
        action="call_ended",
        actor=agent,
        cache=cache,
        playbook=PLAYBOOK,
    )

    kinds = [o.message.kind for o in outcome.outgoing if isinstance(o.message, AlertMessage)]
    assert contact.break_minutes, "the dialogue is hard enough for a break"
    assert kinds.count(AlertKind.BREAK_RECOMMENDED) == 1
    types = [o.message.type for o in outcome.outgoing]
    assert types[0] == "guidance" and "summary" in types


def test_a_supervisor_grants_the_break_once(
    session: Session, users: dict[str, User], playbook: Playbook, cache: ConversationCache
) -> None:
    agent, supervisor = users["agent"], users["supervisor"]
    contact = service.start_contact(session, agent=agent, playbook=playbook)
    with pytest.raises(Exception, match="once the contact has ended"):
        service.grant_break(session, contact_id=contact.id, actor=supervisor, minutes=10)
    service.end_contact(session, contact_id=contact.id, actor=agent, cache=cache, playbook=PLAYBOOK)
    with pytest.raises(PermissionDenied):
        service.grant_break(session, contact_id=contact.id, actor=agent, minutes=10)

    outcome = service.grant_break(session, contact_id=contact.id, actor=supervisor, minutes=10)
    assert outcome.answer.minutes == 10 and outcome.answer.granted_by == "supervisor"
    # The board, the contact's console and the agent's own channel (wherever the agent is).
    assert [o.message for o in outcome.outgoing] == [outcome.answer] * 3
    assert [o.channel for o in outcome.outgoing] == [
        "board",
        f"contact:{contact.id}",
        f"agent:{agent.id}",
    ]
    assert contact.break_granted_minutes == 10 and contact.break_granted_by_id == supervisor.id
    with pytest.raises(Exception, match="already granted"):
        service.grant_break(session, contact_id=contact.id, actor=supervisor, minutes=10)


def test_an_agent_works_only_their_own_contacts(
    session: Session, users: dict[str, User], playbook: Playbook
) -> None:
    contact = service.start_contact(session, agent=users["supervisor"], playbook=playbook)
    with pytest.raises(PermissionDenied):
        service.says(
            session,
            speaker="customer",
            contact_id=contact.id,
            text="dzień dobry",
            actor=users["agent"],
            playbook=PLAYBOOK,
        )
    assert service.list_(session, viewer=users["agent"]) == []
    assert service.list_(session, viewer=users["supervisor"]) == [contact]


@pytest.mark.parametrize("role", ["admin", "handler"])
def test_only_agents_and_supervisors_take_contacts(
    session: Session, users: dict[str, User], playbook: Playbook, role: str
) -> None:
    with pytest.raises(PermissionDenied):
        service.start_contact(session, agent=users[role], actor=users[role], playbook=playbook)


@pytest.mark.parametrize(
    ("channel", "lang", "named"),
    [("pigeon", "pl", "pigeon"), ("phone", "de", "de")],
    ids=["channel", "lang"],
)
def test_it_refuses_an_unknown_channel_or_language(
    session: Session,
    users: dict[str, User],
    playbook: Playbook,
    channel: str,
    lang: str,
    named: str,
) -> None:
    with pytest.raises(InvalidInput, match=named):
        service.start_contact(
            session, agent=users["agent"], playbook=playbook, channel=channel, lang=lang
        )


@pytest.mark.parametrize("text", ["", "   ", "x" * 5001])
def test_it_refuses_an_empty_or_huge_line(
    session: Session, users: dict[str, User], playbook: Playbook, text: str
) -> None:
    contact = service.start_contact(session, agent=users["agent"], playbook=playbook)
    with pytest.raises(InvalidInput):
        service.says(
            session,
            speaker="customer",
            contact_id=contact.id,
            text=text,
            actor=users["agent"],
            playbook=PLAYBOOK,
        )
    assert contact.event_count == 0


def test_explanations_follow_the_agents_language_and_phrases_the_customers(
    session: Session, users: dict[str, User], playbook: Playbook, cache: ConversationCache
) -> None:
    """The cast's supervisor works in Russian; the customer writes Polish."""
    supervisor = users["supervisor"]
    contact = service.start_contact(session, agent=supervisor, lang="pl", playbook=playbook)
    line = DIALOGUE[2]["customer"]
    outcome = service.says(
        session,
        speaker="customer",
        contact_id=contact.id,
        text=line,
        actor=supervisor,
        cache=cache,
        playbook=PLAYBOOK,
    )

    def direct(ui_lang: str) -> dict[str, Any]:
        conversation = Conversation(
            playbook,
            lang="pl",
            agent_name=supervisor.display_name,
            can_transfer=contact.can_transfer,
            started_at=contact.started_at,
            ui_lang=ui_lang,
        )
        return dict(jsonable(conversation.customer_says(line).to_dict()))

    in_russian, in_polish = direct("ru"), direct("pl")
    alerts = [a.model_dump(mode="json") for a in outcome.answer.alerts]
    assert alerts == in_russian["alerts"] != in_polish["alerts"]
    suggestions = [s.model_dump(mode="json") for s in outcome.answer.suggestions]
    assert suggestions == in_russian["suggestions"]


def test_a_nul_and_other_invisible_characters_are_removed_from_a_line(
    session: Session, users: dict[str, User], playbook: Playbook
) -> None:
    """The one line check removes them (PostgreSQL cannot store a NUL); a line of nothing else
    is empty."""
    contact = service.start_contact(session, agent=users["agent"], playbook=playbook)
    service.says(
        session,
        speaker="customer",
        contact_id=contact.id,
        text="a\x00b\u200b",
        actor=users["agent"],
        playbook=PLAYBOOK,
    )
    stored = session.scalars(
        select(ContactEvent.text).where(ContactEvent.contact_id == contact.id)
    ).all()
    assert "ab" in stored
    with pytest.raises(InvalidInput) as error:
        service.says(
            session,
            speaker="customer",
            contact_id=contact.id,
            text="\x00\u200b",
            actor=users["agent"],
            playbook=PLAYBOOK,
        )
    assert error.value.code == "empty_text"
