"""0005_mail on a database that already has e-mail cases: switching mail on sends no notice for
what happened before the upgrade, only for what happens after; the downgrade removes the
tables. SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command

from calmdesk.cases import service as cases
from calmdesk.cases.enums import CaseStatus, Channel
from calmdesk.cases.schemas import CaseCreate
from calmdesk.mail import notices
from calmdesk.playbook.load import default_playbook
from calmdesk.storage import migrate
from calmdesk.storage.db import make_engine, make_session_factory
from tests.servers import postgres_database

PLAYBOOK = default_playbook("en")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'before-mail.db'}"
    else:
        with postgres_database("mail_migration") as url:
            yield url


def acknowledged_email_case(engine: sa.Engine, contact: str) -> int:
    with make_session_factory(engine)() as session, session.begin():
        case = cases.intake(
            session,
            case_in=CaseCreate(
                channel=Channel.EMAIL, customer_contact=contact, description="Broken kettle."
            ),
            actor=None,
            playbook=PLAYBOOK,
        )
        cases.transition(
            session,
            case=case,
            to=CaseStatus.ACKNOWLEDGED,
            actor_id=None,
            note=None,
            playbook=PLAYBOOK,
        )
        return case.id


def test_events_before_the_upgrade_send_nothing(empty_url: str) -> None:
    engine = make_engine(empty_url)
    try:
        for head in migrate.heads():
            if not head.startswith("0005_mail"):
                migrate.upgrade(engine, head)
        old = acknowledged_email_case(engine, "old.customer@example.com")
        migrate.upgrade(engine)
        new = acknowledged_email_case(engine, "new.customer@example.com")
        with make_session_factory(engine)() as session, session.begin():
            made = notices.queue_due(session, playbook=PLAYBOOK, from_address="c@calmdesk.test")
            assert [n.case_id for n in made] == [new]
            assert old != new
        config = migrate.alembic_config(url=empty_url)
        command.downgrade(config, "mail@base")
        assert "mail_notices" not in sa.inspect(engine).get_table_names()
    finally:
        engine.dispose()
