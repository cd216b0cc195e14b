"""Webhook verbs: ``create``, ``list_``, ``get_or_raise``, ``update`` (rename, change the kinds,
disable or enable), ``rotate_secret``; the delivery log: ``deliveries``, ``delivery_or_raise``,
``attempts_of``, ``replay``. Keyword-only, session first; the caller commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from calmdesk.fields import storable_id
from calmdesk.outbox import service as outbox
from calmdesk.outbox.models import OutboxAttempt, OutboxMessage
from calmdesk.storage.types import utcnow
from calmdesk.webhooks import signing, targets
from calmdesk.webhooks.errors import DeliveryNotFound, WebhookNotFound
from calmdesk.webhooks.events import CHANNEL
from calmdesk.webhooks.models import WebhookSubscription

__all__ = [
    "Created",
    "DeliveryNotFound",
    "DeliveryPage",
    "OutboxMessage",
    "WebhookNotFound",
    "WebhookSubscription",
    "attempts_of",
    "create",
    "deliveries",
    "delivery_or_raise",
    "get",
    "get_or_raise",
    "list_",
    "replay",
    "rotate_secret",
    "update",
]
from calmdesk.webhooks.schemas import DeliveryFilters, WebhookCreate, WebhookUpdate


@dataclass(frozen=True, slots=True)
class Created:
    subscription: WebhookSubscription
    secret: str
    """Shown once, to whoever made (or rotated) it; never stored."""


def _kinds(kinds: list[str]) -> list[str]:
    return sorted({str(k) for k in kinds})


def _new_secret(subscription: WebhookSubscription, server_key: str) -> str:
    subscription.secret_salt = signing.new_salt()
    secret = signing.derive_secret(server_key, subscription.secret_salt)
    subscription.secret_hint = signing.hint(secret)
    return secret


def create(
    session: Session,
    *,
    webhook_in: WebhookCreate,
    actor_id: int | None,
    server_key: str,
    allow_private: bool,
    now: datetime | None = None,
) -> Created:
    targets.check_url(webhook_in.url, allow_private=allow_private)
    subscription = WebhookSubscription(
        name=webhook_in.name.strip(),
        url=webhook_in.url,
        event_kinds=_kinds(list(webhook_in.event_kinds)),
        is_active=True,
        created_at=now or utcnow(),
        created_by_id=actor_id,
    )
    secret = _new_secret(subscription, server_key)
    session.add(subscription)
    session.flush()
    return Created(subscription, secret)


def list_(session: Session) -> list[WebhookSubscription]:
    query = select(WebhookSubscription).order_by(
        WebhookSubscription.is_active.desc(), WebhookSubscription.id
    )
    return list(session.scalars(query))


def get(session: Session, *, webhook_id: int | None) -> WebhookSubscription | None:
    if webhook_id is None or not storable_id(webhook_id):
        return None
    return session.get(WebhookSubscription, webhook_id)


def get_or_raise(session: Session, *, webhook_id: int) -> WebhookSubscription:
    found = session.get(WebhookSubscription, webhook_id) if storable_id(webhook_id) else None
    if found is None:
        raise WebhookNotFound(f"There is no webhook {webhook_id}.", webhook_id=webhook_id)
    return found


def update(
    session: Session,
    *,
    subscription: WebhookSubscription,
    webhook_in: WebhookUpdate,
    actor_id: int | None,
    allow_private: bool,
    now: datetime | None = None,
) -> WebhookSubscription:
    """Rename, re-target, change the kinds, disable (pending deliveries are then given up by
    the worker) or enable again."""
    now = now or utcnow()
    fields = webhook_in.model_fields_set
    if "name" in fields and webhook_in.name is not None:
        subscription.name = webhook_in.name.strip()
    if "url" in fields and webhook_in.url is not None:
        targets.check_url(webhook_in.url, allow_private=allow_private)
        subscription.url = webhook_in.url
    if "event_kinds" in fields and webhook_in.event_kinds is not None:
        subscription.event_kinds = _kinds(list(webhook_in.event_kinds))
    if "is_active" in fields and webhook_in.is_active is not None:
        if subscription.is_active and not webhook_in.is_active:
            subscription.disabled_at, subscription.disabled_by_id = now, actor_id
        elif webhook_in.is_active:
            subscription.disabled_at = subscription.disabled_by_id = None
        subscription.is_active = webhook_in.is_active
    session.flush()
    return subscription


def rotate_secret(
    session: Session,
    *,
    subscription: WebhookSubscription,
    server_key: str,
    now: datetime | None = None,
) -> Created:
    """A new secret (the old one stops working at once: deliveries not yet sent are signed with
    the new one)."""
    secret = _new_secret(subscription, server_key)
    subscription.secret_rotated_at = now or utcnow()
    session.flush()
    return Created(subscription, secret)


@dataclass(frozen=True, slots=True)
class DeliveryPage:
    items: list[OutboxMessage]
    total: int
    page: int
    per_page: int


def deliveries(session: Session, *, filters: DeliveryFilters) -> DeliveryPage:
    """The delivery log, newest first."""
    conditions = [OutboxMessage.channel == CHANNEL]
    if filters.webhook_id is not None:
        conditions.append(OutboxMessage.target_id == filters.webhook_id)
    if filters.status is not None:
        conditions.append(OutboxMessage.status == str(filters.status))
    if filters.event_kind is not None:
        conditions.append(OutboxMessage.event_kind == str(filters.event_kind))
    total = session.scalar(select(func.count()).select_from(OutboxMessage).where(*conditions))
    query = (
        select(OutboxMessage)
        .where(*conditions)
        .order_by(OutboxMessage.id.desc())
        .limit(filters.per_page)
        .offset((filters.page - 1) * filters.per_page)
    )
    return DeliveryPage(list(session.scalars(query)), total or 0, filters.page, filters.per_page)


def delivery_or_raise(session: Session, *, delivery_id: int) -> OutboxMessage:
    found = session.get(OutboxMessage, delivery_id) if storable_id(delivery_id) else None
    if found is None or found.channel != CHANNEL:
        raise DeliveryNotFound(f"There is no delivery {delivery_id}.", delivery_id=delivery_id)
    return found


def attempts_of(session: Session, *, delivery: OutboxMessage) -> list[OutboxAttempt]:
    query = (
        select(OutboxAttempt)
        .where(OutboxAttempt.message_id == delivery.id)
        .order_by(OutboxAttempt.number)
    )
    return list(session.scalars(query))


def replay(
    session: Session, *, delivery: OutboxMessage, actor_id: int | None, now: datetime | None = None
) -> OutboxMessage:
    """Send the delivery again (same event id, so a receiver that has it already can tell);
    refused while it is in flight. A delivery of a disabled webhook is replayed once the
    webhook is enabled again (until then the worker gives it up)."""
    outbox.replay(session, message=delivery, actor_id=actor_id, now=now)
    session.flush()
    return delivery
