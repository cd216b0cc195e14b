"""A case's state rebuilt from its history alone.

Each event carries the columns it set (``data["changes"]``) and, for a move, the status it led
to. Replaying them in order gives the case as stored; a test checks exactly that for cases that
went through the whole workflow, the clocks, the worker and erasure.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import Date

from calmdesk.cases.history import TRACKED_FIELDS
from calmdesk.cases.models import Case, CaseEvent
from calmdesk.storage.types import UTCDateTime

_COLUMNS = Case.__table__.columns


def _decode(name: str, value: Any) -> Any:
    if value is None:
        return None
    column_type = _COLUMNS[name].type
    if isinstance(column_type, UTCDateTime):
        return datetime.fromisoformat(value)
    if isinstance(column_type, Date):
        return date.fromisoformat(value)
    return value


def rebuild(events: Iterable[CaseEvent]) -> dict[str, Any]:
    """The case's tracked columns after replaying ``events`` (oldest first)."""
    state: dict[str, Any] = dict.fromkeys(TRACKED_FIELDS)
    for event in events:
        for name, value in (event.data or {}).get("changes", {}).items():
            if name in state:
                state[name] = _decode(name, value)
        if event.to_status is not None:
            state["status"] = event.to_status
    return state


def differences(case: Case, events: Iterable[CaseEvent]) -> dict[str, tuple[Any, Any]]:
    """Columns where the stored case and its rebuilt state disagree: ``{name: (row, rebuilt)}``."""
    rebuilt = rebuild(events)
    return {
        name: (getattr(case, name), rebuilt[name])
        for name in TRACKED_FIELDS
        if getattr(case, name) != rebuilt[name]
    }
