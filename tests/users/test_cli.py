"""``calmdesk users`` and ``calmdesk db`` on a fresh SQLite file."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from calmdesk.cli import app
from calmdesk.errors import InvalidInput
from calmdesk.settings import get_settings
from calmdesk.storage.db import make_engine, make_session_factory, session_scope
from calmdesk.users import service
from calmdesk.users.errors import LastAdmin, UserNotFound
from calmdesk.users.models import Role


@pytest.fixture
def cli_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    monkeypatch.setenv("CALMDESK_DATABASE_URL", url)
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


def run(*args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(app, list(args), input=input)


def stored_role(url: str, username: str) -> tuple[Role, bool]:
    engine = make_engine(url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            user = service.get_by_username_or_raise(session, username=username)
            return user.role, user.is_active
    finally:
        engine.dispose()


def test_users_add_creates_the_schema_and_the_account(cli_db: str) -> None:
    result = run("users", "add", "Zofia", "--role", "admin", "--password", "zofia-password")
    assert result.exit_code == 0, result.output
    assert "Created zofia (admin)" in result.output
    assert stored_role(cli_db, "zofia") == (Role.ADMIN, True)


def test_users_add_prompts_for_the_password_without_echoing_it(cli_db: str) -> None:
    result = run("users", "add", "ivan", "--language", "ru", input="ivan-secret\nivan-secret\n")
    assert result.exit_code == 0, result.output
    assert "ivan-secret" not in result.output
    assert stored_role(cli_db, "ivan") == (Role.AGENT, True)


def test_set_role_disable_and_enable(cli_db: str) -> None:
    run("users", "add", "root", "--role", "admin", "--password", "root-password")
    run("users", "add", "kasia", "--password", "kasia-password")
    assert run("users", "set-role", "kasia", "supervisor").exit_code == 0
    assert run("users", "disable", "kasia").exit_code == 0
    assert stored_role(cli_db, "kasia") == (Role.SUPERVISOR, False)
    assert run("users", "enable", "kasia").exit_code == 0
    assert stored_role(cli_db, "kasia") == (Role.SUPERVISOR, True)


def test_list_shows_names_as_text_not_markup(cli_db: str) -> None:
    run("users", "add", "eve", "--password", "eve-password", "--display-name", "[red]Eve")
    result = run("users", "list")
    assert "[red]Eve" in result.output


def test_token_prints_a_token_that_authenticates(cli_db: str) -> None:
    run("users", "add", "pbx", "--password", "pbx-password")
    result = run("users", "token", "pbx", "--name", "telephony")
    assert result.exit_code == 0
    token = result.stdout.strip()
    engine = make_engine(cli_db)
    try:
        with session_scope(make_session_factory(engine)) as session:
            user = service.user_for_token(session, token=token)
            assert user is not None
            assert user.username == "pbx"
    finally:
        engine.dispose()


def test_domain_errors_surface_as_calmdesk_errors(cli_db: str) -> None:
    run("users", "add", "root", "--role", "admin", "--password", "root-password")
    assert isinstance(run("users", "set-role", "root", "agent").exception, LastAdmin)
    assert isinstance(run("users", "disable", "ghost").exception, UserNotFound)
    weak = run("users", "add", "weak", "--password", "short")
    assert isinstance(weak.exception, InvalidInput)
    assert "password" in str(weak.exception)


def test_a_bad_role_is_a_usage_error(cli_db: str) -> None:
    result = run("users", "add", "x1", "--role", "boss", "--password", "long-enough")
    assert result.exit_code == 2


def test_db_upgrade_then_current_reports_up_to_date(cli_db: str) -> None:
    before = run("db", "current")
    assert before.exit_code == 1
    assert "behind" in before.output
    assert run("db", "upgrade").exit_code == 0
    after = run("db", "current")
    assert after.exit_code == 0
    assert "Up to date" in after.output


def test_the_real_command_prints_one_line_and_exits_2_on_a_domain_error(tmp_path: Path) -> None:
    env = {**os.environ, "CALMDESK_DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}"}
    result = subprocess.run(
        [sys.executable, "-m", "calmdesk", "users", "set-role", "nobody", "admin"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 2
    assert "error: There is no user named 'nobody'." in result.stderr
    assert "Traceback" not in result.stderr


def test_erase_asks_first_and_then_erases(cli_db: str) -> None:
    run("users", "add", "leaver", "--password", "leaver-password")
    refused = run("users", "erase", "leaver", input="n\n")
    assert refused.exit_code == 1
    assert stored_role(cli_db, "leaver") == (Role.AGENT, True)
    assert run("users", "erase", "leaver", "--yes").exit_code == 0
    with pytest.raises(UserNotFound):
        stored_role(cli_db, "leaver")
