"""The worker delivers the outbox: ``calmdesk worker``'s loop and the loop inside ``serve``."""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from calmdesk import maintenance
from calmdesk.settings import Settings
from calmdesk.storage.db import make_engine, make_session_factory
from calmdesk.storage.migrate import upgrade
from calmdesk.webhooks import signing
from tests.conftest import TEST_SECRET_KEY
from tests.servers import postgres_database
from tests.webhooks.receiver import Received, receiving
from tests.webhooks.test_delivery import breach, subscribe


def test_the_worker_loop_delivers_what_is_due(
    session: Session, session_factory: sessionmaker[Session], settings: Settings
) -> None:
    with receiving() as receiver:
        created = subscribe(session, receiver.url)
        breach(session)
        maintenance.run_forever(session_factory, interval=60, max_steps=1, settings=settings)
    [request] = receiver.requests
    assert signing.verify(created.secret, request.body, request.headers["CalmDesk-Signature"])


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def own_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database of the test's own: the embedded loop runs its deadline step and its
    deliveries in two threads at once, which the tests' one shared connection cannot serve."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'embedded.sqlite3'}"
        return
    with postgres_database("embedded") as url:
        yield url


@pytest.mark.slow
def test_the_embedded_worker_delivers_between_its_deadline_steps(
    own_db: str, tmp_path: Path
) -> None:
    settings = Settings(
        env="test", database_url=own_db, data_dir=tmp_path, secret_key=TEST_SECRET_KEY
    )
    arrived = threading.Event()

    def on_request(_: Received) -> None:
        arrived.set()

    engine = make_engine(own_db)
    upgrade(engine)
    factory = make_session_factory(engine)

    async def run_until_delivered() -> bool:
        task = asyncio.create_task(
            maintenance.run_embedded(factory, interval=3600, retention_days=None, settings=settings)
        )
        try:
            return await asyncio.to_thread(arrived.wait, 60)
        finally:
            task.cancel()

    try:
        with receiving(on_request=on_request) as receiver:
            with factory() as session:
                subscribe(session, receiver.url)
                breach(session)
            # In a thread of its own: a browser test's Playwright may hold this thread's loop.
            with concurrent.futures.ThreadPoolExecutor(1) as pool:
                assert pool.submit(asyncio.run, run_until_delivered()).result(timeout=120)
        assert len(receiver.requests) == 1
    finally:
        engine.dispose()
