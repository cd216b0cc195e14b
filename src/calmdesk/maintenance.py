"""The background worker's step: every domain's due deadlines and retention, in one place, and
the outbox's deliveries (webhooks) between those steps.

``calmdesk worker`` runs it in a loop; ``calmdesk serve`` runs the same loop inside the app (the
embedded default). Each domain's step claims its own rows, so any number of workers may run on
PostgreSQL and nothing is recorded twice. The outbox is looked at every
``outbox_interval_seconds`` (a few seconds), the deadlines every ``worker_interval_seconds``.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker

from calmdesk.cases import privacy as case_privacy
from calmdesk.cases import worker as cases_worker
from calmdesk.chat import notes as chat_notes
from calmdesk.chat import service as chat_service
from calmdesk.live import privacy as live_privacy
from calmdesk.live import service as live_service
from calmdesk.live.messages import Outgoing
from calmdesk.mail import privacy as mail_privacy
from calmdesk.outbox import service as outbox
from calmdesk.playbook.schema import Playbook
from calmdesk.settings import Settings, get_settings
from calmdesk.social import privacy as social_privacy
from calmdesk.social import worker as social_worker
from calmdesk.storage.scrub import forget_erased
from calmdesk.storage.types import utcnow
from calmdesk.users import sessions as web_sessions
from calmdesk.users import throttle
from calmdesk.webhooks.delivery import WebhookChannel

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MaintenanceReport:
    cases: cases_worker.StepReport
    posts_flagged: int
    contacts_erased: int
    posts_erased: int = 0
    sign_ins_forgotten: int = 0
    """Expired web sessions and login-throttle keys nobody used for a day, deleted."""
    notes: chat_notes.DeliveryReport = field(default_factory=chat_notes.DeliveryReport)
    """Private notes posted on Chatwoot conversations (or retried, or given up)."""
    contacts_timed_out: int = 0
    """Open contacts without a line for the playbook's ``idle_timeout_minutes``, ended."""

    @property
    def anything_done(self) -> bool:
        return bool(
            self.cases.count
            or self.cases.erased
            or self.posts_flagged
            or self.contacts_erased
            or self.posts_erased
            or self.sign_ins_forgotten
            or self.notes.anything_done
            or self.contacts_timed_out
        )


def forget_stale_sign_ins(factory: sessionmaker[Session], *, now: datetime) -> int:
    """Expired web sessions and throttle keys past their forget period: gone from the tables."""
    with factory() as session, session.begin():
        expired = web_sessions.forget_expired(session, now=now)
        return expired + throttle.forget_stale(session, at=now.timestamp())


Publish = Callable[[Sequence[Outgoing]], None]
"""Hands the live messages of a step to the bus once its transaction is committed."""


def time_out_contacts(
    factory: sessionmaker[Session], *, playbook: Playbook, now: datetime, publish: Publish | None
) -> int:
    """End the open contacts left without a line too long (outcome ``timed_out``); the board and
    any console still open on them are told after the commit."""
    with factory() as session, session.begin():
        outgoing = live_service.time_out_idle(session, playbook=playbook, now=now)
    if outgoing and publish is not None:
        try:
            publish(outgoing)
        except Exception:  # stored all the same: a board re-reads it on its next snapshot
            log.exception("could not publish the timed-out contacts")
    return sum(1 for o in outgoing if o.message.type == "summary")


_MAIL_SWEEP_SECONDS = 3600.0
_next_mail_sweep = [0.0]


def _mail_sweep_due() -> bool:
    if time.monotonic() < _next_mail_sweep[0]:
        return False
    _next_mail_sweep[0] = time.monotonic() + _MAIL_SWEEP_SECONDS
    return True


def run_once(
    factory: sessionmaker[Session],
    *,
    now: datetime | None = None,
    retention_days: int | None = None,
    playbook: Playbook | None = None,
    publish: Publish | None = None,
) -> MaintenanceReport:
    """Cases (SLA warnings, breaches, legal-deadline risks), public posts (response clock), open
    contacts left silent (timed out, when the ``playbook`` is given; their messages go to
    ``publish``), then retention of ended contacts' words when ``retention_days`` is given."""
    now = now or utcnow()
    timed_out = (
        time_out_contacts(factory, playbook=playbook, now=now, publish=publish)
        if playbook is not None
        else 0
    )
    cases = cases_worker.run_once(factory, now=now, retention_days=retention_days)
    posts, posts_erased = social_worker.run_step(factory, now=now, retention_days=retention_days)
    contacts = mail_forgotten = 0
    if retention_days is not None:
        with factory() as session, session.begin():
            contacts = live_privacy.apply_retention(session, retention_days=retention_days, now=now)
    if retention_days is not None and (cases.erased or _mail_sweep_due()):
        # The e-mails and notices of cases the retention period erased (by any worker, also
        # one that stopped between the two): when this step erased cases, and once an hour.
        with factory() as session, session.begin():
            mail_forgotten = mail_privacy.forget_erased_cases(session)
    if cases.erased or contacts or posts_erased or mail_forgotten:
        # What retention erased must leave the database files too (docs/security.md).
        bind = factory.kw.get("bind")
        if isinstance(bind, Engine | Connection):
            touched = (
                (case_privacy.TABLES if cases.erased else ())
                + (live_privacy.TABLES if contacts else ())
                + (social_privacy.TABLES if posts_erased else ())
                + (mail_privacy.TABLES if mail_forgotten else ())
            )
            forget_erased(bind, touched, vacuum=get_settings().erasure_vacuum)
    due = throttle.cleanup_due(now.timestamp())  # at most once an hour per process
    forgotten = forget_stale_sign_ins(factory, now=now) if due else 0
    notes = chat_step(factory, now=now)
    return MaintenanceReport(
        cases=cases,
        posts_flagged=posts,
        contacts_erased=contacts,
        posts_erased=posts_erased,
        sign_ins_forgotten=forgotten,
        notes=notes,
        contacts_timed_out=timed_out,
    )


CASE_NOTES_WINDOW = timedelta(days=7)
CHAT_PENDING_DAYS = timedelta(days=7)


def chat_step(factory: sessionmaker[Session], *, now: datetime) -> chat_notes.DeliveryReport:
    """Drop the chat lines that waited a week for an agent; queue the case numbers of cases
    opened from Chatwoot conversations, then post the due private notes (when Chatwoot's address
    and token are set)."""
    with factory() as session, session.begin():
        chat_service.drop_stale_pending(session, before=now - CHAT_PENDING_DAYS)
    settings = get_settings()
    if not chat_notes.notes_enabled(settings):
        return chat_notes.DeliveryReport()
    with factory() as session, session.begin():
        chat_notes.queue_case_notes(session, since=now - CASE_NOTES_WINDOW)
    return chat_notes.deliver_due(
        factory, post=chat_notes.post_note(settings), max_attempts=settings.chat_note_attempts
    )


def outbox_channels(settings: Settings) -> dict[str, outbox.Channel]:
    """The outbox channels this worker delivers (mail notices and chat notes add theirs here)."""
    channels: list[outbox.Channel] = [WebhookChannel.from_settings(settings)]
    return {channel.name: channel for channel in channels}


def deliver_outbox(
    factory: sessionmaker[Session], settings: Settings | None = None
) -> outbox.DeliveryReport:
    """Deliver every outbox message due (webhooks), then forget old delivered ones."""
    settings = settings or get_settings()
    report = outbox.deliver_due(
        factory, channels=outbox_channels(settings), policy=outbox.Policy.from_settings(settings)
    )
    now = utcnow()
    if outbox_cleanup_due(now.timestamp()):
        with factory() as session, session.begin():
            outbox.forget_old(session, now=now, retention_days=settings.outbox_retention_days)
    return report


_last_outbox_cleanup = 0.0
OUTBOX_CLEANUP_SECONDS = 3600.0


def outbox_cleanup_due(at: float) -> bool:
    """At most once an hour per process: deleting old deliveries is not urgent."""
    global _last_outbox_cleanup
    if at - _last_outbox_cleanup < OUTBOX_CLEANUP_SECONDS:
        return False
    _last_outbox_cleanup = at
    return True


def _logged_deliveries(factory: sessionmaker[Session], settings: Settings | None) -> None:
    try:
        retried = social_worker.retry_publications(factory, settings or get_settings())
        if retried:
            log.info("social: %d failed publications tried again", retried)
    except Exception:
        log.exception("social publications failed; retrying on the next tick")
    try:
        report = deliver_outbox(factory, settings)
    except Exception:
        log.exception("outbox deliveries failed; retrying on the next tick")
        return
    if report.count or report.lost:
        log.info(
            "outbox: %d delivered, %d to retry, %d given up, %d outcomes after a lost lease",
            report.delivered,
            report.retried,
            report.failed,
            report.lost,
        )


def _logged_step(
    factory: sessionmaker[Session],
    retention_days: int | None,
    playbook: Playbook | None = None,
    publish: Publish | None = None,
) -> None:
    try:
        report = run_once(
            factory, retention_days=retention_days, playbook=playbook, publish=publish
        )
    except Exception:
        log.exception("worker step failed; retrying on the next tick")
        return
    if report.anything_done:
        log.info(
            "worker: %d case events, %d cases and %d contacts erased, %d posts flagged, "
            "%d expired sign-ins forgotten, %d contacts timed out",
            report.cases.count,
            report.cases.erased,
            report.contacts_erased,
            report.posts_flagged,
            report.sign_ins_forgotten,
            report.contacts_timed_out,
        )


def run_forever(
    factory: sessionmaker[Session],
    *,
    interval: float,
    retention_days: int | None = None,
    max_steps: int | None = None,
    settings: Settings | None = None,
    playbook: Playbook | None = None,
    publish: Publish | None = None,
) -> None:
    """Repeat :func:`run_once` every ``interval`` seconds (``max_steps`` bounds it for tests),
    and deliver the outbox every ``outbox_interval_seconds`` in between."""
    outbox_interval = (settings or get_settings()).outbox_interval_seconds
    steps = 0
    next_step = time.monotonic()
    while max_steps is None or steps < max_steps:
        if time.monotonic() >= next_step:
            _logged_step(factory, retention_days, playbook, publish)
            steps += 1
            next_step = time.monotonic() + interval
        _logged_deliveries(factory, settings)
        if max_steps is None or steps < max_steps:
            time.sleep(max(0.0, min(outbox_interval, next_step - time.monotonic())))


async def run_embedded(
    factory: sessionmaker[Session],
    *,
    interval: float,
    retention_days: int | None,
    settings: Settings | None = None,
    playbook: Playbook | None = None,
    publish: Callable[[Sequence[Outgoing]], Coroutine[Any, Any, None]] | None = None,
) -> None:
    """The loop inside ``calmdesk serve``: each step in a thread, until cancelled (``publish``,
    the app's bus, runs back on this loop); the outbox's deliveries in a loop of their own, so a
    slow receiver never holds the deadlines back."""
    loop = asyncio.get_running_loop()

    def publish_from_step(outgoing: Sequence[Outgoing]) -> None:
        if publish is not None:
            asyncio.run_coroutine_threadsafe(publish(outgoing), loop).result(timeout=30)

    deliveries = asyncio.create_task(_deliver_embedded(factory, settings))
    try:
        while True:
            await asyncio.to_thread(
                _logged_step, factory, retention_days, playbook, publish_from_step
            )
            await asyncio.sleep(interval)
    finally:
        deliveries.cancel()


async def _deliver_embedded(factory: sessionmaker[Session], settings: Settings | None) -> None:
    outbox_interval = (settings or get_settings()).outbox_interval_seconds
    while True:
        await asyncio.to_thread(_logged_deliveries, factory, settings)
        await asyncio.sleep(outbox_interval)
