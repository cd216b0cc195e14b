"""The messages a turn fans out: ``guidance`` to the contact's channel; ``contact_update``,
``alert`` and ``break_granted`` to the board; ``summary`` at the end (see ``docs/api.md``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from calmdesk.live.bus import BOARD_CHANNEL, Message, contact_channel
from calmdesk.live.coaching import alert_text
from calmdesk.live.models import Contact
from calmdesk.users.models import User


@dataclass(frozen=True)
class Outgoing:
    channel: str
    message: Message


@dataclass(frozen=True)
class TurnOutcome:
    contact: Contact
    guidance: Message | None
    """The ``{"type": "guidance"}`` message of this turn (``None`` when only ending)."""
    outgoing: list[Outgoing] = field(default_factory=list)


def contact_update_message(contact: Contact, agent: User) -> Message:
    """``{"type": "contact_update", ...}`` for the supervisor board."""
    return {
        "type": "contact_update",
        "contact_id": contact.id,
        "agent": agent.username,
        "agent_name": agent.display_name,
        "channel": contact.channel,
        "lang": contact.lang,
        "stage": contact.stage,
        "rung": contact.rung,
        "heat": contact.heat,
        "peak_heat": contact.peak_heat,
        "alerts": list(contact.alerts or []),
        "status": contact.status,
        "turns": contact.event_count,
        "break_minutes": contact.break_minutes,
        "started_at": contact.started_at.isoformat(),
    }


def event_view(seq: int, fields: dict[str, Any]) -> Message:
    """The line or action a guidance answers, as the console shows it in the transcript."""
    kind = fields["kind"]
    speaker = {"customer_said": "customer", "agent_said": "agent"}.get(kind)
    return {
        "seq": seq,
        "kind": str(kind),
        "speaker": speaker,
        "text": fields.get("text"),
        "action": fields.get("action"),
    }


def turn_messages(
    contact: Contact, agent: User, guidance: Message, previous_alerts: set[str]
) -> list[Outgoing]:
    """The guidance to the console, the contact's state to the board, and a board ``alert`` for
    each alert kind the previous turn did not have."""
    outgoing = [
        Outgoing(contact_channel(contact.id), guidance),
        Outgoing(BOARD_CHANNEL, contact_update_message(contact, agent)),
    ]
    for alert in guidance["alerts"]:
        kind = alert.get("kind") if isinstance(alert, dict) else str(alert)
        if kind not in previous_alerts:
            board_alert = {
                "type": "alert",
                "contact_id": contact.id,
                "kind": kind,
                "message": alert_text(alert),
                "agent": agent.username,
                "seq": guidance["seq"],
            }
            outgoing.append(Outgoing(BOARD_CHANNEL, board_alert))
    return outgoing


def end_messages(contact: Contact, agent: User) -> list[Outgoing]:
    """The ``summary`` to the console; the ended contact and any break recommended to the board."""
    minutes = contact.break_minutes or 0
    end_message: Message = {
        "type": "summary",
        "contact_id": contact.id,
        "summary": contact.summary,
        "break_recommended": minutes > 0,
        "break_minutes": minutes,
    }
    outgoing = [
        Outgoing(contact_channel(contact.id), end_message),
        Outgoing(BOARD_CHANNEL, contact_update_message(contact, agent)),
    ]
    if minutes > 0:
        alert = {
            "type": "alert",
            "contact_id": contact.id,
            "kind": "break_recommended",
            "message": f"{agent.display_name}: a {minutes}-minute break is recommended.",
            "agent": agent.username,
            "minutes": minutes,
        }
        outgoing.append(Outgoing(BOARD_CHANNEL, alert))
    return outgoing


def break_granted_messages(contact: Contact, agent: User, granted_by: User) -> list[Outgoing]:
    message = {
        "type": "break_granted",
        "contact_id": contact.id,
        "agent": agent.username,
        "minutes": contact.break_granted_minutes,
        "granted_by": granted_by.username,
    }
    return [Outgoing(BOARD_CHANNEL, message), Outgoing(contact_channel(contact.id), message)]
