"""Workers starting at once upgrade the schema without colliding: processes on PostgreSQL (the
advisory lock in env.py) and threads in one process (Alembic's global state)."""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Iterator
from multiprocessing.synchronize import Barrier

import pytest

from calmdesk.storage import migrate
from tests.servers import postgres_database

WORKERS = 4


@pytest.fixture
def fresh_postgres() -> Iterator[str]:
    """An empty database next to the suite's, dropped afterwards."""
    with postgres_database("fresh") as url:
        yield url


def _upgrade_after(barrier: Barrier, url: str) -> None:
    barrier.wait()
    migrate.upgrade(url)


@pytest.mark.postgres
def test_worker_processes_upgrading_at_the_same_time_do_not_collide(fresh_postgres: str) -> None:
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(WORKERS)
    processes = [
        context.Process(target=_upgrade_after, args=(barrier, fresh_postgres))
        for _ in range(WORKERS)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=120)
    assert [p.exitcode for p in processes] == [0] * WORKERS
    assert migrate.is_up_to_date(fresh_postgres)


@pytest.mark.postgres
def test_threads_upgrading_at_the_same_time_do_not_collide(fresh_postgres: str) -> None:
    start = threading.Barrier(WORKERS)
    errors: list[BaseException] = []

    def worker() -> None:
        start.wait()
        try:
            migrate.upgrade(fresh_postgres)
        except BaseException as error:  # reported by the test thread below
            errors.append(error)

    threads = [threading.Thread(target=worker) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert migrate.is_up_to_date(fresh_postgres)
