"""``webhook_subscriptions``: where to send which event kinds, and how to sign them.

The signing secret itself is never stored: it is derived from the server's secret key and the
subscription's random salt (:mod:`calmdesk.webhooks.signing`), shown once when made, and only a
short hint of it is kept to tell secrets apart."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from calmdesk.storage.db import Base
from calmdesk.storage.types import JsonType, UTCDateTime, utcnow
from calmdesk.users import models as _users  # noqa: F401 (the table the foreign keys name)


class WebhookSubscription(Base):
    __tablename__ = "webhook_subscriptions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    url: Mapped[str] = mapped_column(String(2000))
    event_kinds: Mapped[list[str]] = mapped_column(JsonType, default=list)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
    secret_salt: Mapped[str] = mapped_column(String(64))
    secret_hint: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("users.id", ondelete="SET NULL")
    )
    secret_rotated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    disabled_by_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("users.id", ondelete="SET NULL")
    )
