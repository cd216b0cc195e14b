"""The mail loop: read the mailbox into cases, queue and send the notices, wait for more.

``calmdesk mail`` runs :func:`run` in the foreground; ``calmdesk serve`` runs it in a thread when
the mailbox or SMTP is configured (``CALMDESK_MAIL_IN_SERVE``). Order within one message: fetch,
record it and its case in one transaction, commit, and only then move it out of the inbox; a
crash at any point leaves it in the inbox, and the next pass finds its row (by Message-ID) and
only moves it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from calmdesk.mail.imap import ImapConfig, Mailbox, MailboxError, Stopper
from calmdesk.mail.intake import Limits, Outcome, Received, receive, record_unreadable
from calmdesk.mail.notices import queue_due
from calmdesk.mail.send import DeliveryReport, SmtpConfig, deliver_due
from calmdesk.playbook.schema import Playbook
from calmdesk.settings import Settings

log = logging.getLogger(__name__)

RECONNECT_FIRST = 2.0
RECONNECT_LONGEST = 300.0


@dataclass(frozen=True)
class MailRuntime:
    imap: ImapConfig | None
    smtp: SmtpConfig | None
    processed_folder: str
    rejected_folder: str
    limits: Limits
    max_message_bytes: int
    poll_seconds: float
    idle_seconds: float

    @property
    def configured(self) -> bool:
        return self.imap is not None or self.smtp is not None

    @classmethod
    def from_settings(cls, settings: Settings) -> MailRuntime:
        def secret(value: Any) -> str | None:
            return value.get_secret_value() if value is not None else None

        imap = None
        if settings.mail_imap_url:
            imap = ImapConfig.from_url(
                settings.mail_imap_url,
                user=settings.mail_imap_user,
                password=secret(settings.mail_imap_password),
                inbox=settings.mail_inbox_folder,
                ca_file=settings.mail_ca_file,
            )
        smtp = None
        if settings.mail_smtp_url and settings.mail_from:
            smtp = SmtpConfig.from_url(
                settings.mail_smtp_url,
                from_address=settings.mail_from,
                user=settings.mail_smtp_user,
                password=secret(settings.mail_smtp_password),
                ca_file=settings.mail_ca_file,
                max_attempts=settings.mail_send_max_attempts,
            )
        own = frozenset({_address(settings.mail_from)} if settings.mail_from else set())
        return cls(
            imap=imap,
            smtp=smtp,
            processed_folder=settings.mail_processed_folder,
            rejected_folder=settings.mail_rejected_folder,
            limits=Limits(
                max_attachment_bytes=settings.mail_max_attachment_bytes,
                max_attachments=settings.mail_max_attachments,
                max_attachments_bytes=settings.mail_max_attachments_bytes,
                sender_limit_per_hour=settings.mail_sender_limit_per_hour,
                own_addresses=own,
                auto_acknowledge=settings.mail_auto_acknowledge,
            ),
            max_message_bytes=settings.mail_max_message_bytes,
            poll_seconds=settings.mail_poll_seconds,
            idle_seconds=settings.mail_idle_seconds,
        )


def _address(value: str) -> str:
    from email.utils import parseaddr

    return (parseaddr(value)[1] or value).strip().lower()


@dataclass
class PassReport:
    received: list[Received] = field(default_factory=list)
    notices_queued: int = 0
    delivery: DeliveryReport = field(default_factory=DeliveryReport)


def _receive_one(
    mailbox: Mailbox,
    uid: int,
    factory: sessionmaker[Session],
    runtime: MailRuntime,
    playbook: Playbook,
) -> Received | None:
    size = mailbox.size(uid)
    headers_only = size is not None and size > runtime.max_message_bytes
    raw = mailbox.fetch(uid, headers_only=headers_only)
    if raw is None:
        return None
    inbox = runtime.imap.inbox if runtime.imap else "INBOX"
    try:
        with factory() as session, session.begin():
            result = receive(
                session,
                raw,
                mailbox=inbox,
                playbook=playbook,
                limits=runtime.limits,
                headers_only=headers_only,
                size=size,
            )
    except OperationalError:
        raise  # the database: leave the message in the inbox, try again later
    except Exception:
        # A message our code cannot handle must not stop the ones after it, nor come back
        # forever: it is recorded as unreadable and set aside for a person.
        log.exception("mail uid %s could not be turned into a case; set aside", uid)
        with factory() as session, session.begin():
            result = record_unreadable(session, raw, mailbox=inbox, size=size or len(raw))
    folder = runtime.processed_folder if result.outcome.made_case_work else runtime.rejected_folder
    mailbox.move(uid, folder)
    return result


def intake_pass(
    mailbox: Mailbox,
    factory: sessionmaker[Session],
    runtime: MailRuntime,
    playbook: Playbook,
    *,
    stop: Stopper | None = None,
) -> list[Received]:
    """Every message in the inbox into a case (or set aside), each moved after its commit."""
    results = []
    for uid in mailbox.uids():
        if stop and stop.stopped:
            break
        result = _receive_one(mailbox, uid, factory, runtime, playbook)
        if result is not None:
            results.append(result)
    return results


def notices_pass(
    factory: sessionmaker[Session], runtime: MailRuntime, playbook: Playbook
) -> tuple[int, DeliveryReport]:
    """Queue the notices the case events call for, then send what is due."""
    if runtime.smtp is None:
        return 0, DeliveryReport()
    with factory() as session, session.begin():
        queued = len(queue_due(session, playbook=playbook, from_address=runtime.smtp.from_address))
    return queued, deliver_due(factory, runtime.smtp)


def run(
    factory: sessionmaker[Session],
    runtime: MailRuntime,
    playbook: Playbook,
    *,
    stop: Stopper | None = None,
    once: bool = False,
    on_pass: Callable[[PassReport], None] | None = None,
) -> None:
    """Until ``stop``: connect, read, send, wait (IDLE or poll); a lost connection or database
    is retried with backoff, never a crash."""
    stop = stop or Stopper()
    mailbox: Mailbox | None = None
    pause = RECONNECT_FIRST
    while not stop.stopped:
        report = PassReport()
        try:
            if runtime.imap is not None and mailbox is None:
                mailbox = Mailbox(runtime.imap)
                mailbox.connect()
                for folder in (runtime.processed_folder, runtime.rejected_folder):
                    mailbox.ensure_folder(folder)
                log.info(
                    "mailbox %s@%s:%s open (%s)",
                    runtime.imap.user,
                    runtime.imap.host,
                    runtime.imap.port,
                    "IDLE" if mailbox.has_idle else f"polling every {runtime.poll_seconds} s",
                )
            if mailbox is not None:
                report.received = intake_pass(mailbox, factory, runtime, playbook, stop=stop)
            report.notices_queued, report.delivery = notices_pass(factory, runtime, playbook)
            pause = RECONNECT_FIRST
        except Exception as error:
            # A lost server or database is expected; anything else is a bug, logged in full.
            # Either way the loop goes on after a pause (the inbox keeps what was not moved).
            expected = isinstance(error, MailboxError | OSError | DBAPIError)
            if expected:
                log.warning("mail loop: %s; again in %.0f s", error, pause)
            else:
                log.exception("mail loop: unexpected error; again in %.0f s", pause)
            if mailbox is not None:
                mailbox.close()
                mailbox = None
            if once:
                raise
            _wait(stop, pause)
            pause = min(pause * 2, RECONNECT_LONGEST)
            continue
        if on_pass is not None:
            on_pass(report)
        if once:
            break
        mailbox = _wait_for_mail(mailbox, runtime, stop)
    if mailbox is not None:
        mailbox.close()


def _wait_for_mail(mailbox: Mailbox | None, runtime: MailRuntime, stop: Stopper) -> Mailbox | None:
    """IDLE (or poll) until the next pass; the mailbox, or None when its connection broke."""
    wait = runtime.poll_seconds if runtime.smtp else runtime.idle_seconds
    if mailbox is None:
        _wait(stop, runtime.poll_seconds)
        return None
    try:
        idle = min(wait, runtime.idle_seconds)
        mailbox.wait(idle if mailbox.has_idle else runtime.poll_seconds, stop=stop)
    except (MailboxError, OSError) as error:
        log.warning("mail loop: %s; reconnecting", error)
        mailbox.close()
        return None
    return mailbox


def _wait(stop: Stopper, seconds: float) -> None:
    event = threading.Event()
    deadline = seconds
    while deadline > 0 and not stop.stopped:
        event.wait(min(1.0, deadline))
        deadline -= 1.0


class EmbeddedMail:
    """The loop in a thread of ``calmdesk serve`` (started and stopped by the app's lifespan)."""

    def __init__(
        self, factory: sessionmaker[Session], runtime: MailRuntime, playbook: Playbook
    ) -> None:
        self.stopper = Stopper()
        self.thread = threading.Thread(
            target=self._run, args=(factory, runtime, playbook), name="calmdesk-mail", daemon=True
        )

    def _run(
        self, factory: sessionmaker[Session], runtime: MailRuntime, playbook: Playbook
    ) -> None:
        try:
            run(factory, runtime, playbook, stop=self.stopper)
        except Exception:
            log.exception("the mail loop stopped")

    def start(self) -> None:
        self.thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self.stopper.stop()
        self.thread.join(timeout)


__all__ = ["EmbeddedMail", "MailRuntime", "Outcome", "PassReport", "intake_pass", "run"]
