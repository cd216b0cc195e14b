"""Deliveries to a real HTTP receiver on loopback, through the outbox, on SQLite and PostgreSQL:
signed, retried with backoff after 500s, given up, replayed, and sent again with the same event
id (never written twice) when the worker stops between sending and recording."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from calmdesk.outbox import service as outbox
from calmdesk.outbox.models import OutboxAttempt, OutboxMessage
from calmdesk.storage.types import utcnow
from calmdesk.webhooks import service, signing
from calmdesk.webhooks.delivery import WebhookChannel
from calmdesk.webhooks.events import WebhookEventKind, notify
from calmdesk.webhooks.schemas import WebhookCreate, WebhookUpdate
from tests.conftest import TEST_SECRET_KEY
from tests.webhooks.receiver import Receiver, receiving

CHANNELS: dict[str, outbox.Channel] = {
    "webhook": WebhookChannel(server_key=TEST_SECRET_KEY, timeout=5, allow_private=True)
}
POLICY = outbox.Policy(max_attempts=3, backoff_base=10, backoff_max=60)


def subscribe(session: Session, url: str, *kinds: WebhookEventKind) -> service.Created:
    created = service.create(
        session,
        webhook_in=WebhookCreate(
            name="Dyżur", url=url, event_kinds=list(kinds or [WebhookEventKind.CASE_SLA_BREACHED])
        ),
        actor_id=None,
        server_key=TEST_SECRET_KEY,
        allow_private=True,
    )
    session.commit()
    return created


def breach(session: Session, case_id: int = 7) -> None:
    notify(
        session,
        kind=WebhookEventKind.CASE_SLA_BREACHED,
        data={"case_id": case_id, "clock": "resolution", "title": "Żółć – Ёлка"},
    )
    session.commit()


class Clock:
    def __init__(self) -> None:
        self.at = utcnow() + timedelta(seconds=1)  # after the events the test writes

    def __call__(self) -> datetime:
        return self.at

    def later(self, **delta: float) -> None:
        self.at += timedelta(**delta)


def deliver(
    factory: sessionmaker[Session], clock: Clock, after_send: outbox.AfterSend | None = None
) -> outbox.DeliveryReport:
    return outbox.deliver_due(
        factory, channels=CHANNELS, policy=POLICY, now=clock, after_send=after_send
    )


def attempts(session: Session) -> list[tuple[str, int | None]]:
    session.expire_all()
    rows = session.scalars(select(OutboxAttempt).order_by(OutboxAttempt.id))
    return [(a.outcome, a.status_code) for a in rows]


def the_message(session: Session) -> OutboxMessage:
    session.expire_all()
    return session.scalars(select(OutboxMessage)).one()


def test_a_delivery_is_signed_and_the_signature_verifies(
    session: Session, session_factory: sessionmaker[Session], receiver: Receiver
) -> None:
    created = subscribe(session, receiver.url)
    breach(session)
    report = deliver(session_factory, Clock())
    assert report.delivered == 1
    [request] = receiver.requests
    body = json.loads(request.body)
    assert body["type"] == "case.sla_breached"
    assert body["data"] == {"case_id": 7, "clock": "resolution", "title": "Żółć – Ёлка"}
    assert request.headers["CalmDesk-Event-Id"] == body["id"]
    assert request.headers["CalmDesk-Event-Type"] == "case.sla_breached"
    assert request.headers["Content-Type"].startswith("application/json")
    assert signing.verify(created.secret, request.body, request.headers["CalmDesk-Signature"])
    # Any other secret, or a body changed by one byte, fails.
    assert not signing.verify("whsec_other", request.body, request.headers["CalmDesk-Signature"])
    tampered = request.body.replace(b"7", b"8", 1)
    assert not signing.verify(created.secret, tampered, request.headers["CalmDesk-Signature"])
    message = the_message(session)
    assert message.status == "delivered" and message.due_at is None
    assert attempts(session) == [("delivered", 200)]


def test_the_secret_is_not_stored(session: Session, receiver: Receiver) -> None:
    created = subscribe(session, receiver.url)
    stored = created.subscription
    assert created.secret.startswith("whsec_") and len(created.secret) == 49
    columns = [str(getattr(stored, c.key)) for c in stored.__table__.columns]
    assert all(created.secret not in value for value in columns)
    assert stored.secret_hint == f"whsec_…{created.secret[-4:]}"


def test_500s_are_retried_with_backoff_until_delivered(
    session: Session, session_factory: sessionmaker[Session]
) -> None:
    clock = Clock()
    with receiving([500, 503]) as receiver:
        subscribe(session, receiver.url)
        breach(session)
        assert deliver(session_factory, clock).retried == 1
        first = the_message(session)
        assert first.status == "pending" and first.last_status_code == 500
        assert first.last_error is not None and "receiver says no" in first.last_error
        assert first.due_at is not None
        wait = (first.due_at - clock()).total_seconds()
        assert 5 <= wait <= 10  # half fixed, half jitter, of the 10 s base
        # Not due yet: nothing is sent.
        assert deliver(session_factory, clock).count == 0
        clock.later(seconds=10)
        assert deliver(session_factory, clock).retried == 1
        second = the_message(session)
        assert second.due_at is not None
        assert 10 <= (second.due_at - clock()).total_seconds() <= 20  # doubled
        clock.later(seconds=20)
        assert deliver(session_factory, clock).delivered == 1
    assert attempts(session) == [("retry", 500), ("retry", 503), ("delivered", 200)]
    ids = receiver.event_ids()
    assert len(ids) == 3 and len(set(ids)) == 1  # one event, one idempotency key
    assert [r.headers["CalmDesk-Attempt"] for r in receiver.requests] == ["1", "2", "3"]
    assert the_message(session).status == "delivered"


def test_backoff_doubles_up_to_the_cap_with_half_of_it_random() -> None:
    low = [outbox.backoff_seconds(n, base=10, cap=300, rand=lambda: 0.0) for n in range(1, 8)]
    high = [outbox.backoff_seconds(n, base=10, cap=300, rand=lambda: 1.0) for n in range(1, 8)]
    assert high == [10, 20, 40, 80, 160, 300, 300]
    assert low == [h / 2 for h in high]


def test_a_delivery_is_given_up_after_its_attempts_and_a_replay_sends_it(
    session: Session, session_factory: sessionmaker[Session]
) -> None:
    clock = Clock()
    with receiving([500, 500, 500]) as receiver:
        subscribe(session, receiver.url)
        breach(session)
        for _ in range(POLICY.max_attempts):
            deliver(session_factory, clock)
            clock.later(hours=1)
        message = the_message(session)
        assert message.status == "failed" and message.due_at is None
        assert deliver(session_factory, clock).count == 0
        service.replay(session, delivery=message, actor_id=None, now=clock())
        session.commit()
        assert deliver(session_factory, clock).delivered == 1
    assert [o for o, _ in attempts(session)] == ["retry", "retry", "failed", "delivered"]
    assert len(set(receiver.event_ids())) == 1
    replayed = the_message(session)
    assert replayed.status == "delivered" and replayed.replayed_at is not None


class Crash(Exception):
    pass


def crash(_: Sequence[object]) -> None:
    raise Crash("the worker stops between sending and recording")


def test_a_worker_stopping_after_the_send_gives_one_resend_with_the_same_event_id(
    session: Session, session_factory: sessionmaker[Session], receiver: Receiver
) -> None:
    """The crash is simulated at the exact point (``after_send``: the request was answered, the
    outcome not recorded); tests/webhooks/test_crash.py does it with SIGKILL on a real worker."""
    clock = Clock()
    subscribe(session, receiver.url)
    breach(session)
    with pytest.raises(Crash):
        deliver(session_factory, clock, after_send=crash)
    assert len(receiver.requests) == 1
    interrupted = the_message(session)
    assert interrupted.status == "pending" and interrupted.lease_token is not None
    assert attempts(session) == [("sending", None)]
    # Within the lease no other worker takes it.
    clock.later(seconds=60)
    assert deliver(session_factory, clock).count == 0
    clock.later(seconds=61)
    assert deliver(session_factory, clock).delivered == 1
    ids = receiver.event_ids()
    assert len(ids) == 2 and len(set(ids)) == 1  # the receiver dedupes by this key
    assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 1
    assert attempts(session) == [("sending", None), ("delivered", 200)]


def test_one_event_goes_to_every_subscriber_once_and_only_to_them(
    session: Session, session_factory: sessionmaker[Session]
) -> None:
    with receiving() as first, receiving() as second, receiving() as other:
        subscribe(session, first.url, WebhookEventKind.CASE_SLA_BREACHED)
        subscribe(
            session, second.url, WebhookEventKind.CASE_SLA_BREACHED, WebhookEventKind.CASE_CREATED
        )
        subscribe(session, other.url, WebhookEventKind.ALERT_ABUSE)
        breach(session)
        assert deliver(session_factory, Clock()).delivered == 2
        assert first.event_ids() == second.event_ids()
        assert other.requests == []


def test_a_rolled_back_event_sends_nothing(
    session: Session, session_factory: sessionmaker[Session], receiver: Receiver
) -> None:
    subscribe(session, receiver.url)
    notify(session, kind=WebhookEventKind.CASE_SLA_BREACHED, data={"case_id": 1})
    session.rollback()
    assert deliver(session_factory, Clock()).count == 0
    assert receiver.requests == []


def test_a_disabled_webhook_gets_nothing_more(
    session: Session, session_factory: sessionmaker[Session], receiver: Receiver
) -> None:
    created = subscribe(session, receiver.url)
    breach(session)
    service.update(
        session,
        subscription=created.subscription,
        webhook_in=WebhookUpdate(is_active=False),
        actor_id=None,
        allow_private=True,
    )
    session.commit()
    breach(session, case_id=8)  # no subscriber now: nothing is written
    report = deliver(session_factory, Clock())
    assert report.failed == 1 and receiver.requests == []
    message = the_message(session)
    assert message.status == "failed" and message.last_error == "the subscription is disabled"


def test_an_unreachable_receiver_is_an_error_in_the_log_and_a_retry(
    session: Session, session_factory: sessionmaker[Session]
) -> None:
    with receiving() as gone:
        url = gone.url
    subscribe(session, url)
    breach(session)
    assert deliver(session_factory, Clock()).retried == 1
    message = the_message(session)
    assert message.status == "pending" and message.last_status_code is None
    assert message.last_error is not None and "Connection" in message.last_error


def test_addresses_are_public_only_when_globally_routable() -> None:
    from calmdesk.webhooks.targets import is_public

    for private in (
        "127.0.0.1",
        "10.0.0.1",
        "172.16.5.4",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "::1",
        "fe80::1",
        "fc00::1",
        "::ffff:127.0.0.1",
        "224.0.0.1",
    ):
        assert not is_public(private), private
    for public in ("8.8.8.8", "93.184.216.34", "2606:4700:4700::1111"):
        assert is_public(public), public


def test_a_path_with_letters_beyond_ascii_is_sent_percent_encoded(
    session: Session, session_factory: sessionmaker[Session], receiver: Receiver
) -> None:
    subscribe(session, receiver.url + "/żółw?kto=Ёлка")
    breach(session)
    assert deliver(session_factory, Clock()).delivered == 1
    [request] = receiver.requests
    assert request.path == "/hooks/calmdesk/%C5%BC%C3%B3%C5%82w?kto=%D0%81%D0%BB%D0%BA%D0%B0"
