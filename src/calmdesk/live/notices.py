"""What other systems hear of a live contact: the outgoing webhooks' alert events (abuse, a
threat of violence, self-harm, a request for a supervisor), written in the transaction that
stores the turn raising them, once per alert as the board gets it.

A payload names the contact, its agent (by id: an erased colleague's name must not linger in
the outbox) and the alert; never the customer's words (an abuse alert's message quotes them)
nor anything said about the customer.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from calmdesk.live.messages import Outgoing
from calmdesk.live.models import Contact
from calmdesk.live.wire import AlertMessage
from calmdesk.storage.types import utcnow
from calmdesk.users.models import User
from calmdesk.webhooks.events import WebhookEventKind, notify

ALERT_KINDS: dict[str, WebhookEventKind] = {
    "abuse": WebhookEventKind.ALERT_ABUSE,
    "threat_violence": WebhookEventKind.ALERT_THREAT_VIOLENCE,
    "self_harm": WebhookEventKind.ALERT_SELF_HARM,
    "supervisor_requested": WebhookEventKind.ALERT_SUPERVISOR_REQUESTED,
}
"""The coach's alert kinds (``coach.stages.AlertKind`` values) that are webhook events; a kind
the coach does not raise yet is simply never announced."""


def announce_alerts(
    session: Session, *, contact: Contact, agent: User, outgoing: Sequence[Outgoing]
) -> int:
    """Write the webhook deliveries of the new board alerts among ``outgoing``."""
    written = 0
    at = utcnow()
    for item in outgoing:
        message = item.message
        if not isinstance(message, AlertMessage):
            continue
        kind = ALERT_KINDS.get(str(message.kind))
        if kind is None:
            continue
        notify(
            session,
            kind=kind,
            data={
                "alert": str(message.kind),
                "contact": {
                    "id": contact.id,
                    "channel": contact.channel,
                    "language": contact.lang,
                    "stage": contact.stage,
                    "rung": contact.rung,
                    "heat": contact.heat,
                    "seq": message.seq,
                },
                "agent": {"id": agent.id},
            },
            at=at,
        )
        written += 1
    return written
