"""``calmdesk demo`` on a fresh SQLite file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from calmdesk.cases.enums import CaseStatus, CompensationStatus
from calmdesk.cases.models import Case, Compensation
from calmdesk.cli import app
from calmdesk.cli.demo_data import CASES
from calmdesk.errors import InvalidInput
from calmdesk.live.models import Contact
from calmdesk.settings import get_settings
from calmdesk.storage.db import make_engine, make_session_factory
from calmdesk.users import service as users_service


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    monkeypatch.setenv("CALMDESK_DATABASE_URL", url)
    monkeypatch.setenv("CALMDESK_PLAYBOOK", "pl")
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


def test_it_fills_an_empty_database_in_three_languages(database: str) -> None:
    result = CliRunner().invoke(app, ["demo", "--password", "demo-password-1"])
    assert result.exit_code == 0, result.output
    assert "demo-password-1" in result.output
    engine = make_engine(database)
    try:
        with make_session_factory(engine)() as session:
            agent = users_service.authenticate(
                session, username="agent", password="demo-password-1"
            )
            assert agent is not None
            statuses = set(session.scalars(select(Case.status)))
            assert statuses == {s.value for s in CaseStatus}
            assert set(session.scalars(select(Case.language))) == {"pl", "ru", "en"}
            pending = select(Compensation).where(Compensation.status == CompensationStatus.PENDING)
            assert session.scalars(pending).first() is not None
            contacts = list(session.scalars(select(Contact)))
            assert {c.lang for c in contacts} == {"pl", "ru", "en"}
            assert any(c.status == "ended" and (c.break_minutes or 0) > 0 for c in contacts)
    finally:
        engine.dispose()


def test_random_passwords_differ_per_user(database: str) -> None:
    result = CliRunner().invoke(app, ["demo"])
    assert result.exit_code == 0, result.output
    rows = [line for line in result.output.splitlines() if "│" in line and "user" not in line]
    passwords = {line.split("│")[3].strip() for line in rows}
    assert len(passwords) == 4


def test_it_leaves_a_database_with_users_alone(database: str) -> None:
    assert CliRunner().invoke(app, ["demo", "--password", "demo-password-1"]).exit_code == 0
    again = CliRunner().invoke(app, ["demo", "--if-empty"])
    assert again.exit_code == 0
    assert "nothing to do" in again.output
    refused = CliRunner().invoke(app, ["demo"])
    assert isinstance(refused.exception, InvalidInput)
    engine = make_engine(database)
    try:
        with make_session_factory(engine)() as session:
            assert session.scalar(select(func.count()).select_from(Case)) == len(CASES)
    finally:
        engine.dispose()


def test_a_short_password_is_refused_before_touching_the_database(database: str) -> None:
    result = CliRunner().invoke(app, ["demo", "--password", "short"])
    assert isinstance(result.exception, InvalidInput)
