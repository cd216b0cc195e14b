"""Sending notices over SMTP: :func:`send_notice` is the one function that puts a notice on the
wire, and :func:`deliver_due` the step that retries with backoff.

The retry state is the notice's own row (``status``, ``attempts``, ``next_attempt_at``,
``last_error``): a due notice is claimed by pushing its ``next_attempt_at`` a lease ahead in a
short transaction (``FOR UPDATE SKIP LOCKED`` on PostgreSQL), sent outside any transaction, and
its result written in another. A crash after the SMTP server accepted it and before that write
sends it once more after the lease (at least once; the same Message-ID, so mail clients show one
message). After ``max_attempts`` failures the notice is ``failed``; the case page shows it.
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime as rfc2822_date
from email.utils import parseaddr
from pathlib import Path
from urllib.parse import unquote, urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from calmdesk.errors import Conflict, NotFound
from calmdesk.mail.imap import tls_context
from calmdesk.mail.models import MailNotice
from calmdesk.storage.types import utcnow

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)
FIRST_RETRY = timedelta(seconds=30)
LONGEST_RETRY = timedelta(hours=2)


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    mode: str
    """``tls`` (smtps), ``starttls`` or ``plain``."""
    from_address: str
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    ca_file: Path | None = None
    timeout: float = 30.0
    max_attempts: int = 8

    @classmethod
    def from_url(
        cls,
        url: str,
        *,
        from_address: str,
        user: str | None,
        password: str | None,
        ca_file: Path | None,
        max_attempts: int = 8,
    ) -> SmtpConfig:
        parts = urlsplit(url)
        mode = {"smtps": "tls", "smtp+starttls": "starttls"}.get(parts.scheme, "plain")
        default_port = {"tls": 465, "starttls": 587}.get(mode, 25)
        return cls(
            host=parts.hostname or "localhost",
            port=parts.port or default_port,
            mode=mode,
            from_address=from_address,
            user=user or (unquote(parts.username) if parts.username else None),
            password=password or (unquote(parts.password) if parts.password else None),
            ca_file=ca_file,
            max_attempts=max_attempts,
        )


def compose(notice: MailNotice, from_address: str) -> EmailMessage:
    """The notice as an e-mail: plain text, UTF-8, threaded, marked as automatic (RFC 3834) so
    that auto-responders do not answer it."""
    message = EmailMessage()
    message["From"] = from_address
    message["To"] = notice.to_address or ""
    message["Subject"] = notice.subject
    message["Message-ID"] = notice.message_id
    message["Date"] = rfc2822_date(notice.created_at)
    if notice.in_reply_to:
        message["In-Reply-To"] = notice.in_reply_to
    if notice.references:
        message["References"] = " ".join(notice.references)
    message["Auto-Submitted"] = "auto-generated"
    message["X-CalmDesk-Case"] = str(notice.case_id)
    message["Content-Language"] = notice.language
    message.set_content(notice.body, charset="utf-8")
    return message


def send_notice(notice: MailNotice, config: SmtpConfig) -> None:
    """Hand ``notice`` to the SMTP server; raises on any failure (the caller retries)."""
    message = compose(notice, config.from_address)
    envelope_from = parseaddr(config.from_address)[1] or config.from_address
    if config.mode == "tls":
        client: smtplib.SMTP = smtplib.SMTP_SSL(
            config.host, config.port, timeout=config.timeout, context=tls_context(config.ca_file)
        )
    else:
        client = smtplib.SMTP(config.host, config.port, timeout=config.timeout)
    with client:
        if config.mode == "starttls":
            client.starttls(context=tls_context(config.ca_file))
        if config.user:
            client.login(config.user, config.password or "")
        client.send_message(message, from_addr=envelope_from, to_addrs=[notice.to_address or ""])


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, ... up to 2 h between attempts."""
    delay: timedelta = FIRST_RETRY * (2 ** max(0, attempts - 1))
    return min(delay, LONGEST_RETRY)


@dataclass
class DeliveryReport:
    sent: list[int] = field(default_factory=list)
    retrying: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)


def _claim(session: Session, now: datetime, limit: int) -> list[int]:
    query = (
        select(MailNotice)
        .where(MailNotice.status == "pending", MailNotice.next_attempt_at <= now)
        .order_by(MailNotice.next_attempt_at, MailNotice.id)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    claimed = list(session.scalars(query))
    for notice in claimed:
        notice.next_attempt_at = now + LEASE
    session.flush()
    return [n.id for n in claimed]


def deliver_due(
    factory: sessionmaker[Session],
    config: SmtpConfig,
    *,
    now: datetime | None = None,
    limit: int = 50,
) -> DeliveryReport:
    """Send the notices that are due; each result is committed on its own."""
    report = DeliveryReport()
    now = now or utcnow()
    with factory() as session, session.begin():
        ids = _claim(session, now, limit)
    for notice_id in ids:
        with factory() as session:
            notice = session.get(MailNotice, notice_id)
            if notice is None:
                continue
            session.expunge(notice)
        error: str | None = None
        try:
            send_notice(notice, config)
        except (OSError, smtplib.SMTPException, ValueError) as problem:
            error = f"{type(problem).__name__}: {problem}"[:2000]
        with factory() as session, session.begin():
            row = session.get(MailNotice, notice_id)
            if row is None:
                continue
            row.attempts += 1
            at = utcnow()
            if error is None:
                row.status, row.sent_at, row.next_attempt_at, row.last_error = (
                    "sent",
                    at,
                    None,
                    None,
                )
                report.sent.append(notice_id)
                log.info("notice %s for case %s sent", row.id, row.case_id)
            elif row.attempts >= config.max_attempts:
                row.status, row.next_attempt_at, row.last_error = "failed", None, error
                report.failed.append(notice_id)
                log.error(
                    "notice %s for case %s failed for good: %s (details on the case page)",
                    row.id,
                    row.case_id,
                    error.split(":", 1)[0],
                )
            else:
                row.next_attempt_at, row.last_error = at + backoff(row.attempts), error
                report.retrying.append(notice_id)
                log.warning(
                    "notice %s for case %s not sent (attempt %s): %s",
                    row.id,
                    row.case_id,
                    row.attempts,
                    error.split(":", 1)[0],
                )
    return report


class NoticeNotFound(NotFound):
    code = "notice_not_found"


class NoticeNotFailed(Conflict):
    code = "notice_not_failed"


def retry_now(
    session: Session, *, case_id: int, notice_id: int, now: datetime | None = None
) -> MailNotice:
    """Put a failed notice of ``case_id`` back in the queue, due now, its attempts counted
    afresh (a handler's "send again" once the address or the relay is fixed)."""
    notice = session.get(MailNotice, notice_id)
    if notice is None or notice.case_id != case_id:
        raise NoticeNotFound(
            f"case {case_id} has no notice {notice_id}", case_id=case_id, notice_id=notice_id
        )
    if notice.status != "failed":
        raise NoticeNotFailed(
            f"notice {notice_id} is {notice.status}; only a failed notice is sent again",
            notice_id=notice_id,
            status=notice.status,
        )
    notice.status, notice.attempts, notice.next_attempt_at = "pending", 0, now or utcnow()
    session.flush()
    return notice
