"""Find, export and erase everything recorded about one customer.

The customer is named by a contact in any spelling; its key (:func:`contact_key`) finds the
cases recorded for it (``cases.customer_key``), the live contacts in which it was said
(``live_contact_keys``) and the public posts it wrote or that mention it (``social_post_keys``).
Links are then followed until nothing new turns up: the contact a case came from, the cases
recorded from a contact, the case a post was escalated to, the posts escalated to a case, and
the contact each case found was recorded for (a customer known by phone and by e-mail).
Records already erased are left out: nothing personal is left in them.

Erasure is one transaction; the caller commits, then calls
:func:`calmdesk.storage.scrub.forget_erased` with :attr:`Erasure.tables` so the database files
forget the old copies too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from calmdesk.analysis.contact_keys import contact_key
from calmdesk.cases import privacy as case_privacy
from calmdesk.cases.models import Case
from calmdesk.customers.messages import CustomerContactLive, CustomerNotFound
from calmdesk.live import keys as contact_keys
from calmdesk.live import privacy as contact_privacy
from calmdesk.live.models import Contact, ContactStatus
from calmdesk.mail import privacy as mail_privacy
from calmdesk.social import privacy as post_privacy
from calmdesk.social.models import PublicPost
from calmdesk.storage.types import utcnow


@dataclass
class CustomerRecords:
    key: str
    cases: list[Case] = field(default_factory=list)
    contacts: list[Contact] = field(default_factory=list)
    posts: list[PublicPost] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.cases or self.contacts or self.posts)


@dataclass(frozen=True)
class Erasure:
    case_ids: list[int]
    contact_ids: list[int]
    post_ids: list[int]
    mail_rows: int = 0
    """Rows of the mail tables rewritten (e-mails read in, notices sent)."""

    @property
    def tables(self) -> tuple[str, ...]:
        """The tables the erasure rewrote."""
        touched: tuple[str, ...] = ()
        if self.case_ids:
            touched += case_privacy.TABLES
        if self.mail_rows:
            touched += mail_privacy.TABLES
        if self.contact_ids:
            touched += contact_privacy.TABLES
        if self.post_ids:
            touched += post_privacy.TABLES
        return touched

    def to_dict(self) -> dict[str, Any]:
        return {
            "erased_cases": len(self.case_ids),
            "erased_contacts": len(self.contact_ids),
            "erased_posts": len(self.post_ids),
            "case_ids": self.case_ids,
            "contact_ids": self.contact_ids,
            "post_ids": self.post_ids,
        }


def _ids(session: Session, query: Any) -> set[int]:
    return {value for value in session.scalars(query) if value is not None}


def find_records(session: Session, *, contact: str, region: str | None) -> CustomerRecords:
    """Every record of the customer reached at ``contact`` that still holds personal data."""
    key = contact_key(contact, region)
    keys: set[str] = {key}
    case_ids: set[int] = set()
    contact_ids: set[int] = set()
    post_ids: set[int] = set()
    while True:
        sources = select(Case.source_contact_id).where(Case.id.in_(case_ids))
        escalated = select(PublicPost.case_id).where(PublicPost.id.in_(post_ids))
        found_cases = _ids(
            session,
            select(Case.id).where(
                or_(
                    Case.customer_key.in_(keys),
                    Case.source_contact_id.in_(contact_ids),
                    Case.id.in_(escalated),
                )
            ),
        )
        found_contacts = contact_keys.contacts_with(session, keys) | _ids(
            session, select(Contact.id).where(Contact.id.in_(sources))
        )
        found_posts = post_privacy.posts_for_keys(session, keys) | _ids(
            session, select(PublicPost.id).where(PublicPost.case_id.in_(case_ids))
        )
        # A case names its customer: the contact it was recorded for is theirs too.
        found_keys = {
            k
            for k in session.scalars(select(Case.customer_key).where(Case.id.in_(found_cases)))
            if k is not None
        }
        if (
            found_cases <= case_ids
            and found_contacts <= contact_ids
            and found_posts <= post_ids
            and found_keys <= keys
        ):
            break
        case_ids |= found_cases
        contact_ids |= found_contacts
        post_ids |= found_posts
        keys |= found_keys
    return CustomerRecords(
        key=key,
        cases=list(
            session.scalars(
                select(Case)
                .where(Case.id.in_(case_ids), Case.erased_at.is_(None))
                .order_by(Case.id)
            )
        ),
        contacts=list(
            session.scalars(
                select(Contact)
                .where(Contact.id.in_(contact_ids), Contact.erased_at.is_(None))
                .order_by(Contact.id)
            )
        ),
        posts=list(
            session.scalars(
                select(PublicPost)
                .where(PublicPost.id.in_(post_ids), PublicPost.author_handle != post_privacy.ERASED)
                .order_by(PublicPost.id)
            )
        ),
    )


def export_customer(
    session: Session, *, contact: str, region: str | None, lang: str = "en"
) -> dict[str, Any]:
    """Everything recorded about the customer, as JSON-ready data: the cases with their history
    and compensation, the live contacts with their transcripts, and the public posts."""
    records = find_records(session, contact=contact, region=region)
    if not records:
        raise CustomerNotFound(lang)
    return {
        "customer_key": records.key,
        "exported_at": utcnow().isoformat(),
        "cases": case_privacy.export_cases(session, records.cases),
        "contacts": contact_privacy.export_contacts(session, records.contacts),
        "posts": post_privacy.export_posts(session, records.posts),
        "mail": mail_privacy.export_mail(
            session, keys=_keys(records), case_ids=[c.id for c in records.cases]
        ),
    }


def _keys(records: CustomerRecords) -> set[str]:
    """The customer's key and the keys of the cases found for them (known by several)."""
    return {records.key, *(c.customer_key for c in records.cases if c.customer_key)}


def erase_customer(
    session: Session,
    *,
    contact: str,
    actor_id: int | None,
    region: str | None,
    lang: str = "en",
    now: datetime | None = None,
) -> Erasure:
    """Erase the customer's personal data from every record found; keep the statistics.

    Refused as a whole (nothing erased) while a contact of theirs is still live. ``lang`` is
    the language of the errors."""
    now = now or utcnow()
    records = find_records(session, contact=contact, region=region)
    if not records:
        raise CustomerNotFound(lang)
    live = [c.id for c in records.contacts if c.status != ContactStatus.ENDED]
    if live:
        raise CustomerContactLive(lang, live)
    case_ids = [c.id for c in records.cases]
    mail_rows = mail_privacy.erase_mail(session, keys=_keys(records), case_ids=case_ids)
    erasure = Erasure(
        case_ids=case_ids,
        contact_ids=[c.id for c in records.contacts],
        post_ids=[p.id for p in records.posts],
        mail_rows=mail_rows,
    )
    for case in records.cases:
        case_privacy.erase_case(session, case=case, actor_id=actor_id, now=now)
    contact_privacy.erase_for_customer(session, records.contacts)
    for post in records.posts:
        post_privacy.erase_post(session, post=post, actor_id=actor_id, now=now)
    session.flush()
    return erasure
