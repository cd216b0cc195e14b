"""What other systems hear of a case's history: the outgoing webhooks' case events, written
by :func:`calmdesk.cases.history.record` in the transaction of the event itself.

A payload names the case by id with its state and deadlines, never the customer (contact,
name, description) nor a note: a receiver that needs more reads the case through the API.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy.orm import Session

from calmdesk.cases.enums import CaseEventKind, CompensationStatus
from calmdesk.cases.models import Case, CaseEvent
from calmdesk.webhooks.events import WebhookEventKind, notify

CASE_EVENT_KINDS: dict[str, WebhookEventKind] = {
    CaseEventKind.CREATED: WebhookEventKind.CASE_CREATED,
    CaseEventKind.STATUS_CHANGED: WebhookEventKind.CASE_TRANSITIONED,
    CaseEventKind.SLA_WARNING: WebhookEventKind.CASE_SLA_WARNING,
    CaseEventKind.SLA_BREACHED: WebhookEventKind.CASE_SLA_BREACHED,
    CaseEventKind.LEGAL_DEADLINE_RISK: WebhookEventKind.CASE_LEGAL_DEADLINE_RISK,
    CaseEventKind.LEGAL_DEADLINE_MISSED: WebhookEventKind.CASE_LEGAL_DEADLINE_MISSED,
}
EVENT_DATA_KEYS = ("clock", "deadline")
"""What a worker event's data adds (which clock, its deadline)."""
COMPENSATION_KEYS = ("compensation_id", "kind", "amount", "currency", "why_pending")


def _value(value: datetime | date | None) -> str | None:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    return value.isoformat() if value is not None else None


def case_view(case: Case) -> dict[str, Any]:
    return {
        "id": case.id,
        "status": case.status,
        "category": case.category,
        "severity": case.severity,
        "team": case.team,
        "channel": case.channel,
        "language": case.language,
        "owner_id": case.owner_id,
        "received_at": _value(case.received_at),
        "first_response_due": _value(case.first_response_due),
        "resolution_due": _value(case.resolution_due),
        "legal_due": _value(case.legal_due),
    }


def kind_of(event: CaseEvent) -> WebhookEventKind | None:
    """The webhook event kind of a history event, if it is one."""
    data = event.data or {}
    if event.kind == CaseEventKind.COMPENSATION_PROPOSED:
        pending = data.get("status") == CompensationStatus.PENDING
        return WebhookEventKind.COMPENSATION_AWAITING_APPROVAL if pending else None
    if event.kind == CaseEventKind.COMPENSATION_APPEALED:
        return WebhookEventKind.COMPENSATION_AWAITING_APPROVAL
    return CASE_EVENT_KINDS.get(event.kind)


def announce(session: Session, *, case: Case, event: CaseEvent) -> None:
    """Write the webhook deliveries of ``event``, if other systems hear of its kind."""
    kind = kind_of(event)
    if kind is None:
        return
    data = event.data or {}
    detail: dict[str, Any] = {
        "event_id": event.id,
        "kind": event.kind,
        "at": _value(event.at),
        "actor_id": event.actor_id,
    }
    if event.from_status or event.to_status:
        detail.update(from_status=event.from_status, to_status=event.to_status)
    detail.update({k: data[k] for k in EVENT_DATA_KEYS if k in data})
    payload: dict[str, Any] = {"case": case_view(case), "case_event": detail}
    if kind is WebhookEventKind.COMPENSATION_AWAITING_APPROVAL:
        payload["compensation"] = {k: data[k] for k in COMPENSATION_KEYS if k in data}
        payload["compensation"]["appealed"] = event.kind == CaseEventKind.COMPENSATION_APPEALED
    notify(session, kind=kind, data=payload, at=event.at)
