"""Tables of public complaints: ``social_posts``, their append-only ``social_post_events`` and
the ``social_promises`` made in public.

A post is never deleted (there is no status for it either). Deadlines are indexed columns, so
"overdue" lists and the deadline worker are index range scans.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column

from calmdesk.errors import CalmDeskError
from calmdesk.social.enums import PostStatus
from calmdesk.storage.db import Base
from calmdesk.storage.types import JsonType, UTCDateTime, utcnow


class PublicPost(Base):
    __tablename__ = "social_posts"
    __table_args__ = (
        Index("ix_social_posts_status_resolution_due", "status", "resolution_due"),
        Index("uq_social_posts_platform_external_id", "platform", "external_id", unique=True),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String(32), index=True)
    url: Mapped[str | None] = mapped_column(String(2000))
    author_handle: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    lang: Mapped[str] = mapped_column(String(8))
    posted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    first_response_due: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    resolution_due: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    first_replied_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sla_breached_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    """Set once by the deadline worker when the first-response target passed unanswered."""
    status: Mapped[str] = mapped_column(String(16), default=PostStatus.NEW, index=True)
    # Not a foreign key: the social migration branch stays independent of the cases branch
    # (a cross-branch dependency hides 0002_cases from the database's heads). Cases are never
    # deleted, so the link cannot dangle.
    case_id: Mapped[int | None] = mapped_column(Integer, index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    source: Mapped[str | None] = mapped_column(String(32))
    """The connector it came through (``facebook``, ``generic``, ``csv``); empty: typed in."""
    external_id: Mapped[str | None] = mapped_column(String(200))
    """The platform's id of the post or comment: a retried or edited delivery finds it."""
    deleted_on_platform_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    """The author (or the platform) removed it there; recorded, never applied here."""

    # What the analysis saw when the post came in.
    level: Mapped[str] = mapped_column(String(16))
    anger: Mapped[float] = mapped_column(Float)
    abuse: Mapped[float] = mapped_column(Float)
    intents: Mapped[list[str]] = mapped_column(JsonType, default=list)


class PostEvent(Base):
    """One change of a post; rows are only ever added."""

    __tablename__ = "social_post_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("social_posts.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    data: Mapped[dict[str, Any]] = mapped_column(JsonType, default=dict)


class HistoryIsAppendOnly(CalmDeskError):
    code = "history_is_append_only"
    http_status = 409


@event.listens_for(PostEvent, "before_update")
@event.listens_for(PostEvent, "before_delete")
@event.listens_for(PublicPost, "before_delete")
def _refuse_rewrite(*_: Any) -> None:
    """Events are never changed and posts never deleted (erasure rewrites texts with Core)."""
    raise HistoryIsAppendOnly("public posts are never deleted and their history never rewritten")


class Promise(Base):
    """An action declared in public, with the date it was promised for.

    Open (``done_at`` empty) and past ``due_at`` is the failure seed 003 warns about: announcing
    an action and then not doing it."""

    __tablename__ = "social_promises"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("social_posts.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    made_at: Mapped[datetime] = mapped_column(UTCDateTime)
    made_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    def is_overdue(self, now: datetime) -> bool:
        return self.done_at is None and self.due_at < now


class PostKey(Base):
    """Who a post is about, in one spelling (:func:`calmdesk.analysis.contact_keys.contact_key`):
    its author as ``platform:handle`` and every phone number and e-mail address in its text, so
    a customer's personal-data request finds it. Deleted when the post is erased."""

    __tablename__ = "social_post_keys"
    __table_args__ = (
        UniqueConstraint("post_id", "key", name="uq_social_post_keys"),
        Index("ix_social_post_keys_key", "key"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("social_posts.id"))
    key: Mapped[str] = mapped_column(String(320))
