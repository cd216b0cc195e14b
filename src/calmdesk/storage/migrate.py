"""Alembic migrations run from the installed package (no ``alembic.ini`` needed).

Each domain owns a branch rooted at ``0001_users``; ``upgrade`` applies every head.
"""

from __future__ import annotations

import threading
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine

from calmdesk.storage.db import make_engine

MIGRATIONS_DIR = Path(__file__).parent / "migrations"

Target = str | Engine | Connection

# Alembic keeps the running migration in module-level proxies, so two upgrades in one process
# must not overlap; between processes, env.py takes a PostgreSQL advisory lock.
_UPGRADE_LOCK = threading.Lock()


def alembic_config(url: str | None = None, connection: Connection | None = None) -> Config:
    """A programmatic Alembic config pointing at the package's migrations."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url is not None:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    config.attributes["connection"] = connection
    return config


def upgrade(target: Target, revision: str = "heads") -> None:
    """Bring the schema of ``target`` (a URL, an engine or an open connection) to ``revision``."""
    with _UPGRADE_LOCK:
        if isinstance(target, Connection):
            command.upgrade(alembic_config(connection=target), revision)
            return
        engine = make_engine(target) if isinstance(target, str) else target
        try:
            with engine.begin() as connection:
                command.upgrade(alembic_config(connection=connection), revision)
        finally:
            if isinstance(target, str):
                engine.dispose()


def current(target: Target) -> tuple[str, ...]:
    """The revisions the database is at (empty when it was never migrated)."""
    if isinstance(target, Connection):
        return tuple(MigrationContext.configure(target).get_current_heads())
    engine = make_engine(target) if isinstance(target, str) else target
    try:
        with engine.connect() as connection:
            return tuple(MigrationContext.configure(connection).get_current_heads())
    finally:
        if isinstance(target, str):
            engine.dispose()


def heads() -> tuple[str, ...]:
    """The newest revision of each domain branch shipped with this version."""
    return tuple(ScriptDirectory.from_config(alembic_config()).get_heads())


def is_up_to_date(target: Target) -> bool:
    return set(current(target)) == set(heads())
