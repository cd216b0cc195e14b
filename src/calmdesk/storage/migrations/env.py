"""Alembic environment. Migrations are written by hand per domain branch, so no
``target_metadata`` is needed (never autogenerate across other domains' tables)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from calmdesk.settings import Settings
from calmdesk.storage.db import make_engine

# Serialises concurrent upgrades when several workers start at once on PostgreSQL.
MIGRATION_LOCK_ID = 7_412_031


def _url() -> str:
    return context.config.get_main_option("sqlalchemy.url") or Settings().effective_database_url


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=None,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK_ID})")
        context.run_migrations()


def run_offline() -> None:
    context.configure(url=_url(), literal_binds=True, dialect_opts={"paramstyle": "named"})
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(_url())
    try:
        with engine.begin() as new_connection:
            _run(new_connection)
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
