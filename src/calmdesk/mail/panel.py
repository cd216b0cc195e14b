"""What the case page shows of a case's e-mail: the messages read into it (each with its outcome
and what was wrong with it), the attachments kept or not, and every notice with its delivery
state (a failed send shows its attempts and last error)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from calmdesk.mail.messages import label, labels
from calmdesk.mail.models import MailAttachment, MailMessage, MailNotice


@dataclass(frozen=True)
class MessageLine:
    received_at: datetime
    subject: str
    sender: str
    outcome: str
    reasons: list[str]


@dataclass(frozen=True)
class AttachmentLine:
    filename: str
    content_type: str
    size: int
    kept: bool
    dropped: str | None


@dataclass(frozen=True)
class NoticeLine:
    id: int
    kind: str
    status: str
    failed: bool
    subject: str
    to_address: str
    created_at: datetime
    sent_at: datetime | None
    attempts: int
    next_attempt_at: datetime | None
    last_error: str | None


@dataclass(frozen=True)
class MailPanel:
    words: dict[str, str]
    messages: list[MessageLine]
    attachments: list[AttachmentLine]
    notices: list[NoticeLine]

    @property
    def empty(self) -> bool:
        return not (self.messages or self.notices)

    @property
    def failing(self) -> int:
        """Notices not delivered yet after at least one failed attempt, or given up on."""
        return sum(1 for n in self.notices if n.failed or (n.status == "pending" and n.last_error))


def mail_panel(session: Session, *, case_id: int, lang: str) -> MailPanel:
    messages = session.scalars(
        select(MailMessage).where(MailMessage.case_id == case_id).order_by(MailMessage.id)
    ).all()
    attachments = session.scalars(
        select(MailAttachment).where(MailAttachment.case_id == case_id).order_by(MailAttachment.id)
    ).all()
    notices = session.scalars(
        select(MailNotice).where(MailNotice.case_id == case_id).order_by(MailNotice.id)
    ).all()
    return MailPanel(
        words=labels("texts", lang),
        messages=[
            MessageLine(
                received_at=m.received_at,
                subject=m.subject or "",
                sender=m.sender or "",
                outcome=label("outcomes", m.outcome, lang),
                reasons=[label("reasons", r, lang) for r in m.reasons],
            )
            for m in messages
        ],
        attachments=[
            AttachmentLine(
                filename=a.filename,
                content_type=a.content_type,
                size=a.size,
                kept=a.data is not None,
                dropped=label("reasons", f"attachment_{a.dropped}", lang) if a.dropped else None,
            )
            for a in attachments
        ],
        notices=[
            NoticeLine(
                id=n.id,
                kind=label("kinds", n.kind, lang),
                status=label("statuses", n.status, lang),
                failed=n.status == "failed",
                subject=n.subject,
                to_address=n.to_address or "",
                created_at=n.created_at,
                sent_at=n.sent_at,
                attempts=n.attempts,
                next_attempt_at=n.next_attempt_at if n.status == "pending" else None,
                last_error=n.last_error,
            )
            for n in notices
        ],
    )
