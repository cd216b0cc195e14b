"""Engine and session factory. SQLite (WAL mode) by default, PostgreSQL through psycopg 3.

SQLite has one writer at a time. A session's transaction takes the write lock when it begins
(``BEGIN IMMEDIATE``) unless the session reads first (:func:`begin_read`): then it begins with a
plain ``BEGIN``, which never waits for writers, and :func:`begin_write` starts a fresh write
transaction for the writes. So a request holds the write lock only while it writes, not while it
analyses or hashes. On PostgreSQL both are ordinary transactions (row locks do the rest).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from calmdesk.errors import CalmDeskError

SQLITE_BUSY_TIMEOUT_MS = 5000
RETRY_AFTER_SECONDS = 1
TRANSACTION_MODE = "calmdesk_transaction"
"""The session execution option saying how its next transaction begins: ``read`` or ``write``
(the default)."""
READ, WRITE = "read", "write"
_HOLDS_WRITERS_LOCK = "calmdesk_holds_writers_lock"
_BUSY_SQLSTATES = frozenset({"40001", "40P01", "55P03"})
"""PostgreSQL: serialization failure, deadlock, lock not available."""


class DatabaseBusy(CalmDeskError):
    """The database could not take the lock in time: nothing was stored, send it again."""

    code = "database_busy"
    http_status = 503

    def __init__(self, message: str | None = None) -> None:
        super().__init__(
            message or "The database is busy; nothing was stored. Send it again in a moment.",
            retry_after_seconds=RETRY_AFTER_SECONDS,
        )


def is_busy(error: BaseException) -> bool:
    """Whether ``error`` is the database refusing a lock (SQLite ``database is locked`` after
    the busy timeout; a PostgreSQL deadlock, lock timeout or serialization failure)."""
    if not isinstance(error, DBAPIError):
        return False
    original = error.orig
    if getattr(original, "sqlstate", None) in _BUSY_SQLSTATES:
        return True
    return getattr(original, "sqlite_errorname", "").startswith("SQLITE_BUSY") or (
        "database is locked" in str(original)
    )


class Base(DeclarativeBase):
    """Declarative base of every table."""


def normalise_url(url: str) -> str:
    """Use psycopg 3 for a plain ``postgresql://`` URL."""
    if url.startswith("postgresql://"):
        return "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.removeprefix("postgres://")
    return url


def sqlite_file(url: str) -> Path | None:
    """The database file of an SQLite URL, or ``None`` (in-memory or another backend)."""
    parsed = make_url(normalise_url(url))
    if parsed.get_backend_name() != "sqlite":
        return None
    database = parsed.database or ""
    if database in ("", ":memory:") or database.startswith("file:"):
        return None
    return Path(database)


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for ``url``; for an SQLite file its folder is created on first use."""
    url = normalise_url(url)
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True, **kwargs)
    path = sqlite_file(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"check_same_thread": False}, **kwargs)
    _configure_sqlite(engine)
    return engine


def _configure_sqlite(engine: Engine) -> None:
    # pysqlite opens transactions lazily and silently commits before DDL, which breaks
    # SAVEPOINTs (the tests' rolled-back transactions) and transactional migrations. SQLAlchemy's
    # documented recipe: let the driver autocommit and emit BEGIN ourselves.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        # Deleted and overwritten content is zeroed in the file instead of lingering in free
        # space, so erased personal data cannot be read back from the file's bytes.
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.close()

    # IMMEDIATE takes SQLite's write lock when the transaction starts. A plain BEGIN that reads
    # and then writes fails at once with "database is locked" (SQLite never waits on a lock
    # upgrade) whenever another connection committed in between: so a transaction is either a
    # reader from the start (no writes) or a writer from the start.
    #
    # The writers of one process queue on a lock of their own before asking SQLite: SQLite's busy
    # handler polls with growing sleeps (up to 100 ms) and no order, so under load a writer could
    # wait out the whole busy timeout while others took the lock; the queue hands it on at once.
    # Other processes (a CLI command, a second server) still meet SQLite's busy timeout.
    writers = threading.Lock()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        if connection.get_execution_options().get(TRANSACTION_MODE, WRITE) == READ:
            connection.exec_driver_sql("BEGIN")
            return
        if not writers.acquire(timeout=SQLITE_BUSY_TIMEOUT_MS / 1000):
            raise DatabaseBusy()
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            writers.release()
            raise
        connection.info[_HOLDS_WRITERS_LOCK] = True

    def _release(info: dict[Any, Any]) -> None:
        if info.pop(_HOLDS_WRITERS_LOCK, False):
            writers.release()

    event.listen(engine, "commit", lambda connection: _release(connection.info))
    event.listen(engine, "rollback", lambda connection: _release(connection.info))
    # A connection given back to the pool in the middle of a transaction (closed, invalidated).
    event.listen(engine, "reset", lambda _dbapi, record, _state: _release(record.info))


def make_session_factory(engine: Engine | Connection) -> sessionmaker[Session]:
    """Sessions bound to ``engine`` (or to one connection, as the tests do)."""
    if isinstance(engine, Connection):
        # Inside a test's outer transaction a session's commit only releases a savepoint.
        return sessionmaker(
            bind=engine, expire_on_commit=False, join_transaction_mode="create_savepoint"
        )
    return sessionmaker(bind=engine, expire_on_commit=False)


def transaction_mode(session: Session) -> str:
    """``read`` or ``write``: how the session's current (or next) transaction begins."""
    return str(session.execution_options.get(TRANSACTION_MODE, WRITE))


def begin_read(session: Session) -> None:
    """From here on ``session`` reads without SQLite's write lock. What it did before is
    committed; a session already reading goes on in its transaction."""
    _switch(session, READ)


def begin_write(session: Session) -> None:
    """From here on ``session`` writes: a reading session commits its read transaction and its
    next statement begins a write transaction (on SQLite waiting up to the busy timeout for the
    lock). Rows read before may have changed since: re-read what the writes depend on."""
    _switch(session, WRITE)


def _switch(session: Session, mode: str) -> None:
    if transaction_mode(session) == mode:
        return
    if session.in_transaction():
        if mode == WRITE and (session.new or session.dirty or session.deleted):
            raise RuntimeError("begin_write() comes before the changes, not after them")
        session.commit()
    session.execution_options = session.execution_options.union({TRANSACTION_MODE: mode})


@contextmanager
def session_scope(
    factory: sessionmaker[Session], *, reads_first: bool = False
) -> Iterator[Session]:
    """A session that commits on success and rolls back on error; with ``reads_first`` it starts
    reading (:func:`begin_read`)."""
    session = factory()
    if reads_first:
        begin_read(session)
    try:
        yield session
        session.commit()
    except Exception:
        session.rollback()
        raise
    finally:
        session.close()
