"""The key migrations backfill what the write paths store: rows written before them get the
same keys as rows written after (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Engine, select, text

from calmdesk.cases.models import Case
from calmdesk.languages import Language
from calmdesk.live.models import ContactKey
from calmdesk.playbook.load import default_playbook
from calmdesk.social.models import PostKey
from calmdesk.storage.db import make_engine, make_session_factory
from calmdesk.storage.migrate import alembic_config, upgrade
from calmdesk.users.models import Role, User
from tests.customers.scenario import build
from tests.servers import postgres_database

KEY_REVISIONS = {
    "0002_cases_02_customer_key": "0002_cases",
    "0003_live_03_contact_keys": "0003_live_02_privacy",
    "0004_social_02_post_keys": "0004_social",
}


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def scratch_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'keys.sqlite3'}")
        yield engine
        engine.dispose()
        return
    with postgres_database("keys") as url:
        engine = make_engine(url)
        yield engine
        engine.dispose()


Keys = list[tuple[int, str | None]]


def stored_keys(engine: Engine) -> tuple[Keys, Keys, Keys]:
    """The cases' keys, then the contacts' and the posts' ``(id, key)`` pairs."""
    with make_session_factory(engine)() as session:
        cases = session.execute(select(Case.id, Case.customer_key).order_by(Case.id))
        contacts = session.execute(select(ContactKey.contact_id, ContactKey.key))
        posts = session.execute(select(PostKey.post_id, PostKey.key))
        return (
            [(i, k) for i, k in cases],
            sorted((i, k) for i, k in contacts),
            sorted((i, k) for i, k in posts),
        )


def test_the_backfill_gives_old_rows_the_keys_new_rows_get(scratch_engine: Engine) -> None:
    upgrade(scratch_engine)
    factory = make_session_factory(scratch_engine)
    with factory() as session:
        cast = {
            name: User(
                username=name,
                display_name=name,
                role=Role.AGENT if name == "agent" else Role.HANDLER,
                language=Language.PL,
                password_hash="-",
                is_active=True,
            )
            for name in ("agent", "handler")
        }
        session.add_all(cast.values())
        session.commit()
        build(session, cast, default_playbook("pl"))
        session.commit()
    written = stored_keys(scratch_engine)
    assert ("+48601234567" in {key for _, key in written[0]}) and written[1] and written[2]

    with scratch_engine.begin() as connection:
        for parent in KEY_REVISIONS.values():
            command.downgrade(alembic_config(connection=connection), parent)
    with scratch_engine.connect() as connection:
        assert "live_contact_keys" not in {
            row[0]
            for row in connection.execute(
                text(
                    "SELECT name FROM sqlite_master"
                    if connection.dialect.name == "sqlite"
                    else "SELECT tablename FROM pg_tables"
                )
            )
        }
    upgrade(scratch_engine)
    assert stored_keys(scratch_engine) == written
