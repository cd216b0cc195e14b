"""The coach's card for a chat conversation, read from what is stored: the latest guidance of
its live contact (the step, the first phrase, the alerts, the verdict on ending) or, once it
ended, the summary's break. No coaching happens here."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from calmdesk.chat import service
from calmdesk.chat.models import ChatMessage, MessageState
from calmdesk.chat.schemas import CardAlert, CardRead
from calmdesk.chat.service import ConversationKey
from calmdesk.live.localize import localized_record
from calmdesk.live.models import Contact, ContactEvent
from calmdesk.users.models import User


def card_for(session: Session, key: ConversationKey) -> CardRead:
    conversation = service.find(session, key)
    if conversation is None:
        return CardRead(state="unknown")
    contact = session.get(Contact, conversation.contact_id) if conversation.contact_id else None
    if contact is None:
        waiting = session.scalar(
            select(func.count(ChatMessage.id)).where(
                ChatMessage.conversation_id == conversation.id,
                ChatMessage.state == MessageState.PENDING,
            )
        )
        return CardRead(state="waiting", waiting_lines=waiting or 0)
    query = (
        select(ContactEvent.guidance)
        .where(ContactEvent.contact_id == contact.id)
        .order_by(ContactEvent.seq.desc())
        .limit(1)
    )
    agent = session.get(User, contact.agent_id)
    lang = agent.language.value if agent is not None else "en"
    # the coach's words in the language of the agent who reads the card
    guidance: dict[str, Any] = localized_record(session.scalar(query), lang) or {}
    suggestions = guidance.get("suggestions") or []
    first = suggestions[0] if suggestions else {}
    alerts = [
        CardAlert(kind=str(a.get("kind")), message=str(a.get("message", "")))
        for a in guidance.get("alerts") or []
    ]
    return CardRead(
        state="live" if contact.is_live else "ended",
        contact_id=contact.id,
        seq=contact.event_count,
        stage=guidance.get("stage") or contact.stage or "listen",
        rung=guidance.get("rung"),
        phrase=first.get("text"),
        why=first.get("why"),
        alerts=alerts,
        may_end=guidance.get("may_end_call"),
        end_reason=guidance.get("end_call_reason"),
        break_minutes=None if contact.is_live else (contact.break_minutes or 0),
    )
