"""Workers claiming at the same moment never take the same message: four threads with their own
connections claim from one outbox (``FOR UPDATE SKIP LOCKED`` on PostgreSQL; SQLite's one
writer), and every message is claimed exactly once. A plain channel stands in for HTTP here."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session

from calmdesk.outbox import service as outbox
from calmdesk.storage.db import make_engine, make_session_factory
from calmdesk.storage.migrate import upgrade
from calmdesk.storage.types import utcnow
from tests.servers import postgres_database

MESSAGES = 400
WORKERS = 4


class Plain:
    name = "plain"

    def prepare(self, session: Session, job: outbox.Job) -> None:
        return None

    def send(self, job: outbox.Job, prepared: Any) -> outbox.Outcome:
        return outbox.Outcome(delivered=True, status_code=200)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def own_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'claims.sqlite3'}"
        return
    with postgres_database("claims") as url:
        yield url


def test_concurrent_claims_take_each_message_once(own_db: str) -> None:
    engine = make_engine(own_db)
    upgrade(engine)
    factory = make_session_factory(engine)
    with factory() as session, session.begin():
        for n in range(MESSAGES):
            outbox.enqueue(
                session,
                channel="plain",
                target_id=1,
                event_id=f"event-{n}",
                event_kind="case.created",
                payload={"n": n},
            )
    now = utcnow()
    policy = outbox.Policy(batch_size=25)
    taken: list[list[int]] = [[] for _ in range(WORKERS)]
    start = threading.Barrier(WORKERS)

    def work(index: int) -> None:
        start.wait()
        while claimed := outbox.claim(factory, now=now, policy=policy, channels={"plain": Plain()}):
            taken[index] += [job.message_id for job, _ in claimed]

    try:
        threads = [threading.Thread(target=work, args=(i,)) for i in range(WORKERS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    finally:
        engine.dispose()
    every = [m for ids in taken for m in ids]
    assert len(every) == MESSAGES == len(set(every))
