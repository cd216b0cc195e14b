"""The outbox's tables: ``outbox_messages`` (one message to one target) and
``outbox_attempts`` (every attempt to deliver it, append-only but for its outcome)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from calmdesk.storage.db import Base
from calmdesk.storage.types import JsonType, UTCDateTime, utcnow
from calmdesk.users import models as _users  # noqa: F401 (the table the foreign keys name)

PENDING = "pending"
DELIVERED = "delivered"
FAILED = "failed"
"""Given up: the attempts ran out or the target cannot take it (an admin may replay it)."""
STATUSES = (PENDING, DELIVERED, FAILED)


class OutboxMessage(Base):
    """One message for one target of one channel (``webhook``: a subscription).

    ``due_at`` is the one column the worker scans: the moment the message may be tried next
    while it is pending (moved to the end of the lease when a worker claims it), ``NULL`` once
    delivered or given up."""

    __tablename__ = "outbox_messages"
    __table_args__ = (
        # The same event is written at most once for a target, whatever retries the writer made.
        UniqueConstraint("channel", "target_id", "event_id", name="uq_outbox_messages_event"),
        Index("ix_outbox_messages_target", "channel", "target_id", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(32))
    target_id: Mapped[int | None] = mapped_column(Integer)
    """The target within the channel (no foreign key: the channel's own table)."""
    event_id: Mapped[str] = mapped_column(String(64))
    """The idempotency key a receiver dedupes by: the same on every attempt and replay."""
    event_kind: Mapped[str] = mapped_column(String(64), index=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JsonType)
    status: Mapped[str] = mapped_column(String(16), default=PENDING, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    lease_token: Mapped[str | None] = mapped_column(String(32))
    """Who holds the message: set by a claim, checked when the outcome is recorded."""
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    attempts_before_replay: Mapped[int] = mapped_column(Integer, default=0)
    """``attempts`` when an admin last replayed the message: a replay gets a full set again."""
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_status_code: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(Text)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    replayed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    replayed_by_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("users.id", ondelete="SET NULL")
    )

    attempt_rows: Mapped[list[OutboxAttempt]] = relationship(
        back_populates="message",
        order_by="OutboxAttempt.number",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )


class OutboxAttempt(Base):
    """One attempt, written when the message is claimed (``outcome`` ``sending``) and given its
    outcome after: one left ``sending`` past its lease was interrupted (the worker died)."""

    __tablename__ = "outbox_attempts"
    __table_args__ = (UniqueConstraint("message_id", "number", name="uq_outbox_attempts_number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("outbox_messages.id", ondelete="CASCADE")
    )
    number: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[str] = mapped_column(String(16))
    """``sending``, then ``delivered``, ``retry`` or ``failed``."""
    status_code: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)
    duration_ms: Mapped[int | None] = mapped_column(Integer)

    message: Mapped[OutboxMessage] = relationship(back_populates="attempt_rows")
