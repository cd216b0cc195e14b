"""The mail settings (no secret defaulted in production, TLS required, each problem one line
naming the variable), ``calmdesk mail`` without a mailbox, and the loop inside ``serve``."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from calmdesk.cases.models import Case
from calmdesk.errors import ConfigurationError
from calmdesk.mail.loop import MailRuntime
from calmdesk.settings import Settings, get_settings
from calmdesk.storage.db import make_engine
from calmdesk.web.app import create_app
from tests.mail import corpus
from tests.mail.servers import dovecot

STRONG = "k3Jq9xT2vLm8Pz4Rw7Ys1Nb6Hc5Gd0Fa-Ue_Ko"
IMAP = {
    "CALMDESK_MAIL_IMAP_URL": "imaps://mail.example.com",
    "CALMDESK_MAIL_IMAP_USER": "complaints@example.com",
}


def settings_error(monkeypatch: pytest.MonkeyPatch, **env: str) -> str:
    for name, value in {"CALMDESK_ENV": "production", "CALMDESK_SECRET_KEY": STRONG, **env}.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    try:
        with pytest.raises(ConfigurationError) as error:
            get_settings()
    finally:
        get_settings.cache_clear()
    return error.value.message


@pytest.mark.parametrize(
    ("env", "named"),
    [
        (IMAP, "CALMDESK_MAIL_IMAP_PASSWORD: is required in production"),
        (
            {**IMAP, "CALMDESK_MAIL_IMAP_URL": "imap://mail.example.com"},
            "CALMDESK_MAIL_IMAP_URL: must use imaps:// (TLS) in production",
        ),
        (
            {"CALMDESK_MAIL_IMAP_URL": "imaps://mail.example.com"},
            "CALMDESK_MAIL_IMAP_USER: is required",
        ),
        (
            {"CALMDESK_MAIL_SMTP_URL": "smtp://relay.example.com", "CALMDESK_MAIL_FROM": "a@b.c"},
            "plain smtp:// is only allowed to a relay on loopback",
        ),
        ({"CALMDESK_MAIL_SMTP_URL": "smtps://relay.example.com"}, "CALMDESK_MAIL_FROM"),
        (
            {
                "CALMDESK_MAIL_SMTP_URL": "smtps://relay.example.com",
                "CALMDESK_MAIL_FROM": "a@b.c",
                "CALMDESK_MAIL_SMTP_USER": "a@b.c",
            },
            "CALMDESK_MAIL_SMTP_PASSWORD: is required",
        ),
        ({"CALMDESK_MAIL_IMAP_URL": "pop3://x"}, "CALMDESK_MAIL_IMAP_URL: must be imaps://"),
    ],
    ids=["no-password", "no-tls", "no-user", "plain-smtp", "no-from", "smtp-no-password", "scheme"],
)
def test_unsafe_mail_settings_are_refused_in_production(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], named: str
) -> None:
    assert named in settings_error(monkeypatch, **env)


def test_safe_production_mail_settings_are_read() -> None:
    settings = Settings(
        env="production",
        secret_key=STRONG,
        mail_imap_url="imaps://mail.example.com",
        mail_imap_user="complaints@example.com",
        mail_imap_password="x" * 20,
        mail_smtp_url="smtp://127.0.0.1:25",
        mail_from="Complaints <complaints@example.com>",
    )
    runtime = MailRuntime.from_settings(settings)
    assert runtime.imap is not None and runtime.imap.port == 993 and runtime.imap.tls
    assert runtime.smtp is not None and runtime.smtp.mode == "plain"
    assert runtime.limits.own_addresses == frozenset({"complaints@example.com"})
    assert "x" * 20 not in repr(settings) and "x" * 20 not in repr(runtime)


def test_calmdesk_mail_without_a_mailbox_says_what_to_set(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CALMDESK_MAIL_")}
    result = subprocess.run(
        [sys.executable, "-m", "calmdesk", "mail", "--once"],
        capture_output=True,
        text=True,
        env={**env, "CALMDESK_DATA_DIR": str(tmp_path)},
        timeout=120,
        check=False,
    )
    assert result.returncode == 2
    assert "CALMDESK_MAIL_IMAP_URL" in result.stderr.replace("\n", "")
    assert "Traceback" not in result.stderr


@pytest.mark.slow
def test_serve_runs_the_mail_loop_when_a_mailbox_is_configured(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'serve.sqlite3'}"
    with dovecot() as server:
        server.append(corpus.complaint("en"))
        settings = Settings(
            env="test",
            database_url=url,
            data_dir=tmp_path,
            embedded_worker=False,
            warm_up_models=False,
            mail_imap_url=server.url,
            mail_imap_user=server.user,
            mail_imap_password=server.password,
            mail_ca_file=server.ca_file,
            mail_poll_seconds=0.2,
            mail_idle_seconds=1,
        )
        engine = make_engine(url)
        try:
            with TestClient(create_app(settings)):
                deadline = time.monotonic() + 120
                while server.count("CalmDesk/Processed") == 0:
                    assert time.monotonic() < deadline, "serve's mail loop processed nothing"
                    time.sleep(0.2)
            with engine.connect() as connection:
                assert connection.scalar(select(func.count()).select_from(Case)) == 1
        finally:
            engine.dispose()
        assert server.count("INBOX") == 0
