"""Personal data in the mail tables: exported and erased with the customer's other records
(:mod:`calmdesk.customers`), and forgotten for cases the retention period erased
(:func:`forget_erased_cases`, a step of :mod:`calmdesk.maintenance`).

Erasure keeps what statistics need (the outcome, the reasons, the sizes, the analysis scores,
the notice kinds and their delivery state) and removes what identifies or describes the person:
sender, subject, Message-ID, attachment names and contents, and the notices' address, subject,
body and errors. A notice still waiting to go out to an erased customer is cancelled.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from calmdesk.cases.models import Case
from calmdesk.mail.models import MailAttachment, MailMessage, MailNotice

ERASED = "[erased]"
TABLES = ("mail_messages", "mail_attachments", "mail_notices")
"""The tables an erasure rewrites (for :func:`calmdesk.storage.scrub.forget_erased`)."""


def _messages(
    session: Session, keys: Collection[str], case_ids: Collection[int]
) -> list[MailMessage]:
    query = (
        select(MailMessage)
        .where(or_(MailMessage.sender_key.in_(list(keys)), MailMessage.case_id.in_(list(case_ids))))
        .order_by(MailMessage.id)
    )
    return list(session.scalars(query))


def export_mail(
    session: Session, *, keys: Collection[str], case_ids: Collection[int]
) -> dict[str, Any]:
    """The customer's e-mails (what was read of them, attachments by name, size and digest) and
    the notices sent to them, as JSON-ready data."""
    messages = _messages(session, keys, case_ids)
    attachments = session.scalars(
        select(MailAttachment)
        .where(MailAttachment.message_row_id.in_([m.id for m in messages]))
        .order_by(MailAttachment.id)
    ).all()
    notices = session.scalars(
        select(MailNotice).where(MailNotice.case_id.in_(list(case_ids))).order_by(MailNotice.id)
    ).all()
    return {
        "messages": [
            {
                "received_at": m.received_at.isoformat(),
                "case_id": m.case_id,
                "sender": m.sender,
                "subject": m.subject,
                "message_id": m.message_id,
                "outcome": m.outcome,
                "reasons": list(m.reasons),
                "size": m.size,
                "attachments": [
                    {
                        "filename": a.filename,
                        "content_type": a.content_type,
                        "size": a.size,
                        "sha256": a.sha256,
                        "kept": a.data is not None,
                    }
                    for a in attachments
                    if a.message_row_id == m.id
                ],
            }
            for m in messages
            if m.sender is not None or m.case_id is not None
        ],
        "notices": [
            {
                "case_id": n.case_id,
                "kind": n.kind,
                "to": n.to_address,
                "subject": n.subject,
                "body": n.body,
                "status": n.status,
                "created_at": n.created_at.isoformat(),
                "sent_at": n.sent_at.isoformat() if n.sent_at else None,
            }
            for n in notices
        ],
    }


def erase_mail(session: Session, *, keys: Collection[str], case_ids: Collection[int]) -> int:
    """Remove the personal data of the customer's e-mails and notices; returns the rows
    touched."""
    message_ids = [m.id for m in _messages(session, keys, case_ids)]
    touched = 0
    if message_ids:
        session.execute(
            update(MailMessage)
            .where(MailMessage.id.in_(message_ids))
            .values(sender=None, sender_key=None, subject=None, message_id=None)
            .execution_options(synchronize_session=False)
        )
        session.execute(
            update(MailAttachment)
            .where(MailAttachment.message_row_id.in_(message_ids))
            .values(filename=ERASED, data=None)
            .execution_options(synchronize_session=False)
        )
        touched += len(message_ids)
    if case_ids:
        values: dict[str, Any] = {
            "to_address": None,
            "subject": ERASED,
            "body": ERASED,
            "last_error": None,
            "in_reply_to": None,
            "references": [],
            "details": {},
        }
        session.execute(
            update(MailNotice)
            .where(MailNotice.case_id.in_(list(case_ids)), MailNotice.status == "pending")
            .values(status="cancelled", next_attempt_at=None)
            .execution_options(synchronize_session=False)
        )
        result = session.execute(
            update(MailNotice)
            .where(MailNotice.case_id.in_(list(case_ids)), MailNotice.body != ERASED)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        touched += int(getattr(result, "rowcount", 0) or 0)
    for obj in list(session.identity_map.values()):
        if isinstance(obj, MailMessage | MailAttachment | MailNotice):
            session.expire(obj)
    return touched


def forget_erased_cases(session: Session) -> int:
    """The mail of cases whose personal data was erased (by the retention period) erased too;
    returns how many cases that concerned."""
    erased = select(Case.id).where(Case.erased_at.is_not(None))
    with_messages = select(MailMessage.case_id).where(
        MailMessage.case_id.in_(erased), MailMessage.sender.is_not(None)
    )
    with_notices = select(MailNotice.case_id).where(
        MailNotice.case_id.in_(erased), MailNotice.body != ERASED
    )
    case_ids = set(session.scalars(with_messages)) | set(session.scalars(with_notices))
    if case_ids:
        erase_mail(session, keys=(), case_ids=sorted(c for c in case_ids if c is not None))
    return len(case_ids)
