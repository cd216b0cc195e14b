"""Workers starting at once upgrade the schema without colliding: processes on PostgreSQL (the
advisory lock in env.py) and threads in one process (Alembic's global state)."""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Iterator
from multiprocessing.synchronize import Barrier

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from calmdesk.storage import migrate

WORKERS = 4


@pytest.fixture
def fresh_postgres(postgres_url: str) -> Iterator[str]:
    """An empty database next to the suite's, dropped afterwards."""
    name = f"{make_url(postgres_url).database}_fresh"
    admin = create_engine(
        make_url(postgres_url).set(database="postgres"), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(postgres_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


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
