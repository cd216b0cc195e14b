"""The chat domain's tables: which platform agent is which CalmDesk user, each platform
conversation and the live contact it feeds, every message received (for idempotency), and the
private notes waiting to be posted back.

A message's text is kept here only while it waits for an agent (a conversation nobody linked is
handling yet); once fed to the contact (whose events hold it) or dropped, the text is cleared.
A note's text is cleared once Chatwoot has it.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from calmdesk.storage.db import Base
from calmdesk.storage.types import UTCDateTime, utcnow

CHATWOOT = "chatwoot"


class ConversationStatus(StrEnum):
    OPEN = "open"
    ENDED = "ended"


class MessageState(StrEnum):
    PENDING = "pending"
    """Waiting for a linked agent; the text is kept until then."""
    FED = "fed"
    """A line of the live contact (its event ``seq`` is recorded)."""
    DROPPED = "dropped"
    """Never fed: the conversation ended before an agent was known, or too many lines waited."""


class NoteStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
    """Given up after the last attempt; the error is kept."""


class AgentLink(Base):
    """A platform's agent (a Chatwoot user id within an account) is this CalmDesk user."""

    __tablename__ = "chat_agent_links"
    __table_args__ = (UniqueConstraint("platform", "account", "external_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String(32))
    account: Mapped[str] = mapped_column(String(64))
    external_id: Mapped[str] = mapped_column(String(128))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ChatConversation(Base):
    """One conversation of a platform; ``contact_id`` is its current live contact (a conversation
    reopened after it was resolved gets a new one)."""

    __tablename__ = "chat_conversations"
    __table_args__ = (UniqueConstraint("platform", "account", "external_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String(32))
    account: Mapped[str] = mapped_column(String(64))
    external_id: Mapped[str] = mapped_column(String(128))
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("live_contacts.id", ondelete="SET NULL"), index=True
    )
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(10), default=ConversationStatus.OPEN)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ChatMessage(Base):
    """A message received once: a second delivery of the same id changes nothing."""

    __tablename__ = "chat_messages"
    __table_args__ = (UniqueConstraint("conversation_id", "external_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("chat_conversations.id", ondelete="CASCADE"), index=True
    )
    external_id: Mapped[str] = mapped_column(String(128))
    speaker: Mapped[str] = mapped_column(String(10))
    state: Mapped[str] = mapped_column(String(10))
    text: Mapped[str | None] = mapped_column(Text)
    contact_id: Mapped[int | None] = mapped_column(Integer)
    seq: Mapped[int | None] = mapped_column(Integer)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ChatNote(Base):
    """A private note to post on the platform's conversation, with its own retry state."""

    __tablename__ = "chat_notes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("chat_conversations.id", ondelete="CASCADE"), index=True
    )
    key: Mapped[str] = mapped_column(String(200), unique=True)
    """What the note is about (``alert:<contact>:<seq>:<kind>``, ``case:<id>``): queued once."""
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default=NoteStatus.PENDING, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    last_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
