"""After personal data was erased and committed: make the database files forget it too.

An erasure rewrites rows, but the database keeps older copies for a while:

- **SQLite** zeroes deleted and overwritten content in the database file (``secure_delete`` is
  on for every connection, see :mod:`calmdesk.storage.db`), but the write-ahead log still holds
  the pages as they were before. :func:`forget_erased` checkpoints the log into the file and
  truncates it to zero bytes (``PRAGMA wal_checkpoint(TRUNCATE)``).
- **PostgreSQL** keeps the old row versions (dead tuples) until VACUUM removes them. Plain
  ``VACUUM`` removes them without blocking readers or writers, but their bytes may stay in the
  pages' free space until new rows reuse it; ``VACUUM FULL`` rewrites each table and its
  indexes into new files (an exclusive lock on the table while it runs). VACUUM cannot run in a
  transaction, so this runs after the commit, on a connection of its own.

What neither can reach: PostgreSQL's WAL segments and archives, replicas, backups and the
filesystem's freed blocks; docs/security.md says what an operator does about those.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

VacuumMode = Literal["plain", "full"]


@dataclass(frozen=True, slots=True)
class ScrubReport:
    done: bool
    """Whether the old copies are gone from the database's own files."""
    detail: str


def forget_erased(
    bind: Engine | Connection, tables: Collection[str], *, vacuum: VacuumMode = "plain"
) -> ScrubReport:
    """Checkpoint and truncate SQLite's log, or VACUUM ``tables`` on PostgreSQL.

    Call it after the erasure's commit. A ``Connection`` is someone's open transaction (the
    tests' rolled-back one): nothing can be done from inside it, so it is left alone."""
    if isinstance(bind, Connection):
        return ScrubReport(False, "inside an open transaction: left to whoever commits it")
    backend = bind.dialect.name
    if backend == "sqlite":
        return _checkpoint(bind)
    if backend == "postgresql":
        return _vacuum(bind, tables, vacuum)
    return ScrubReport(False, f"nothing to do on {backend}")


def _checkpoint(engine: Engine) -> ScrubReport:
    # The driver's own connection is in autocommit mode (see db.py): no BEGIN is sent, and a
    # checkpoint cannot run inside a transaction.
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        row = cursor.fetchone()
        cursor.close()
    finally:
        raw.close()
    busy, log_frames, checkpointed = row if row is not None else (1, -1, -1)
    if busy:
        # A reader or writer held on past the busy timeout: the log keeps its frames for now.
        log.warning(
            "after an erasure the SQLite log could not be truncated (%s of %s frames copied); "
            "run `PRAGMA wal_checkpoint(TRUNCATE)` when the database is quiet",
            checkpointed,
            log_frames,
        )
        return ScrubReport(False, "the write-ahead log is in use; not truncated")
    return ScrubReport(True, "write-ahead log checkpointed and truncated")


def _vacuum(engine: Engine, tables: Collection[str], mode: VacuumMode) -> ScrubReport:
    if not tables:
        return ScrubReport(True, "no table was touched")
    quote = engine.dialect.identifier_preparer.quote
    names = ", ".join(quote(name) for name in sorted(set(tables)))
    statement = f"VACUUM (FULL) {names}" if mode == "full" else f"VACUUM {names}"
    with engine.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(statement)
    return ScrubReport(True, f"{statement} done")


def commit_and_forget(
    session: Session, tables: Collection[str], *, vacuum: VacuumMode = "plain"
) -> ScrubReport:
    """Commit an erasure, then :func:`forget_erased` the ``tables`` it rewrote."""
    session.commit()
    return forget_erased(session.get_bind(), tables, vacuum=vacuum)
