"""The outbox: write a message in the transaction of the event that causes it, deliver it from
the worker at least once.

* :func:`enqueue` adds a message to the caller's session: it is committed with the event or not
  at all, so a crash loses none and a rolled-back event sends nothing.
* :func:`deliver_due` (the worker) claims due messages in one short transaction
  (``SELECT ... FOR UPDATE SKIP LOCKED`` on PostgreSQL, so workers never take the same row; on
  SQLite a write transaction holds the database's one write lock), writes an attempt row and
  moves ``due_at`` to the end of a lease; sends outside any transaction, several at once; then
  records every outcome in one transaction: delivered, or due again after an exponential
  backoff with jitter, or given up after ``max_attempts``.
* A worker that dies after sending but before recording leaves its attempt ``sending``; when the
  lease runs out the message is due again and is sent with the same ``event_id``: delivery is
  at least once, and the receiver dedupes by that key. No message is ever written twice for one
  event and target (a unique constraint).

A channel plugs in as a :class:`Channel`: a ``name`` (the messages' ``channel``), ``prepare``
(inside the claim's transaction: load what sending needs, or raise :class:`Undeliverable`) and
``send`` (outside any transaction; returns an :class:`Outcome`). The worker passes the channels
it runs (``calmdesk.maintenance.outbox_channels``); a message of a channel no worker runs waits.
Webhooks are the first (:mod:`calmdesk.webhooks.delivery`); mail notices and chat notes can be
others.
"""

from __future__ import annotations

import logging
import random
import secrets
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session, sessionmaker

from calmdesk.errors import Conflict
from calmdesk.outbox.models import DELIVERED, FAILED, PENDING, OutboxAttempt, OutboxMessage
from calmdesk.storage.types import utcnow

log = logging.getLogger(__name__)

SENDING = "sending"
RETRY = "retry"
MAX_ERROR_CHARS = 500


@dataclass(frozen=True, slots=True)
class Job:
    """One claimed message, as a channel's ``send`` sees it (no database objects)."""

    message_id: int
    channel: str
    target_id: int | None
    event_id: str
    event_kind: str
    payload: dict[str, Any]
    attempt: int
    lease_token: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Outcome:
    delivered: bool
    status_code: int | None = None
    error: str | None = None
    permanent: bool = False
    """Do not try again (the target refuses it for good, or is gone)."""


class Undeliverable(Exception):
    """Raised by a channel's ``prepare``: the message cannot be sent (its target was deleted or
    disabled); it is given up at once with this reason."""


class Channel(Protocol):
    name: str

    def prepare(self, session: Session, job: Job) -> Any: ...

    def send(self, job: Job, prepared: Any) -> Outcome: ...


@dataclass(frozen=True, slots=True)
class Policy:
    """How the worker delivers: from the settings (``CALMDESK_OUTBOX_*``)."""

    batch_size: int = 50
    concurrency: int = 8
    lease: timedelta = timedelta(seconds=120)
    max_attempts: int = 10
    backoff_base: float = 10.0
    backoff_max: float = 3600.0

    @classmethod
    def from_settings(cls, settings: Any) -> Policy:
        return cls(
            batch_size=settings.outbox_batch_size,
            concurrency=settings.outbox_concurrency,
            lease=timedelta(seconds=settings.outbox_lease_seconds),
            max_attempts=settings.outbox_max_attempts,
            backoff_base=settings.outbox_backoff_base_seconds,
            backoff_max=settings.outbox_backoff_max_seconds,
        )


def backoff_seconds(
    attempt: int, *, base: float, cap: float, rand: Callable[[], float] = random.random
) -> float:
    """The wait after failed attempt number ``attempt`` (1, 2, ...): ``base`` doubled each
    time, at most ``cap``; half of it fixed and half random ("equal jitter"), so receivers that
    came back are not hit by every worker's retries in the same second."""
    delay = min(cap, base * 2.0 ** max(0, attempt - 1))
    return delay / 2 + rand() * delay / 2


def enqueue(
    session: Session,
    *,
    channel: str,
    target_id: int | None,
    event_id: str,
    event_kind: str,
    payload: dict[str, Any],
    now: datetime | None = None,
) -> OutboxMessage:
    """Add a message to the caller's transaction (committed with the event, or not at all)."""
    now = now or utcnow()
    message = OutboxMessage(
        channel=channel,
        target_id=target_id,
        event_id=event_id,
        event_kind=event_kind,
        payload=payload,
        status=PENDING,
        created_at=now,
        due_at=now,
        attempts=0,
        attempts_before_replay=0,
    )
    session.add(message)
    return message


@dataclass
class DeliveryReport:
    delivered: int = 0
    retried: int = 0
    failed: int = 0
    lost: int = 0
    """Outcomes not recorded on the message: its lease had run out and another worker held it."""
    outcomes: list[tuple[int, str]] = field(default_factory=list)
    """(message id, ``delivered`` / ``retry`` / ``failed``) for each attempt finished."""

    @property
    def count(self) -> int:
        return self.delivered + self.retried + self.failed


def _clip(text: str) -> str:
    return text if len(text) <= MAX_ERROR_CHARS else text[: MAX_ERROR_CHARS - 1] + "…"


def claim(
    factory: sessionmaker[Session],
    *,
    now: datetime,
    policy: Policy,
    channels: Mapping[str, Channel],
    report: DeliveryReport | None = None,
) -> list[tuple[Job, Any]]:
    """Claim up to ``policy.batch_size`` due messages of ``channels``: each gets an attempt row
    (``sending``) and a lease; returns them with what their channel prepared."""
    names = list(channels)
    if not names:
        return []
    token = secrets.token_hex(16)
    claimed: list[tuple[Job, Any]] = []
    lease_end = now + policy.lease
    with factory() as session, session.begin():
        query = (
            select(
                OutboxMessage.id,
                OutboxMessage.channel,
                OutboxMessage.target_id,
                OutboxMessage.event_id,
                OutboxMessage.event_kind,
                OutboxMessage.payload,
                OutboxMessage.attempts,
                OutboxMessage.created_at,
            )
            .where(OutboxMessage.due_at <= now, OutboxMessage.channel.in_(names))
            .order_by(OutboxMessage.due_at, OutboxMessage.id)
            .limit(policy.batch_size)
            .with_for_update(skip_locked=True)
        )
        rows = session.execute(query).all()
        if not rows:
            return []
        # Two statements for the batch: the lease on every row, an attempt row for each.
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_([row.id for row in rows]))
            .values(
                attempts=OutboxMessage.attempts + 1,
                last_attempt_at=now,
                lease_token=token,
                due_at=lease_end,
            )
            .execution_options(synchronize_session=False)
        )
        session.execute(
            insert(OutboxAttempt),
            [
                {
                    "message_id": row.id,
                    "number": row.attempts + 1,
                    "started_at": now,
                    "outcome": SENDING,
                }
                for row in rows
            ],
        )
        for row in rows:
            job = Job(
                message_id=row.id,
                channel=row.channel,
                target_id=row.target_id,
                event_id=row.event_id,
                event_kind=row.event_kind,
                payload=dict(row.payload),
                attempt=row.attempts + 1,
                lease_token=token,
                created_at=row.created_at,
            )
            try:
                prepared = channels[row.channel].prepare(session, job)
            except Undeliverable as gone:
                _give_up(session, job, _clip(str(gone)), now=now)
                if report is not None:
                    report.failed += 1
                    report.outcomes.append((row.id, FAILED))
                continue
            claimed.append((job, prepared))
    return claimed


def _give_up(session: Session, job: Job, reason: str, *, now: datetime) -> None:
    """The target cannot take it: given up at once, the attempt saying why."""
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == job.message_id)
        .values(
            status=FAILED, due_at=None, lease_token=None, last_error=reason, last_status_code=None
        )
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(OutboxAttempt)
        .where(OutboxAttempt.message_id == job.message_id, OutboxAttempt.number == job.attempt)
        .values(outcome=FAILED, error=reason, finished_at=now)
        .execution_options(synchronize_session=False)
    )


def _send(channel: Channel, job: Job, prepared: Any) -> tuple[Outcome, float]:
    started = time.perf_counter()
    try:
        outcome = channel.send(job, prepared)
    except Exception as error:  # a channel's bug must not stop the others' deliveries
        log.exception("outbox: channel %s raised on message %d", job.channel, job.message_id)
        outcome = Outcome(delivered=False, error=f"{type(error).__name__}: {error}")
    return outcome, time.perf_counter() - started


def _settle(
    message: OutboxMessage,
    outcome: Outcome,
    *,
    now: datetime,
    policy: Policy,
    rand: Callable[[], float],
) -> str:
    """The message after an attempt its sender still held: delivered, given up, or due again."""
    message.lease_token = None
    tried = message.attempts - message.attempts_before_replay
    if outcome.delivered:
        message.status, message.delivered_at, message.due_at = DELIVERED, now, None
        return DELIVERED
    if outcome.permanent or tried >= policy.max_attempts:
        message.status, message.due_at = FAILED, None
        return FAILED
    wait = backoff_seconds(tried, base=policy.backoff_base, cap=policy.backoff_max, rand=rand)
    message.due_at = now + timedelta(seconds=wait)
    return RETRY


def record_outcomes(
    factory: sessionmaker[Session],
    results: Sequence[tuple[Job, Outcome, float]],
    *,
    now: datetime,
    policy: Policy,
    report: DeliveryReport,
    rand: Callable[[], float] = random.random,
) -> None:
    """Each attempt's outcome on its attempt row, and on its message if the lease is still the
    sender's: delivered, due again after the backoff, or given up."""
    if not results:
        return
    with factory() as session, session.begin():
        ids = [job.message_id for job, _, _ in results]
        messages = {
            m.id: m
            for m in session.scalars(
                select(OutboxMessage).where(OutboxMessage.id.in_(ids)).with_for_update()
            )
        }
        attempts = {
            (a.message_id, a.number): a
            for a in session.scalars(select(OutboxAttempt).where(OutboxAttempt.message_id.in_(ids)))
        }
        for job, outcome, seconds in results:
            message = messages.get(job.message_id)
            attempt = attempts.get((job.message_id, job.attempt))
            error = _clip(outcome.error) if outcome.error else None
            owned = message is not None and message.lease_token == job.lease_token
            if message is None or not owned:
                kind = DELIVERED if outcome.delivered else RETRY
                report.lost += 1
            else:
                kind = _settle(message, outcome, now=now, policy=policy, rand=rand)
                message.last_status_code, message.last_error = outcome.status_code, error
                if kind == DELIVERED:
                    report.delivered += 1
                elif kind == FAILED:
                    report.failed += 1
                else:
                    report.retried += 1
            if attempt is not None:
                attempt.outcome, attempt.finished_at = kind, now
                attempt.status_code, attempt.error = outcome.status_code, error
                attempt.duration_ms = round(seconds * 1000)
            report.outcomes.append((job.message_id, kind))


AfterSend = Callable[[Sequence[tuple[Job, Outcome, float]]], None]


def deliver_due(
    factory: sessionmaker[Session],
    *,
    channels: Mapping[str, Channel],
    policy: Policy | None = None,
    now: Callable[[], datetime] = utcnow,
    after_send: AfterSend | None = None,
    max_batches: int | None = None,
) -> DeliveryReport:
    """Deliver what is due, batch after batch until none is left (or ``max_batches``).

    ``after_send`` is called between sending and recording (tests use it to stand for a crash
    at exactly that point)."""
    policy = policy or Policy()
    report = DeliveryReport()
    batches = 0
    while max_batches is None or batches < max_batches:
        batches += 1
        claimed = claim(factory, now=now(), policy=policy, channels=channels, report=report)
        if not claimed:
            break
        workers = min(policy.concurrency, len(claimed))
        if workers == 1:
            sent = [_send(channels[job.channel], job, prepared) for job, prepared in claimed]
        else:
            with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="outbox") as pool:
                sent = list(pool.map(lambda pair: _send(channels[pair[0].channel], *pair), claimed))
        results = [
            (job, outcome, seconds)
            for (job, _), (outcome, seconds) in zip(claimed, sent, strict=True)
        ]
        if after_send is not None:
            after_send(results)
        record_outcomes(factory, results, now=now(), policy=policy, report=report)
        if len(claimed) < policy.batch_size:
            break
    return report


class DeliveryInFlight(Conflict):
    code = "delivery_in_flight"


def replay(
    session: Session, *, message: OutboxMessage, actor_id: int | None, now: datetime | None = None
) -> OutboxMessage:
    """Send ``message`` again as soon as a worker looks (same ``event_id``, a full set of
    attempts); refused while a worker holds it."""
    now = now or utcnow()
    if message.lease_token is not None and message.due_at is not None and message.due_at > now:
        raise DeliveryInFlight(
            f"Delivery {message.id} is being sent right now; replay it once this attempt ends.",
            delivery_id=message.id,
        )
    message.status = PENDING
    message.due_at = now
    message.lease_token = None
    message.attempts_before_replay = message.attempts
    message.replayed_at = now
    message.replayed_by_id = actor_id
    return message


def forget_old(session: Session, *, now: datetime, retention_days: int) -> int:
    """Delete delivered and given-up messages (and their attempts) older than the retention."""
    cutoff = now - timedelta(days=retention_days)
    old = select(OutboxMessage.id).where(
        OutboxMessage.status != PENDING, OutboxMessage.created_at < cutoff
    )
    ids = list(session.scalars(old))
    if not ids:
        return 0
    session.execute(delete(OutboxAttempt).where(OutboxAttempt.message_id.in_(ids)))
    session.execute(delete(OutboxMessage).where(OutboxMessage.id.in_(ids)))
    return len(ids)
