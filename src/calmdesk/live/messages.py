"""The messages a turn fans out: ``guidance`` to the contact's channel; ``contact_update``,
``alert`` and ``break_granted`` to the board; ``summary`` at the end (models in ``wire.py``,
documented in ``docs/api.md``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from calmdesk.coach.stages import AlertKind
from calmdesk.live.bus import BOARD_CHANNEL, contact_channel
from calmdesk.live.models import Contact, EventKind
from calmdesk.live.wire import (
    AlertMessage,
    BreakGrantedMessage,
    BusMessage,
    CallSummaryRead,
    ContactUpdateMessage,
    EventView,
    GuidanceMessage,
    SummaryMessage,
    TextRef,
)
from calmdesk.users.models import User

AnswerT = TypeVar("AnswerT", GuidanceMessage, SummaryMessage, BreakGrantedMessage)


@dataclass(frozen=True)
class Outgoing:
    channel: str
    message: BusMessage


@dataclass(frozen=True)
class TurnOutcome(Generic[AnswerT]):
    contact: Contact
    answer: AnswerT
    """What the caller answers (the REST route's body): the guidance, the summary, the break."""
    outgoing: list[Outgoing] = field(default_factory=list)


def contact_update_message(contact: Contact, agent: User) -> ContactUpdateMessage:
    """``{"type": "contact_update", ...}`` for the supervisor board."""
    return ContactUpdateMessage.of(contact, agent)


def event_view(seq: int, fields: dict[str, Any]) -> EventView:
    """The line or action a guidance answers, as the console shows it in the transcript."""
    kind = EventKind(fields["kind"])
    speaker = {EventKind.CUSTOMER_SAID: "customer", EventKind.AGENT_SAID: "agent"}.get(kind)
    return EventView.model_validate(
        {
            "seq": seq,
            "kind": kind,
            "speaker": speaker,
            "text": fields.get("text"),
            "action": fields.get("action"),
        }
    )


def turn_messages(
    contact: Contact, agent: User, guidance: GuidanceMessage, previous_alerts: set[str]
) -> list[Outgoing]:
    """The guidance to the console, the contact's state to the board, and a board ``alert`` for
    each alert kind the previous turn did not have."""
    outgoing = [
        Outgoing(contact_channel(contact.id), guidance),
        Outgoing(BOARD_CHANNEL, contact_update_message(contact, agent)),
    ]
    announced: set[AlertKind] = set()
    for alert in guidance.alerts:
        if alert.kind.value in previous_alerts or alert.kind in announced:
            continue
        announced.add(alert.kind)
        board_alert = AlertMessage(
            contact_id=contact.id,
            kind=alert.kind,
            message=alert.message,
            text=alert.text,
            agent=agent.username,
            agent_name=agent.display_name,
            seq=guidance.seq,
            minutes=alert.minutes,
        )
        outgoing.append(Outgoing(BOARD_CHANNEL, board_alert))
    return outgoing


def end_messages(
    contact: Contact, agent: User, summary: CallSummaryRead
) -> tuple[SummaryMessage, list[Outgoing]]:
    """The ``summary`` to the console; the ended contact and any break recommended to the board."""
    minutes = contact.break_minutes or 0
    end_message = SummaryMessage(
        contact_id=contact.id,
        summary=summary,
        break_recommended=minutes > 0,
        break_minutes=minutes,
    )
    outgoing = [
        Outgoing(contact_channel(contact.id), end_message),
        Outgoing(BOARD_CHANNEL, contact_update_message(contact, agent)),
    ]
    if minutes > 0:
        break_text = TextRef(key="alerts.break_recommended", params={"minutes": minutes})
        alert = AlertMessage(
            contact_id=contact.id,
            kind=AlertKind.BREAK_RECOMMENDED,
            message=break_text.render(agent.language.value),
            text=break_text,
            agent=agent.username,
            agent_name=agent.display_name,
            seq=None,
            minutes=minutes,
        )
        outgoing.append(Outgoing(BOARD_CHANNEL, alert))
    return end_message, outgoing


def break_granted_messages(
    contact: Contact, agent: User, granted_by: User
) -> tuple[BreakGrantedMessage, list[Outgoing]]:
    assert contact.break_granted_minutes is not None
    message = BreakGrantedMessage(
        contact_id=contact.id,
        agent=agent.username,
        minutes=contact.break_granted_minutes,
        granted_by=granted_by.username,
    )
    return message, [
        Outgoing(BOARD_CHANNEL, message),
        Outgoing(contact_channel(contact.id), message),
    ]
