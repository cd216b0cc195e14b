"""The messages a turn fans out: ``guidance`` to the contact's channel; ``contact_update``,
``alert`` and ``break_granted`` to the board; ``summary`` at the end (models in ``wire.py``,
documented in ``docs/api.md``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from calmdesk.coach import messages as coach_messages
from calmdesk.coach.stages import AlertKind, rung_index
from calmdesk.live.bus import BOARD_CHANNEL, agent_channel, contact_channel
from calmdesk.live.models import Contact, EventKind
from calmdesk.live.wire import (
    AlertMessage,
    BoardAlert,
    BoardAlertKind,
    BreakGrantedMessage,
    BusMessage,
    CallSummaryRead,
    ContactUpdateMessage,
    EventView,
    GuidanceMessage,
    SummaryMessage,
    TakenOverMessage,
    TextRef,
    WhisperMessage,
)
from calmdesk.playbook.schema import Stage
from calmdesk.users.models import User

AnswerT = TypeVar(
    "AnswerT",
    GuidanceMessage,
    SummaryMessage,
    BreakGrantedMessage,
    WhisperMessage,
    TakenOverMessage,
)


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


def contact_update_message(
    contact: Contact, agent: User, taken_over_by: User | None = None
) -> ContactUpdateMessage:
    """``{"type": "contact_update", ...}`` for the supervisor board."""
    return ContactUpdateMessage.of(contact, agent, taken_over_by)


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


LOUDEST_INTENTS = (BoardAlertKind.THREAT_VIOLENCE, BoardAlertKind.SELF_HARM)
"""Intents of the analysis that are alerts of their own on the board, whatever the coach says."""


def intent_alerts(guidance: GuidanceMessage) -> list[BoardAlertKind]:
    """The loudest intents in the customer's line this guidance answers."""
    intents = set(guidance.signals.intents) if guidance.signals is not None else set()
    return [kind for kind in LOUDEST_INTENTS if kind.value in intents]


def board_alert_kinds(guidance: GuidanceMessage) -> list[str]:
    """What the contact's ``alerts`` column keeps: the coach's kinds and the loudest intents."""
    kinds = guidance.alert_kinds()
    kinds.extend(k.value for k in intent_alerts(guidance) if k.value not in kinds)
    return kinds


def turn_messages(
    contact: Contact,
    agent: User,
    guidance: GuidanceMessage,
    previous_alerts: set[str],
    previous_rung: str | None = None,
    taken_over_by: User | None = None,
) -> list[Outgoing]:
    """The guidance to the console, the contact's state to the board, and a board ``alert`` for
    each alert kind the previous turn did not have (a threat of violence or self-harm in the
    customer's words included) and for a climb of a ladder rung."""
    outgoing = [
        Outgoing(contact_channel(contact.id), guidance),
        Outgoing(BOARD_CHANNEL, contact_update_message(contact, agent, taken_over_by)),
    ]

    def alert(kind: BoardAlert, message: str, text: TextRef | None = None, **extra: Any) -> None:
        board_alert = AlertMessage(
            contact_id=contact.id,
            kind=kind,
            message=message,
            text=text,
            agent=agent.username,
            agent_name=agent.display_name,
            seq=guidance.seq,
            **extra,
        )
        outgoing.append(Outgoing(BOARD_CHANNEL, board_alert))

    announced: set[str] = set()
    for coach_alert in guidance.alerts:  # the coach's first: they carry the procedure's words
        kind_value = coach_alert.kind.value
        if kind_value in previous_alerts or kind_value in announced:
            continue
        announced.add(kind_value)
        alert(coach_alert.kind, coach_alert.message, coach_alert.text, minutes=coach_alert.minutes)
    for kind in intent_alerts(guidance):
        if kind.value not in previous_alerts and kind.value not in announced:
            announced.add(kind.value)
            alert(kind, "")
    rung = guidance.rung
    if rung is not None and rung_index(rung) > rung_index(_stage(previous_rung)):
        alert(BoardAlertKind.RUNG_CLIMBED, "", params={"rung": rung.value})
    return outgoing


def _agent_lang(agent: User) -> str:
    lang = str(agent.language)
    return lang if lang in coach_messages.UI_LANGUAGES else "en"


def _stage(value: str | None) -> Stage | None:
    return Stage(value) if value else None


def end_messages(
    contact: Contact, agent: User, summary: CallSummaryRead, *, warnings_needed: int = 1
) -> tuple[SummaryMessage, list[Outgoing]]:
    """The ``summary`` to the console; the ended contact, any break recommended and a hang-up
    the coach did not allow (``ended_without_permission``) to the board."""
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
    lang = _agent_lang(agent)
    if summary.ended == "hang_up" and summary.end_allowed is False:
        # the reason is a message of its own, put into words for each reader with the alert
        ended_text = TextRef(
            key="alerts.ended_without_permission",
            params={
                "reason": summary.end_reason or "ladder",
                "needed": warnings_needed,
                "given": summary.warnings,
                "rung": summary.highest_rung.value if summary.highest_rung else "-",
            },
        )
        outgoing.append(
            Outgoing(
                BOARD_CHANNEL,
                AlertMessage(
                    contact_id=contact.id,
                    kind=AlertKind.ENDED_WITHOUT_PERMISSION,
                    message=ended_text.render(lang),
                    text=ended_text,
                    agent=agent.username,
                    agent_name=agent.display_name,
                    seq=contact.event_count or None,
                ),
            )
        )
    if minutes > 0:
        break_text = TextRef(key="alerts.break_recommended", params={"minutes": minutes})
        alert = AlertMessage(
            contact_id=contact.id,
            kind=AlertKind.BREAK_RECOMMENDED,
            message=break_text.render(lang),
            text=break_text,
            agent=agent.username,
            agent_name=agent.display_name,
            seq=None,
            minutes=minutes,
        )
        outgoing.append(Outgoing(BOARD_CHANNEL, alert))
    return end_message, outgoing


def break_requested_messages(contact: Contact, agent: User) -> list[Outgoing]:
    """The agent asked for a break: an ``alert`` on the board."""
    requested = TextRef(key="alerts.break_requested")
    alert = AlertMessage(
        contact_id=contact.id,
        kind=AlertKind.BREAK_REQUESTED,
        message=requested.render(_agent_lang(agent)),
        text=requested,
        agent=agent.username,
        agent_name=agent.display_name,
        seq=None,
        minutes=contact.break_minutes or None,
    )
    return [Outgoing(BOARD_CHANNEL, alert)]


def break_granted_message(contact: Contact, agent: User, granted_by: User) -> BreakGrantedMessage:
    assert contact.break_granted_minutes is not None
    return BreakGrantedMessage(
        contact_id=contact.id,
        agent=agent.username,
        minutes=contact.break_granted_minutes,
        granted_by=granted_by.username,
        granted_by_name=granted_by.display_name,
        granted_at=contact.break_granted_at,
    )


def break_granted_messages(
    contact: Contact, agent: User, granted_by: User
) -> tuple[BreakGrantedMessage, list[Outgoing]]:
    """The break to the board, the contact's console and the agent wherever they are."""
    message = break_granted_message(contact, agent, granted_by)
    return message, [
        Outgoing(BOARD_CHANNEL, message),
        Outgoing(contact_channel(contact.id), message),
        Outgoing(agent_channel(agent.id), message),
    ]
