"""A live contact (one call or chat) and its append-only events.

The coach's state is never stored: it is rebuilt by replaying a contact's events through a fresh
``Conversation`` (the coach is deterministic). The columns on :class:`Contact` (stage, rung, heat,
alerts) are a denormalised copy of the latest guidance so the board can list contacts cheaply.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from calmdesk.storage.db import Base
from calmdesk.storage.types import UTCDateTime, utcnow
from calmdesk.users.models import User


class ContactStatus(StrEnum):
    LIVE = "live"
    ENDED = "ended"


class EventKind(StrEnum):
    CUSTOMER_SAID = "customer_said"
    AGENT_SAID = "agent_said"
    AGENT_DID = "agent_did"
    STEP_UNDONE = "step_undone"
    WHISPER = "whisper"
    """A supervisor's note that only the agent sees (``text``; ``actor_id`` is who wrote it)."""
    TAKEN_OVER = "taken_over"
    """A supervisor took the contact over (``actor_id``); they may act in it from then on."""


COACH_EVENT_KINDS = frozenset(
    {EventKind.CUSTOMER_SAID, EventKind.AGENT_SAID, EventKind.AGENT_DID, EventKind.STEP_UNDONE}
)
"""The events the coach replays; the supervisor's (whisper, take-over) are not part of the call."""


class Contact(Base):
    __tablename__ = "live_contacts"
    __table_args__ = (Index("ix_live_contacts_status_last_line", "status", "last_line_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    channel: Mapped[str] = mapped_column(String(20))
    lang: Mapped[str | None] = mapped_column(String(5))
    """The language fixed when the contact started; ``None`` lets the coach detect it."""
    can_transfer: Mapped[bool] = mapped_column(Boolean)
    status: Mapped[str] = mapped_column(String(10), default=ContactStatus.LIVE, index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    stage: Mapped[str | None] = mapped_column(String(20))
    rung: Mapped[str | None] = mapped_column(String(20))
    heat: Mapped[float] = mapped_column(Float, default=0.0)
    """The customer's latest heat (the higher of anger and abuse, 0..1)."""
    peak_heat: Mapped[float] = mapped_column(Float, default=0.0)
    alerts: Mapped[list[str]] = mapped_column(JSON, default=list)
    """The alert kinds of the latest guidance."""
    event_count: Mapped[int] = mapped_column(Integer, default=0)
    summary: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    break_minutes: Mapped[int | None] = mapped_column(Integer)
    """The break the playbook recommends after this contact (set when it ends; 0 for none)."""
    break_granted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    break_granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    break_granted_minutes: Mapped[int | None] = mapped_column(Integer)
    break_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    """When the agent asked for a break after this contact (from the console's summary)."""
    last_line_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=utcnow)
    """When the latest line or action came (the start before any): an open contact silent for
    the playbook's ``conversation.idle_timeout_minutes`` times out."""
    redacted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    """When personal data was replaced by placeholders (see :mod:`calmdesk.live.privacy`)."""
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    """When every word of the contact was erased (on request, or after the retention period)."""
    taken_over_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    """The supervisor who took the contact over last (they may act in it, as its agent may)."""
    taken_over_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    agent: Mapped[User] = relationship(foreign_keys="Contact.agent_id")
    events: Mapped[list[ContactEvent]] = relationship(
        back_populates="contact", order_by="ContactEvent.seq", lazy="raise_on_sql"
    )

    @property
    def is_live(self) -> bool:
        return self.status == ContactStatus.LIVE


class ContactEvent(Base):
    """One thing that happened in a contact, with the guidance the coach gave after it.

    Append-only: rows are inserted, never updated (except by personal-data erasure)."""

    __tablename__ = "live_contact_events"
    __table_args__ = (UniqueConstraint("contact_id", "seq", name="uq_live_contact_events_seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("live_contacts.id", ondelete="CASCADE"), index=True
    )
    seq: Mapped[int] = mapped_column(Integer)
    """1-based position in the contact."""
    kind: Mapped[str] = mapped_column(String(20))
    text: Mapped[str | None] = mapped_column(Text)
    """What was said (``customer_said``, ``agent_said``)."""
    action: Mapped[str | None] = mapped_column(String(40))
    """What the agent did (``agent_did``), or the step taken back (``step_undone``)."""
    signals: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    """What the coach read in the event, kept so a replay gives the same guidance even after
    the analysis models or the phrase rules change (and costs no analysis): the analysis of a
    customer's line; the steps heard in an agent's line (``{"heard": [...], "said": [...]}``);
    the turn a ``step_undone`` takes a step back from (``{"turn": n}``)."""
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    guidance: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    contact: Mapped[Contact] = relationship(back_populates="events")


class ContactKey(Base):
    """A phone number or e-mail address said in a contact, in one spelling
    (:func:`calmdesk.analysis.contact_keys.contact_key`), so a customer's personal-data request
    finds the transcripts that hold it. Personal data itself: erased with the contact's words."""

    __tablename__ = "live_contact_keys"
    __table_args__ = (
        UniqueConstraint("contact_id", "key", name="uq_live_contact_keys"),
        Index("ix_live_contact_keys_key", "key"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("live_contacts.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(320))


class Alert(Base):
    """An alert the board showed, kept so the history survives a reload, and acknowledged by
    a supervisor. Words are never stored: ``kind`` and ``params`` (a rung, minutes...) are
    rendered in the reader's language when read (:mod:`calmdesk.live.alerts`)."""

    __tablename__ = "live_alerts"
    __table_args__ = (Index("ix_live_alerts_created_at", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("live_contacts.id", ondelete="CASCADE"), index=True
    )
    agent_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(40))
    severity: Mapped[int] = mapped_column(Integer)
    """Higher is louder (:data:`calmdesk.live.alerts.SEVERITY`): the board's order."""
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    seq: Mapped[int | None] = mapped_column(Integer)
    """The contact event that raised it (``None`` for one raised at the end, a break)."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    agent: Mapped[User] = relationship(foreign_keys="Alert.agent_id", lazy="joined")
    acknowledged_by: Mapped[User | None] = relationship(
        foreign_keys="Alert.acknowledged_by_id", lazy="joined"
    )
