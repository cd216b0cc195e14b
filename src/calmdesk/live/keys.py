"""The phone numbers and e-mail addresses said in a contact, stored in one spelling
(:class:`ContactKey`) so that a customer's personal-data request finds its transcripts."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.orm import Session

from calmdesk.analysis.contact_keys import keys_in
from calmdesk.live.models import Contact, ContactKey


def keys_of_line(text: str | None, *, region: str, lang: str | None) -> set[str]:
    """The keys a line holds (none for an action). Pure work: done before the write lock."""
    return keys_in(text, region, lang) if text else set()


def remember(session: Session, *, contact: Contact, keys: Collection[str]) -> None:
    """Store the keys this contact does not hold yet."""
    if not keys:
        return
    known = set(
        session.scalars(
            select(ContactKey.key).where(
                ContactKey.contact_id == contact.id, ContactKey.key.in_(list(keys))
            )
        )
    )
    session.add_all(ContactKey(contact_id=contact.id, key=key) for key in sorted(set(keys) - known))


def contacts_with(session: Session, keys: Collection[str]) -> set[int]:
    """The ids of the contacts in which any of ``keys`` was said."""
    if not keys:
        return set()
    query = select(ContactKey.contact_id).where(ContactKey.key.in_(list(keys)))
    return set(session.scalars(query))
