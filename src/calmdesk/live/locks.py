"""The two phases of a live turn (:mod:`calmdesk.live.service`): read the live contact without
any lock, then re-read it inside a short write transaction right before appending."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from calmdesk.errors import Conflict
from calmdesk.live import permissions
from calmdesk.live.models import Contact
from calmdesk.storage import db
from calmdesk.users.models import User


class ContactEnded(Conflict):
    code = "contact_ended"


def read_live(
    session: Session, *, contact_id: int, actor: User | None, integration: bool = False
) -> Contact:
    """The live contact as it is now, read without any lock (the turn's first phase).
    ``integration``: ``actor`` called with an API token (see :func:`permissions.may_act`)."""
    db.begin_read(session)
    if actor is not None:
        contact = permissions.contact_for_user(
            session, contact_id=contact_id, user=actor, act=True, integration=integration
        )
        return _live(contact, contact_id)
    return _live(session.get(Contact, contact_id), contact_id)


def lock_live(session: Session, *, contact_id: int) -> Contact:
    """The live contact re-read inside a write transaction, so two workers never interleave one
    contact's turns: on SQLite the transaction holds the write lock (``BEGIN IMMEDIATE``, a
    racing turn waits for the busy timeout, then gets 503 ``database_busy``), on PostgreSQL the
    contact's row is locked (``FOR UPDATE``)."""
    db.begin_write(session)
    query = select(Contact).where(Contact.id == contact_id).with_for_update()
    contact = session.scalars(query.execution_options(populate_existing=True)).one_or_none()
    return _live(contact, contact_id)


def _live(contact: Contact | None, contact_id: int) -> Contact:
    if contact is None:
        raise permissions.ContactNotFound(f"There is no contact {contact_id}.")
    if not contact.is_live:
        raise ContactEnded(f"Contact {contact_id} has ended.", contact_id=contact_id)
    return contact


@contextmanager
def seq_taken_as_conflict(contact_id: int) -> Iterator[None]:
    """The unique ``(contact_id, seq)`` is the last guard against an interleaved turn (the lock
    above should make it unreachable): 409 ``contact_busy``, the client sends it again."""
    try:
        yield
    except IntegrityError:
        raise Conflict(
            f"Contact {contact_id} took another turn at the same moment; send the line again.",
            code="contact_busy",
        ) from None
