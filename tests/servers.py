"""The servers the suite uses on loopback, and what a test does when one is missing.

PostgreSQL (``CALMDESK_TEST_POSTGRES_URL``, default user ``postgres`` with trust auth on
127.0.0.1:5432), Redis (``CALMDESK_TEST_REDIS_URL``, default 127.0.0.1:6379) and Debian's
Chromium (``CALMDESK_TEST_CHROMIUM``, default ``/usr/bin/chromium``). Locally a test needing a
missing one is skipped with the reason; with ``CI=true`` it fails, naming the server, so a CI
run cannot go green by skipping (``.ci/run`` installs and starts all three).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn

import pytest
import redis
from sqlalchemy import Connection, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

DEFAULT_POSTGRES_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
POSTGRES_SERVER = os.environ.get("CALMDESK_TEST_POSTGRES_URL", DEFAULT_POSTGRES_SERVER)
REDIS_URL = os.environ.get("CALMDESK_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
CHROMIUM = Path(os.environ.get("CALMDESK_TEST_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
"""How the browser tests and the console benchmark start Chromium: headless, as root, quiet."""


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def missing(server: str, problem: str) -> NoReturn:
    """Skip the test (locally) or fail it (under ``CI=true``) because ``server`` is missing."""
    message = f"{server} is missing: {problem}"
    if in_ci():
        pytest.fail(f"{message} (CI=true: a missing server fails the run)", pytrace=False)
    pytest.skip(message)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _stale_test_databases(connection: Connection) -> list[str]:
    """Databases left by test runs on this machine that were killed before their clean-up."""
    if make_url(POSTGRES_SERVER).host not in ("127.0.0.1", "localhost", "::1"):
        return []
    names = connection.execute(
        text("SELECT datname FROM pg_database WHERE datname LIKE 'calmdesk\\_test\\_%'")
    ).scalars()
    stale = []
    for name in names:
        match = re.fullmatch(r"calmdesk_test_(\d+)(_\w+)?", name)
        if match and not _pid_alive(int(match.group(1))):
            stale.append(name)
    return stale


@contextmanager
def postgres_database(purpose: str = "") -> Iterator[str]:
    """A fresh database ``calmdesk_test_<pid>[_<purpose>]`` on the test server, dropped at the
    end (and by the next run if this one is killed); yields its URL."""
    name = f"calmdesk_test_{os.getpid()}" + (f"_{purpose}" if purpose else "")
    admin = create_engine(
        POSTGRES_SERVER, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3}
    )
    try:
        with admin.connect() as connection:
            for stale in _stale_test_databases(connection):
                connection.execute(text(f'DROP DATABASE IF EXISTS "{stale}" WITH (FORCE)'))
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as error:
        admin.dispose()
        missing("PostgreSQL", f"no server answers at {make_url(POSTGRES_SERVER)!r}: {error.orig}")
    try:
        yield make_url(POSTGRES_SERVER).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def require_redis() -> str:
    """The Redis URL, once the server answers a ping."""
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5)
    try:
        client.ping()
    except redis.RedisError as error:
        missing("Redis", f"no server answers at {REDIS_URL}: {error}")
    finally:
        client.close()
    return REDIS_URL


def require_chromium() -> Path:
    if not CHROMIUM.exists():
        missing("Chromium", f"{CHROMIUM} does not exist (apt-get install -y chromium)")
    return CHROMIUM
