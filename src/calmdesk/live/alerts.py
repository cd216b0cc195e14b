"""The board's alerts, kept: every ``alert`` the live bus carries is stored first
(:func:`store_outgoing`, called by :mod:`calmdesk.live.fanout` for whatever publishes), so a board
opened later shows the day's alerts and any supervisor acknowledges one for all of them.

Nothing a person reads is stored here: an alert is its ``kind`` and ``params`` (a rung, the
minutes of a break) and, for the coach's alerts, its message as a key with parameters
(``params["text"]``), rendered in the reader's language when read (the coach's catalog through
:mod:`calmdesk.live.localize`, else the board's labels). Kinds are
ranked by :data:`SEVERITY`; a threat of violence and self-harm are the loudest.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, time
from zoneinfo import ZoneInfo

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from calmdesk.errors import Conflict, NotFound
from calmdesk.fields import storable_id
from calmdesk.live import permissions
from calmdesk.live.bus import BOARD_CHANNEL
from calmdesk.live.messages import Outgoing
from calmdesk.live.models import Alert, Contact
from calmdesk.live.wire import (
    AlertAcknowledgedMessage,
    AlertMessage,
    BoardAlert,
    TextRef,
    board_alert_kind,
)
from calmdesk.storage.types import utcnow
from calmdesk.users.models import User

CRITICAL = 100
SEVERITY: dict[str, int] = {
    "threat_violence": CRITICAL,
    "self_harm": CRITICAL,
    "supervisor_requested": 70,
    "abuse": 60,
    "ended_without_permission": 55,
    "threat_legal": 50,
    "threat_public": 50,
    "rung_climbed": 40,
    "churn_risk": 30,
    "break_recommended": 20,
    "risky_promise": 15,
    "negative_wording": 10,
}
"""How loud each kind is on the board (higher first). A kind published by newer code that is not
listed here is ranked :data:`UNLISTED`, in the middle, never hidden."""
UNLISTED = 35
log = logging.getLogger(__name__)
MAX_TODAY = 500
"""The board shows at most this many of today's alerts (the loudest and newest first)."""


class AlertNotFound(NotFound):
    code = "alert_not_found"


def severity_of(kind: str) -> int:
    return SEVERITY.get(kind, UNLISTED)


def _params(message: AlertMessage) -> dict[str, object]:
    params: dict[str, object] = dict(message.params)
    if message.minutes is not None:
        params.setdefault("minutes", message.minutes)
    text = _storable(message.text)
    if text is not None:
        params[TEXT_PARAM] = {"key": text.key, "params": dict(text.params)}
    return params


TEXT_PARAM = "text"
"""Where a stored alert keeps its message (a key and parameters, never words)."""
QUOTING = frozenset({"evidence", "phrase", "alternative"})
"""Parameters that quote the customer or the agent: never kept in the alerts table (a
customer's erasure clears the contact's events, and the day's alerts outlive them)."""
UNQUOTED = {"alerts.abuse": "alerts.abuse_unquoted"}
"""The message kept instead of one that quotes."""


def _storable(text: TextRef | None) -> TextRef | None:
    """The message as it may be kept: without anyone's words (the unquoted one, or none)."""
    if text is None or not QUOTING & set(text.params):
        return text
    key = UNQUOTED.get(text.key)
    return TextRef(key=key) if key else None


def _text_of(stored: object) -> TextRef | None:
    if not isinstance(stored, dict):
        return None
    try:
        return TextRef.model_validate(stored)
    except ValidationError:  # stored by another version: the board's labels say it then
        return None


def store(session: Session, message: AlertMessage) -> AlertMessage:
    """Store one alert (its kind and params, never its words); the message with its id."""
    contact = session.get(Contact, message.contact_id)
    if contact is None:  # erased meanwhile: nothing to attach it to
        return message
    row = Alert(
        contact_id=contact.id,
        agent_id=contact.agent_id,
        kind=str(message.kind),
        severity=severity_of(str(message.kind)),
        params=_params(message),
        seq=message.seq,
        created_at=message.at or utcnow(),
    )
    session.add(row)
    session.flush()
    return message.model_copy(
        update={"alert_id": row.id, "severity": row.severity, "at": row.created_at}
    )


def store_outgoing(session: Session, outgoing: Sequence[Outgoing]) -> list[Outgoing]:
    """``outgoing`` with each ``alert`` not stored yet stored, in order (the caller commits)."""
    stored: list[Outgoing] = []
    for item in outgoing:
        message = item.message
        if isinstance(message, AlertMessage) and message.alert_id is None:
            item = Outgoing(item.channel, store(session, message))
        stored.append(item)
    return stored


def message_of(alert: Alert) -> AlertMessage:
    """A stored alert as the board's ``alert`` message. ``message`` is left empty: it is put
    into words for the reader (:func:`calmdesk.live.localize.localized`), or the board composes
    them from the kind's label."""
    params = {
        k: v for k, v in (alert.params or {}).items() if isinstance(v, str | int | float | bool)
    }
    minutes = params.get("minutes")
    by = alert.acknowledged_by
    return AlertMessage(
        contact_id=alert.contact_id,
        kind=_kind(alert.kind),
        message="",
        text=_text_of((alert.params or {}).get(TEXT_PARAM)),
        agent=alert.agent.username,
        agent_name=alert.agent.display_name,
        seq=alert.seq,
        minutes=minutes if isinstance(minutes, int) and not isinstance(minutes, bool) else None,
        params=params,
        alert_id=alert.id,
        severity=alert.severity,
        at=alert.created_at,
        acknowledged_at=alert.acknowledged_at,
        acknowledged_by=by.username if by else None,
        acknowledged_by_name=by.display_name if by else None,
    )


def _kind(kind: str) -> BoardAlert:
    return board_alert_kind(kind)


def messages_of(alerts: Sequence[Alert]) -> list[AlertMessage]:
    """:func:`message_of` each, leaving out (and logging) a kind this version does not know:
    one stored by a newer worker during a rolling upgrade."""
    messages: list[AlertMessage] = []
    for alert in alerts:
        try:
            messages.append(message_of(alert))
        except ValueError:
            log.warning("alert %s has a kind this version does not know: %r", alert.id, alert.kind)
    return messages


def start_of_day(now: datetime, timezone: str) -> datetime:
    """Midnight of ``now``'s day in the company's time zone."""
    zone = ZoneInfo(timezone)
    local = now.astimezone(zone)
    return datetime.combine(local.date(), time(0), tzinfo=zone)


def list_today(
    session: Session, *, viewer: User, timezone: str, now: datetime | None = None
) -> list[Alert]:
    """Today's alerts (the company's day), loudest first, then newest first."""
    permissions.ensure_may_watch_board(viewer)
    since = start_of_day(now or utcnow(), timezone)
    query = (
        select(Alert)
        .where(Alert.created_at >= since)
        .order_by(Alert.severity.desc(), Alert.created_at.desc(), Alert.id.desc())
        .limit(MAX_TODAY)
    )
    return list(session.scalars(query).unique())


def acknowledge(session: Session, *, alert_id: int, actor: User) -> tuple[Alert, list[Outgoing]]:
    """A supervisor acknowledges an alert (once: a second time is 409 ``alert_acknowledged``)."""
    permissions.ensure_may_watch_board(actor)
    alert = session.get(Alert, alert_id) if storable_id(alert_id) else None
    if alert is None:
        raise AlertNotFound(f"There is no alert {alert_id}.", alert_id=alert_id)
    if alert.acknowledged_at is not None:
        raise Conflict(
            f"Alert {alert_id} was already acknowledged.",
            code="alert_acknowledged",
            alert_id=alert_id,
        )
    alert.acknowledged_at = utcnow()
    alert.acknowledged_by_id = actor.id
    alert.acknowledged_by = actor
    session.flush()
    message = AlertAcknowledgedMessage(
        alert_id=alert.id,
        contact_id=alert.contact_id,
        acknowledged_at=alert.acknowledged_at,
        acknowledged_by=actor.username,
        acknowledged_by_name=actor.display_name,
    )
    return alert, [Outgoing(BOARD_CHANNEL, message)]
