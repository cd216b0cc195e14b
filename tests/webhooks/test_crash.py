"""A real ``calmdesk worker`` process killed with SIGKILL after it sent a delivery and before it
recorded the answer: the restarted worker sends it once more with the same event id (the
receiver dedupes by it), and the outbox holds the one message, delivered, with the interrupted
attempt in its log. SQLite and PostgreSQL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from calmdesk.outbox.models import OutboxAttempt, OutboxMessage
from calmdesk.storage.db import make_engine, make_session_factory
from calmdesk.storage.migrate import upgrade
from calmdesk.webhooks import service, signing
from calmdesk.webhooks.events import WebhookEventKind, notify
from calmdesk.webhooks.schemas import WebhookCreate
from tests.servers import postgres_database
from tests.webhooks.receiver import Received, receiving

pytestmark = pytest.mark.slow

SERVER_KEY = "crash-test-server-key-0123456789-abcdefghijklmnop"
WAIT_SECONDS = 120.0
"""How long to wait for the worker to do something before failing (not a speed assertion)."""


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def crash_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'hooks.sqlite3'}"
        return
    with postgres_database("hooks") as url:
        yield url


def prepare(url: str, receiver_url: str) -> str:
    """Migrate, subscribe the receiver, write one event; returns the webhook's secret."""
    engine = make_engine(url)
    upgrade(engine)
    with make_session_factory(engine)() as session, session.begin():
        created = service.create(
            session,
            webhook_in=WebhookCreate(
                name="Crash", url=receiver_url, event_kinds=[WebhookEventKind.CASE_SLA_BREACHED]
            ),
            actor_id=None,
            server_key=SERVER_KEY,
            allow_private=True,
        )
        notify(session, kind=WebhookEventKind.CASE_SLA_BREACHED, data={"case_id": 42})
    engine.dispose()
    return created.secret


def start_worker(url: str, data_dir: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "CALMDESK_DATABASE_URL": url,
        "CALMDESK_DATA_DIR": str(data_dir),
        "CALMDESK_SECRET_KEY": SERVER_KEY,
        "CALMDESK_OUTBOX_INTERVAL_SECONDS": "0.2",
        "CALMDESK_OUTBOX_LEASE_SECONDS": "2",
        "CALMDESK_WEBHOOKS_ALLOW_PRIVATE_TARGETS": "true",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "calmdesk", "worker", "--interval", "30"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def stored(url: str) -> tuple[list[OutboxMessage], list[OutboxAttempt]]:
    engine = make_engine(url)
    with make_session_factory(engine)() as session:
        messages = list(session.scalars(select(OutboxMessage)))
        attempts = list(session.scalars(select(OutboxAttempt).order_by(OutboxAttempt.number)))
    engine.dispose()
    return messages, attempts


def test_a_worker_killed_between_send_and_mark_resends_once_with_the_same_key(
    crash_db: str, tmp_path: Path
) -> None:
    worker: list[subprocess.Popen[bytes]] = []
    second_arrived = threading.Event()

    def on_request(received: Received) -> None:
        if len(receiver.requests) == 1:
            # The worker has sent the request and waits for this answer: kill it now.
            worker[0].send_signal(signal.SIGKILL)
            worker[0].wait(timeout=30)
        else:
            second_arrived.set()

    with receiving(on_request=on_request) as receiver:
        secret = prepare(crash_db, receiver.url)
        worker.append(start_worker(crash_db, tmp_path))
        try:
            assert worker[0].wait(timeout=WAIT_SECONDS) == -signal.SIGKILL
            [message], [attempt] = stored(crash_db)
            assert message.status == "pending" and message.attempts == 1
            assert attempt.outcome == "sending" and attempt.finished_at is None

            worker.append(start_worker(crash_db, tmp_path))
            assert second_arrived.wait(timeout=WAIT_SECONDS), "the restarted worker sent nothing"
            deadline = time.monotonic() + WAIT_SECONDS
            while stored(crash_db)[0][0].status != "delivered":
                assert time.monotonic() < deadline, "the resend was never recorded"
                time.sleep(0.2)
        finally:
            for process in worker:
                if process.poll() is None:
                    process.kill()
                    process.wait()

    messages, attempts = stored(crash_db)
    assert len(messages) == 1  # never written twice
    assert messages[0].status == "delivered"
    assert [(a.number, a.outcome) for a in attempts] == [(1, "sending"), (2, "delivered")]
    first, second = receiver.requests[:2]
    assert first.headers["CalmDesk-Event-Id"] == second.headers["CalmDesk-Event-Id"]
    assert first.body == second.body
    assert [r.headers["CalmDesk-Attempt"] for r in receiver.requests[:2]] == ["1", "2"]
    assert signing.verify(secret, second.body, second.headers["CalmDesk-Signature"])
    # What a receiver deduping by the key keeps: one event.
    assert len({r.headers["CalmDesk-Event-Id"] for r in receiver.requests}) == 1
