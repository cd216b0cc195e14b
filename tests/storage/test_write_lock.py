"""SQLite's write lock is taken only by transactions that write: a reading session never waits
for a writer, and a session asks for the lock (``begin_write``) right before its writes.

Each test holds the lock for real from a second connection (``BEGIN IMMEDIATE``)."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event, select, text
from sqlalchemy.exc import OperationalError
from starlette.requests import Request

from calmdesk.settings import Settings
from calmdesk.storage.db import (
    READ,
    WRITE,
    begin_read,
    begin_write,
    is_busy,
    make_engine,
    make_session_factory,
    session_scope,
    transaction_mode,
)
from calmdesk.storage.migrate import upgrade
from calmdesk.users.deps import get_optional_user
from calmdesk.users.models import Role, User
from calmdesk.users.service import create_token


@pytest.fixture
def sqlite_path(tmp_path: Path) -> Path:
    return tmp_path / "lock.sqlite3"


@pytest.fixture
def engine(sqlite_path: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{sqlite_path}")
    upgrade(engine)

    # A short busy timeout, so a refused lock shows in a tenth of a second instead of five.
    @event.listens_for(engine, "connect")
    def _short_busy_timeout(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute("PRAGMA busy_timeout=100")

    engine.dispose()
    with session_scope(make_session_factory(engine)) as session:
        session.add(User(username="ola", display_name="Ola", role=Role.AGENT, password_hash="x"))
    yield engine
    engine.dispose()


@pytest.fixture
def writer_elsewhere(sqlite_path: Path) -> Iterator[sqlite3.Connection]:
    """Another connection holding SQLite's write lock until the test ends."""
    other = sqlite3.connect(sqlite_path, isolation_level=None, timeout=0.1)
    other.execute("BEGIN IMMEDIATE")
    yield other
    other.execute("ROLLBACK")
    other.close()


def test_a_reading_session_reads_while_another_connection_holds_the_write_lock(
    engine: Engine, writer_elsewhere: sqlite3.Connection
) -> None:
    with session_scope(make_session_factory(engine), reads_first=True) as session:
        assert session.scalars(select(User.username)).all() == ["ola"]


def test_a_writing_session_waits_for_the_lock_and_is_refused_as_busy(
    engine: Engine, writer_elsewhere: sqlite3.Connection
) -> None:
    session = make_session_factory(engine)()
    with pytest.raises(OperationalError) as refused:
        session.execute(text("SELECT 1"))
    assert is_busy(refused.value)
    session.close()


def test_begin_write_commits_the_reads_and_takes_the_lock_for_the_writes(
    engine: Engine, sqlite_path: Path
) -> None:
    session = make_session_factory(engine)()
    begin_read(session)
    assert transaction_mode(session) == READ
    user = session.scalars(select(User)).one()
    other = sqlite3.connect(sqlite_path, isolation_level=None, timeout=0.1)
    other.execute("BEGIN IMMEDIATE")  # the reader holds no write lock
    other.execute("UPDATE users SET display_name = 'Ola K.'")
    other.execute("COMMIT")

    begin_write(session)
    assert transaction_mode(session) == WRITE
    assert not session.in_transaction()  # the read transaction is over
    session.refresh(user)
    assert user.display_name == "Ola K."  # the write transaction sees the other commit
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        other.execute("BEGIN IMMEDIATE")  # now this session holds the lock
    user.display_name = "Ola Kowalska"
    session.commit()
    other.execute("BEGIN IMMEDIATE")
    assert other.execute("SELECT display_name FROM users").fetchone() == ("Ola Kowalska",)
    other.execute("ROLLBACK")
    other.close()
    session.close()


def test_begin_write_after_a_change_is_a_mistake_named_at_once(engine: Engine) -> None:
    with make_session_factory(engine)() as session:
        begin_read(session)
        user = session.scalars(select(User)).one()
        user.display_name = "changed before asking for the lock"
        with pytest.raises(RuntimeError, match="before the changes"):
            begin_write(session)


def test_switching_to_the_mode_a_session_is_in_keeps_its_transaction(engine: Engine) -> None:
    with make_session_factory(engine)() as session:
        begin_read(session)
        session.execute(text("SELECT 1"))
        begin_read(session)
        assert session.in_transaction()
        begin_write(session)
        session.execute(text("SELECT 1"))
        begin_write(session)
        assert session.in_transaction()


def test_only_lock_refusals_count_as_busy(engine: Engine) -> None:
    with make_session_factory(engine)() as session, pytest.raises(OperationalError) as error:
        session.execute(text("SELECT * FROM no_such_table"))
    assert not is_busy(error.value)
    assert not is_busy(ValueError("database is locked"))


def test_the_writers_of_one_process_queue_instead_of_polling_sqlite(engine: Engine) -> None:
    # The engine's busy timeout is 0.1 s here: a second writer polling SQLite would give up
    # while the first holds the lock for 0.5 s; queued in the process it gets the lock next.
    factory = make_session_factory(engine)
    first_holds = threading.Event()
    outcome: list[str] = []

    def first() -> None:
        with session_scope(factory) as session:
            session.execute(text("UPDATE users SET display_name = 'first'"))
            first_holds.set()
            time.sleep(0.5)

    def second() -> None:
        first_holds.wait()
        with session_scope(factory) as session:
            session.execute(text("UPDATE users SET display_name = 'second'"))
        outcome.append("stored")

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcome == ["stored"]
    with session_scope(factory, reads_first=True) as session:
        assert session.scalars(select(User.display_name)).one() == "second"


def _request(method: str, token: str) -> Request:
    headers = [(b"authorization", f"Bearer {token}".encode())]
    return Request({"type": "http", "method": method, "path": "/api/contacts", "headers": headers})


@pytest.fixture
def token(engine: Engine) -> str:
    with session_scope(make_session_factory(engine)) as session:
        user = session.scalars(select(User)).one()
        return create_token(session, user=user, name="phone")[1]


@pytest.mark.parametrize("method", ["POST", "GET"])
def test_signing_the_caller_in_leaves_no_transaction_open_for_the_route(
    engine: Engine, sqlite_path: Path, token: str, method: str
) -> None:
    # FastAPI runs the dependency and the route in separate trips to the thread pool: a write
    # lock taken while finding the caller was held while the route waited for a thread.
    factory = make_session_factory(engine)
    settings = Settings(env="test", database_url=f"sqlite:///{sqlite_path}")
    session = factory()
    if method == "GET":
        begin_read(session)
    mode = transaction_mode(session)
    user = get_optional_user(_request(method, token), session, settings)  # refreshes last_used_at
    assert user is not None and user.username == "ola"
    assert not session.in_transaction()
    assert transaction_mode(session) == mode  # the route begins as it would have
    other = sqlite3.connect(sqlite_path, isolation_level=None, timeout=0.1)
    other.execute("BEGIN IMMEDIATE")  # the lock is free
    assert other.execute("SELECT last_used_at FROM api_tokens").fetchone()[0] is not None
    other.execute("ROLLBACK")
    other.close()
    session.close()


def test_a_write_route_finds_its_caller_while_another_connection_writes(
    engine: Engine, token: str, sqlite_path: Path
) -> None:
    factory = make_session_factory(engine)
    settings = Settings(env="test", database_url=f"sqlite:///{sqlite_path}")
    with session_scope(factory) as session:
        get_optional_user(_request("POST", token), session, settings)  # last_used_at now set
    writer = sqlite3.connect(sqlite_path, isolation_level=None, timeout=0.1)
    writer.execute("BEGIN IMMEDIATE")
    session = factory()
    user = get_optional_user(_request("POST", token), session, settings)
    assert user is not None and user.username == "ola"
    writer.execute("ROLLBACK")
    writer.close()
    session.close()
