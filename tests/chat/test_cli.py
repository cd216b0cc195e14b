"""``calmdesk chat link-agent``, ``unlink-agent`` and ``status`` on a fresh SQLite file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from calmdesk.cli import app
from calmdesk.errors import CalmDeskError
from calmdesk.settings import get_settings


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("CALMDESK_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    monkeypatch.setenv("CALMDESK_CHATWOOT_WEBHOOK_SECRET", "the-webhook-secret-not-to-print")
    monkeypatch.setenv("CALMDESK_CHATWOOT_URL", "https://chat.example.com/")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def run(*args: str) -> Result:
    return CliRunner().invoke(app, list(args))


def test_link_status_and_unlink(cli_env: None) -> None:
    assert run("users", "add", "anna", "--password", "anna-password-2026").exit_code == 0
    linked = run("chat", "link-agent", "anna", "--agent-id", "7", "--account", "3")
    assert linked.exit_code == 0, linked.output
    assert "chatwoot agent 7 (account 3) is now anna." in linked.output
    status = run("chat", "status")
    assert status.exit_code == 0, status.output
    assert "address (CALMDESK_CHATWOOT_URL): https://chat.example.com" in status.output
    assert "webhook secret: set" in status.output and "dashboard app key: not set" in status.output
    assert "private notes: off" in status.output
    assert "chatwoot account 3 agent 7 -> anna" in status.output
    assert "the-webhook-secret-not-to-print" not in status.output
    assert run("chat", "unlink-agent", "--agent-id", "7", "--account", "3").exit_code == 0
    assert "Linked agents: 0" in run("chat", "status").output


def test_mistakes_are_named(cli_env: None) -> None:
    unknown = run("chat", "link-agent", "nobody", "--agent-id", "7")
    assert isinstance(unknown.exception, CalmDeskError)
    assert "nobody" in unknown.exception.message
    blank = run("chat", "link-agent", "anna", "--agent-id", " ")
    assert isinstance(blank.exception, CalmDeskError)
    assert "--agent-id" in blank.exception.message
    missing = run("chat", "unlink-agent", "--agent-id", "9")
    assert isinstance(missing.exception, CalmDeskError)
    assert "No chatwoot agent 9" in missing.exception.message
