"""The background worker's step: every domain's due deadlines and retention, in one place.

``calmdesk worker`` runs it in a loop; ``calmdesk serve`` runs the same loop inside the app (the
embedded default). Each domain's step claims its own rows, so any number of workers may run on
PostgreSQL and nothing is recorded twice.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker

from calmdesk.cases import privacy as case_privacy
from calmdesk.cases import worker as cases_worker
from calmdesk.live import privacy as live_privacy
from calmdesk.mail import privacy as mail_privacy
from calmdesk.settings import get_settings
from calmdesk.social import privacy as social_privacy
from calmdesk.social import worker as social_worker
from calmdesk.storage.scrub import forget_erased
from calmdesk.storage.types import utcnow
from calmdesk.users import sessions as web_sessions
from calmdesk.users import throttle

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MaintenanceReport:
    cases: cases_worker.StepReport
    posts_flagged: int
    contacts_erased: int
    posts_erased: int = 0
    sign_ins_forgotten: int = 0
    """Expired web sessions and login-throttle keys nobody used for a day, deleted."""

    @property
    def anything_done(self) -> bool:
        return bool(
            self.cases.count
            or self.cases.erased
            or self.posts_flagged
            or self.contacts_erased
            or self.posts_erased
            or self.sign_ins_forgotten
        )


def forget_stale_sign_ins(factory: sessionmaker[Session], *, now: datetime) -> int:
    """Expired web sessions and throttle keys past their forget period: gone from the tables."""
    with factory() as session, session.begin():
        expired = web_sessions.forget_expired(session, now=now)
        return expired + throttle.forget_stale(session, at=now.timestamp())


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
) -> MaintenanceReport:
    """Cases (SLA warnings, breaches, legal-deadline risks), public posts (response clock), then
    retention of ended contacts' words when ``retention_days`` is given."""
    now = now or utcnow()
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
    return MaintenanceReport(
        cases=cases,
        posts_flagged=posts,
        contacts_erased=contacts,
        posts_erased=posts_erased,
        sign_ins_forgotten=forgotten,
    )


def _logged_step(factory: sessionmaker[Session], retention_days: int | None) -> None:
    try:
        report = run_once(factory, retention_days=retention_days)
    except Exception:
        log.exception("worker step failed; retrying on the next tick")
        return
    if report.anything_done:
        log.info(
            "worker: %d case events, %d cases and %d contacts erased, %d posts flagged, "
            "%d expired sign-ins forgotten",
            report.cases.count,
            report.cases.erased,
            report.contacts_erased,
            report.posts_flagged,
            report.sign_ins_forgotten,
        )


def run_forever(
    factory: sessionmaker[Session],
    *,
    interval: float,
    retention_days: int | None = None,
    max_steps: int | None = None,
) -> None:
    """Repeat :func:`run_once` every ``interval`` seconds (``max_steps`` bounds it for tests)."""
    steps = 0
    while max_steps is None or steps < max_steps:
        _logged_step(factory, retention_days)
        steps += 1
        if max_steps is None or steps < max_steps:
            time.sleep(interval)


async def run_embedded(
    factory: sessionmaker[Session], *, interval: float, retention_days: int | None
) -> None:
    """The loop inside ``calmdesk serve``: each step in a thread, until cancelled."""
    while True:
        await asyncio.to_thread(_logged_step, factory, retention_days)
        await asyncio.sleep(interval)
