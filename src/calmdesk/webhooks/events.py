"""The event kinds a subscription may ask for, and what the domains call when one happens.

The domains (cases, live) call :func:`notify` inside the transaction that records the event;
it writes one outbox message per active subscription asking for that kind, so the deliveries
are committed with the event or not at all. Payloads carry ids, states and times, never a
customer's words or contact details: a receiver that needs more asks the API with its own token.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from calmdesk.outbox import service as outbox
from calmdesk.storage.types import utcnow
from calmdesk.webhooks.models import WebhookSubscription

CHANNEL = "webhook"


class WebhookEventKind(StrEnum):
    ALERT_ABUSE = "alert.abuse"
    """A customer's abuse on a live contact (the board's abuse alert)."""
    ALERT_THREAT_VIOLENCE = "alert.threat_violence"
    """A threat of physical harm to staff or property."""
    ALERT_SELF_HARM = "alert.self_harm"
    """A customer spoke of hurting themselves."""
    ALERT_SUPERVISOR_REQUESTED = "alert.supervisor_requested"
    CASE_CREATED = "case.created"
    CASE_TRANSITIONED = "case.transitioned"
    CASE_SLA_WARNING = "case.sla_warning"
    CASE_SLA_BREACHED = "case.sla_breached"
    CASE_LEGAL_DEADLINE_RISK = "case.legal_deadline_risk"
    CASE_LEGAL_DEADLINE_MISSED = "case.legal_deadline_missed"
    COMPENSATION_AWAITING_APPROVAL = "compensation.awaiting_approval"
    """A proposal above the agent's limit (or appealed) waits for a supervisor."""


def _moment(value: datetime) -> str:
    return value.astimezone(UTC).isoformat()


def subscribers(session: Session, kind: WebhookEventKind) -> list[WebhookSubscription]:
    """The active subscriptions asking for ``kind``."""
    active = session.scalars(
        select(WebhookSubscription)
        .where(WebhookSubscription.is_active.is_(True))
        .order_by(WebhookSubscription.id)
    )
    return [s for s in active if str(kind) in (s.event_kinds or [])]


def notify(
    session: Session, *, kind: WebhookEventKind, data: dict[str, Any], at: datetime | None = None
) -> list[int]:
    """Write the deliveries of one event in the caller's transaction: one outbox message per
    subscriber, all with the same event id. Returns the subscriptions' ids."""
    targets = subscribers(session, kind)
    if not targets:
        return []
    at = at or utcnow()
    event_id = str(uuid.uuid4())
    envelope = {"id": event_id, "type": str(kind), "created_at": _moment(at), "data": data}
    for subscription in targets:
        outbox.enqueue(
            session,
            channel=CHANNEL,
            target_id=subscription.id,
            event_id=event_id,
            event_kind=str(kind),
            payload=envelope,
            now=at,
        )
    return [s.id for s in targets]
