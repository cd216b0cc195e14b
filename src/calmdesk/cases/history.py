"""Writing a case's history: every change is an appended :class:`CaseEvent` carrying the
columns it set (``data["changes"]``), so the case can be rebuilt from its events alone
(:mod:`calmdesk.cases.rebuild`)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy.orm import Session

from calmdesk.cases import notices
from calmdesk.cases.enums import CaseEventKind
from calmdesk.cases.models import Case, CaseEvent
from calmdesk.storage.types import utcnow

UNTRACKED = frozenset({"id", "created_at", "updated_at"})
TRACKED_FIELDS: tuple[str, ...] = tuple(
    c.key for c in Case.__table__.columns if c.key not in UNTRACKED
)


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return list(value)
    return value


def snapshot(case: Case) -> dict[str, Any]:
    """The case's tracked columns as JSON values."""
    return {name: _json_value(getattr(case, name)) for name in TRACKED_FIELDS}


def record(
    session: Session,
    *,
    case: Case,
    kind: CaseEventKind,
    before: dict[str, Any] | None,
    actor_id: int | None = None,
    note: str | None = None,
    data: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> CaseEvent:
    """Append an event for the change from ``before`` (``None``: the case is new) to the case as
    it is now. The case must be flushed (it needs its id)."""
    after = snapshot(case)
    previous = before or {}
    changes = {k: v for k, v in after.items() if before is None or previous.get(k) != v}
    from_status = previous.get("status")
    event = CaseEvent(
        case_id=case.id,
        kind=str(kind),
        at=at or utcnow(),
        actor_id=actor_id,
        from_status=from_status if from_status != case.status else None,
        to_status=case.status if from_status != case.status else None,
        note=note,
        data={**(data or {}), "changes": changes},
    )
    session.add(event)
    session.flush()
    # Other systems hear of it (outgoing webhooks) in this same transaction, or not at all.
    notices.announce(session, case=case, event=event)
    return event
