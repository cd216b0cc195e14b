"""Tables of the cases domain: ``cases``, their append-only ``case_events`` and
``compensations``.

Every deadline is a plain indexed column, so "what is overdue" and "what must the worker look at
next" are index range scans (see ``next_check_at``). History rows are never updated through the
ORM; only :mod:`calmdesk.cases.privacy` rewrites them, with a Core statement, to erase personal
data.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    event,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from calmdesk.cases.enums import CaseStatus, Channel, CompensationKind, CompensationStatus
from calmdesk.errors import CalmDeskError
from calmdesk.storage.db import Base
from calmdesk.storage.types import JsonType, UTCDateTime, utcnow

OPEN_CASE_SQL = "status NOT IN ('resolved', 'closed')"
"""Open cases, as the partial indexes below say it. Queries must spell it the same way (SQLite
matches the terms literally), unqualified: do not use it in a join with another ``status``."""


class Case(Base):
    __tablename__ = "cases"
    __table_args__ = (
        # "Overdue" and "legal risk" lists look at open cases only: a small part of a big table.
        Index(
            "ix_cases_open_resolution_due",
            "resolution_due",
            "id",
            postgresql_where=text(OPEN_CASE_SQL),
            sqlite_where=text(OPEN_CASE_SQL),
        ),
        Index(
            "ix_cases_open_legal_due",
            "legal_due",
            "id",
            postgresql_where=text(OPEN_CASE_SQL),
            sqlite_where=text(OPEN_CASE_SQL),
        ),
        # The reports (cases.reports): complaints received in a period; a contact's case.
        Index("ix_cases_received_at", "received_at"),
        Index("ix_cases_source_contact", "source_contact_id", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    status: Mapped[str] = mapped_column(String(20), default=CaseStatus.RECEIVED, index=True)
    channel: Mapped[str] = mapped_column(String(20), default=Channel.PHONE, index=True)
    language: Mapped[str] = mapped_column(String(8), index=True)
    category: Mapped[str] = mapped_column(String(64), index=True)
    category_suggested: Mapped[bool] = mapped_column(Boolean, default=False)
    severity: Mapped[str] = mapped_column(String(64))
    team: Mapped[str] = mapped_column(String(64), index=True)

    # Personal data: erased by privacy.erase_customer and by retention.
    customer_contact: Mapped[str | None] = mapped_column(String(320), index=True)
    customer_key: Mapped[str | None] = mapped_column(String(320), index=True)
    """The contact in one spelling (:func:`calmdesk.analysis.contact_keys.contact_key`): what
    a customer's requests match on."""
    customer_name: Mapped[str | None] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    references: Mapped[list[str]] = mapped_column(JsonType, default=list)

    occurred_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    source_contact_id: Mapped[int | None] = mapped_column(Integer)
    """The live contact this case came from, if any (no foreign key: another domain's table)."""
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )

    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    first_responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)

    # The internal clock, in business time; paused while waiting for the customer.
    paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    paused_seconds: Mapped[int] = mapped_column(Integer, default=0)
    """Business seconds spent waiting for the customer so far (added to both targets)."""
    first_response_due: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    first_response_warn_at: Mapped[datetime] = mapped_column(UTCDateTime)
    resolution_due: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    resolution_warn_at: Mapped[datetime] = mapped_column(UTCDateTime)

    # The legal clock, in calendar days; never paused.
    legal_due: Mapped[date] = mapped_column(Date, index=True)
    legal_risk_at: Mapped[datetime] = mapped_column(UTCDateTime)
    """Start of the day before ``legal_due`` in the playbook's time zone."""
    legal_missed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    """Start of the day after ``legal_due`` in the playbook's time zone: from then on an open
    case has missed its legal deadline."""
    legal_provisional_year: Mapped[int | None] = mapped_column(Integer)
    """The year whose official calendar ``legal_due`` had to assume (not published yet, so the
    statute's default was used); null when every day of the term is known."""

    # One marker per worker event kind and clock: an event is recorded only while it is null.
    first_response_warned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    first_response_breached_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolution_warned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolution_breached_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    legal_risk_flagged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    legal_missed_flagged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    customer_answer: Mapped[str | None] = mapped_column(String(20))
    """The customer's answer to the proposed solution (:class:`CustomerAnswer`), recorded when
    the case is resolved."""
    callback_due: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    """The next contact promised to the customer (a call-back is a task with its own clock);
    cleared when the customer is told again or the case is resolved."""
    callback_channel: Mapped[str | None] = mapped_column(String(20))

    next_check_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    """When the deadline worker must next look at this case; null when nothing is pending."""

    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    events: Mapped[list[CaseEvent]] = relationship(
        back_populates="case", order_by="CaseEvent.id", lazy="raise_on_sql"
    )

    @property
    def status_enum(self) -> CaseStatus:
        return CaseStatus(self.status)

    def __repr__(self) -> str:
        return f"<Case {self.id} {self.status} {self.category}>"


class CaseEvent(Base):
    """One line of a case's history: who did what, when, from which status to which."""

    __tablename__ = "case_events"
    __table_args__ = (Index("ix_case_events_case_id_id", "case_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str | None] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(JsonType, default=dict)
    """Event details; ``data["changes"]`` holds the case columns this event set."""

    case: Mapped[Case] = relationship(back_populates="events")


class HistoryIsAppendOnly(CalmDeskError):
    code = "history_is_append_only"
    http_status = 409


@event.listens_for(CaseEvent, "before_update")
@event.listens_for(CaseEvent, "before_delete")
def _refuse_history_rewrite(*_: Any) -> None:
    raise HistoryIsAppendOnly("a case's history is append-only: events cannot be changed")


class Compensation(Base):
    __tablename__ = "compensations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(30), default=CompensationKind.VOUCHER)
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    currency: Mapped[str] = mapped_column(String(8))
    """The playbook currency, or ``%`` for a percent discount."""
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), index=True)
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    proposed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    rationale: Mapped[str | None] = mapped_column(Text)
    """The supervisor's answer (approval or rejection); the latest one after an appeal."""
    appeal: Mapped[str | None] = mapped_column(Text)
    """The agent's answer to a rejection (one per proposal); the supervisor then decides again."""
    appealed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    appealed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def status_enum(self) -> CompensationStatus:
        return CompensationStatus(self.status)


class CaseSurvey(Base):
    """The satisfaction survey sent when a case is closed: one per case, answerable once.

    Team, category and owner are copied from the case when it is sent, so results per team,
    category and handler stay what they were when the customer answered."""

    __tablename__ = "case_surveys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), unique=True)
    language: Mapped[str] = mapped_column(String(8))
    team: Mapped[str] = mapped_column(String(64))
    category: Mapped[str] = mapped_column(String(64))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    score: Mapped[int | None] = mapped_column(Integer)
    """1 (very unhappy) to 5 (very happy)."""
    comment: Mapped[str | None] = mapped_column(Text)
    """Personal data: erased with the customer."""


class SavedCaseFilter(Base):
    """A queue filter a user saved under a name (their own; nobody else sees it)."""

    __tablename__ = "case_saved_filters"
    __table_args__ = (UniqueConstraint("user_id", "name", name="uq_case_saved_filters_user_name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    query: Mapped[str] = mapped_column(String(1000))
    """The queue's query string (only the queue's own parameters)."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CaseNote(Base):
    """A note between colleagues on a case (never shown to the customer); ``@username``
    mentions notify those colleagues (:class:`CaseMention`)."""

    __tablename__ = "case_notes"
    __table_args__ = (Index("ix_case_notes_case_id_id", "case_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    """Free text: erased with the customer's personal data."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CaseMention(Base):
    """A colleague named in a note: their notification until they read it."""

    __tablename__ = "case_mentions"
    __table_args__ = (Index("ix_case_mentions_user_id_read_at", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    note_id: Mapped[int] = mapped_column(
        ForeignKey("case_notes.id", ondelete="CASCADE"), index=True
    )
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
