"""``calmdesk db``: the database schema (Alembic migrations shipped in the package).

Also :func:`database_session`, which every command touching the database uses.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import typer
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from calmdesk.errors import ConfigurationError
from calmdesk.settings import Settings, get_settings
from calmdesk.storage import migrate
from calmdesk.storage.db import make_engine, make_session_factory, session_scope

db_app = typer.Typer(help="Database schema: upgrade, current revision.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(db_app, name="db")


def _redacted(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


@contextmanager
def database_session(settings: Settings | None = None) -> Iterator[Session]:
    """A committed-on-success session on the configured database, upgraded first when
    ``settings.auto_migrate`` is on (so ``calmdesk users add`` works on a fresh install)."""
    settings = settings or get_settings()
    engine = make_engine(settings.effective_database_url)
    try:
        if settings.auto_migrate:
            migrate.upgrade(engine)
        with session_scope(make_session_factory(engine)) as session:
            yield session
    except OperationalError as error:
        raise ConfigurationError(
            f"Cannot use the database {_redacted(settings.effective_database_url)}: {error.orig}"
        ) from error
    finally:
        engine.dispose()


@db_app.command()
def upgrade(
    revision: str = typer.Argument("heads", help="Target revision (default: every head)."),
) -> None:
    """Create or upgrade the database schema."""
    settings = get_settings()
    url = settings.effective_database_url
    try:
        migrate.upgrade(url, revision)
        revisions = migrate.current(url)
    except OperationalError as error:
        raise ConfigurationError(f"Cannot upgrade {_redacted(url)}: {error.orig}") from error
    typer.echo(f"{_redacted(url)} is at {', '.join(sorted(revisions)) or '(empty)'}")


@db_app.command()
def current() -> None:
    """Show the database's revisions and whether it is up to date. Exit code 1 if it is not."""
    settings = get_settings()
    url = settings.effective_database_url
    try:
        revisions = set(migrate.current(url))
    except OperationalError as error:
        raise ConfigurationError(f"Cannot read {_redacted(url)}: {error.orig}") from error
    heads = set(migrate.heads())
    typer.echo(f"database: {_redacted(url)}")
    typer.echo(f"current:  {', '.join(sorted(revisions)) or '(empty)'}")
    typer.echo(f"heads:    {', '.join(sorted(heads))}")
    if revisions != heads:
        typer.echo("The schema is behind: run `calmdesk db upgrade`.")
        raise typer.Exit(1)
    typer.echo("Up to date.")
