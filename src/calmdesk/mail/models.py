"""Tables of the mail domain.

``mail_messages``: one row per message read from the mailbox, unique by ``dedupe_key`` (the
Message-ID, or a digest of the message when it has none), written in the same transaction as the
case it created or the case message it added; so a crash before the message is moved out of the
inbox finds the row on restart and creates nothing twice. ``mail_attachments``: what a message
carried, kept up to the size limits. ``mail_notices``: every notice to a customer with its
delivery state (the retry state lives here, so the sending can move onto a shared outbox later).
``mail_state``: small named counters (the case-event cursor of the notice step).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from calmdesk.storage.db import Base
from calmdesk.storage.types import JsonType, UTCDateTime, utcnow


class MailMessage(Base):
    __tablename__ = "mail_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dedupe_key: Mapped[str] = mapped_column(String(64), unique=True)
    """SHA-256 (hex) of the normalised Message-ID, or of the raw message when it has none."""
    message_id: Mapped[str | None] = mapped_column(String(500), index=True)
    mailbox: Mapped[str] = mapped_column(String(200))
    sender: Mapped[str | None] = mapped_column(String(320))
    sender_key: Mapped[str | None] = mapped_column(String(320), index=True)
    subject: Mapped[str | None] = mapped_column(Text)
    size: Mapped[int] = mapped_column(Integer, default=0)
    outcome: Mapped[str] = mapped_column(String(24), index=True)
    reasons: Mapped[list[str]] = mapped_column(JsonType, default=list)
    """Why the outcome, and what was wrong with the message (``broken_mime``, ``html_only``...)."""
    analysis: Mapped[dict[str, Any]] = mapped_column(JsonType, default=dict)
    """The analysis of the text: language, level, anger, abuse (what the case page shows)."""
    case_id: Mapped[int | None] = mapped_column(
        ForeignKey("cases.id", ondelete="SET NULL"), index=True
    )
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class MailAttachment(Base):
    __tablename__ = "mail_attachments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message_row_id: Mapped[int] = mapped_column(
        ForeignKey("mail_messages.id", ondelete="CASCADE"), index=True
    )
    case_id: Mapped[int | None] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(127))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes | None] = mapped_column(LargeBinary)
    """The content; null when it was over a limit (``dropped``) or erased."""
    dropped: Mapped[str | None] = mapped_column(String(32))


class MailNotice(Base):
    __tablename__ = "mail_notices"
    __table_args__ = (Index("ix_mail_notices_status_next", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    language: Mapped[str] = mapped_column(String(8))
    to_address: Mapped[str | None] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    message_id: Mapped[str] = mapped_column(String(255), unique=True)
    in_reply_to: Mapped[str | None] = mapped_column(String(500))
    references: Mapped[list[str]] = mapped_column(JsonType, default=list)
    status: Mapped[str] = mapped_column(String(12), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    source_event_id: Mapped[int | None] = mapped_column(Integer, unique=True)
    """The case event this notice tells the customer about (no foreign key: events are the
    cases domain's, append-only)."""
    event_id: Mapped[int | None] = mapped_column(Integer)
    """The ``customer_informed`` event that records what this notice says."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    details: Mapped[dict[str, Any]] = mapped_column(JsonType, default=dict)


class MailState(Base):
    __tablename__ = "mail_state"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)
