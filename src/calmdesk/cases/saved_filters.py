"""Queue filters a user keeps under a name: their own, nobody else's."""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import parse_qsl, urlencode

from sqlalchemy import select
from sqlalchemy.orm import Session

from calmdesk.cases.models import SavedCaseFilter
from calmdesk.errors import InvalidInput, NotFound

QUEUE_PARAMETERS = ("view", "status", "category", "channel", "language", "due", "q")
"""What a saved filter may hold: the queue page's own query parameters, nothing else."""
MAX_FILTERS = 30
MAX_NAME_CHARS = 100


def clean_query(query: str) -> str:
    """``query`` keeping only the queue's parameters with a value, in a fixed order."""
    pairs = dict(parse_qsl(query.lstrip("?"), keep_blank_values=False))
    return urlencode([(k, pairs[k][:200]) for k in QUEUE_PARAMETERS if pairs.get(k)])


def list_for(session: Session, *, user_id: int) -> Sequence[SavedCaseFilter]:
    query = select(SavedCaseFilter).where(SavedCaseFilter.user_id == user_id)
    return session.scalars(query.order_by(SavedCaseFilter.name)).all()


def save(session: Session, *, user_id: int, name: str, query: str) -> SavedCaseFilter:
    """Keep ``query`` under ``name`` (replacing the user's filter of that name)."""
    name = " ".join(name.split())
    if not name:
        raise InvalidInput("name: give the filter a name", code="invalid_form", field="name")
    if len(name) > MAX_NAME_CHARS:
        raise InvalidInput(
            f"name: at most {MAX_NAME_CHARS} characters", code="invalid_form", field="name"
        )
    cleaned = clean_query(query)
    existing = session.scalar(
        select(SavedCaseFilter).where(
            SavedCaseFilter.user_id == user_id, SavedCaseFilter.name == name
        )
    )
    if existing is not None:
        existing.query = cleaned
        session.flush()
        return existing
    if len(list_for(session, user_id=user_id)) >= MAX_FILTERS:
        raise InvalidInput(
            f"at most {MAX_FILTERS} saved filters; delete one first", code="too_many_filters"
        )
    saved = SavedCaseFilter(user_id=user_id, name=name, query=cleaned)
    session.add(saved)
    session.flush()
    return saved


def delete(session: Session, *, user_id: int, filter_id: int) -> None:
    saved = session.get(SavedCaseFilter, filter_id) if 0 < filter_id < 2**31 else None
    if saved is None or saved.user_id != user_id:
        raise NotFound("There is no such saved filter.", code="saved_filter_not_found")
    session.delete(saved)
    session.flush()
