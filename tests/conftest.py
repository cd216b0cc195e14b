"""Shared fixtures: a real database (SQLite and PostgreSQL), one rolled-back transaction per
test, a fixed small cast of users, and the web app bound to that transaction.

- ``db_url``: parametrised over ``sqlite`` (a file in a temporary folder) and ``postgresql`` (a
  database ``calmdesk_test_<pid>`` created on 127.0.0.1:5432 as user ``postgres`` and dropped at
  the end; ``CALMDESK_TEST_POSTGRES_URL`` points elsewhere). The PostgreSQL params are skipped,
  with the reason, only when no server answers.
- ``engine``: migrated to every head, once per backend.
- ``connection`` / ``session_factory`` / ``session``: everything a test writes, through its own
  session or through the app, happens inside one outer transaction rolled back at the end; a
  ``commit()`` only releases a savepoint.
- ``users``: ``{"agent", "supervisor", "handler", "admin"}`` -> ``User``; passwords in
  ``PASSWORDS``.
- ``app`` / ``client``: ``create_app()`` whose sessions join the test's transaction;
  ``login(client, username)`` logs a cast member in (the session cookie stays on the client).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from calmdesk.settings import Settings
from calmdesk.storage.db import make_engine, make_session_factory
from calmdesk.storage.migrate import upgrade
from calmdesk.users import passwords
from calmdesk.users.models import Language, Role, User
from calmdesk.users.passwords import hash_password
from calmdesk.users.sessions import SESSION_COOKIE, session_cookie_value
from calmdesk.web.app import create_app

DEFAULT_POSTGRES_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
TEST_SECRET_KEY = "calmdesk-test-secret-key"

PASSWORDS: dict[str, str] = {
    "agent": "agent-password",
    "supervisor": "supervisor-password",
    "handler": "handler-password",
    "admin": "admin-password",
}
CAST: tuple[tuple[str, str, Role, Language], ...] = (
    ("agent", "Anna Agent", Role.AGENT, Language.PL),
    ("supervisor", "Sergei Supervisor", Role.SUPERVISOR, Language.RU),
    ("handler", "Helen Handler", Role.HANDLER, Language.EN),
    ("admin", "Adam Admin", Role.ADMIN, Language.PL),
)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _stale_test_databases(connection: Connection, server: str) -> list[str]:
    """Databases left by test runs on this machine that were killed before their clean-up."""
    if make_url(server).host not in ("127.0.0.1", "localhost", "::1"):
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


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test run, dropped at the end."""
    server = os.environ.get("CALMDESK_TEST_POSTGRES_URL", DEFAULT_POSTGRES_SERVER)
    name = f"calmdesk_test_{os.getpid()}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
    try:
        with admin.connect() as connection:
            for stale in _stale_test_databases(connection, server):
                connection.execute(text(f'DROP DATABASE IF EXISTS "{stale}" WITH (FORCE)'))
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as error:
        admin.dispose()
        pytest.skip(f"PostgreSQL is not reachable at {make_url(server)!r}: {error.orig}")
    yield make_url(server).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(
    scope="session", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def db_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'calmdesk.sqlite3'}"
    url: str = request.getfixturevalue("postgres_url")
    return url


@pytest.fixture(scope="session")
def engine(db_url: str) -> Iterator[Engine]:
    engine = make_engine(db_url)
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    connection = engine.connect()
    outer = connection.begin()
    try:
        yield connection
    finally:
        outer.rollback()
        connection.close()


@pytest.fixture
def session_factory(connection: Connection) -> sessionmaker[Session]:
    return make_session_factory(connection)


@pytest.fixture
def session(session_factory: sessionmaker[Session]) -> Iterator[Session]:
    session = session_factory()
    try:
        yield session
    finally:
        session.close()


@pytest.fixture(scope="session", autouse=True)
def cheap_argon2() -> Iterator[None]:
    """Real argon2, with the cost turned down: production's cost makes each hash take a sizeable
    fraction of a second on a shared CI machine. Hashes still verify under the real settings,
    since argon2 reads its parameters from the hash."""
    cheap = PasswordHash((Argon2Hasher(time_cost=1, memory_cost=1024, parallelism=1),))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(passwords, "_hasher", lambda: cheap)
        yield


@pytest.fixture(scope="session")
def password_hashes() -> dict[str, str]:
    """Argon2 is slow on purpose: hash the cast's passwords once per run."""
    return {username: hash_password(password) for username, password in PASSWORDS.items()}


@pytest.fixture
def users(session: Session, password_hashes: dict[str, str]) -> dict[str, User]:
    cast = {
        username: User(
            username=username,
            display_name=display_name,
            role=role,
            language=language,
            password_hash=password_hashes[username],
            is_active=True,
        )
        for username, display_name, role, language in CAST
    }
    session.add_all(cast.values())
    session.commit()
    return cast


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    return Settings(
        env="test",
        database_url=db_url,
        data_dir=tmp_path / "data",
        secret_key=TEST_SECRET_KEY,
        auto_migrate=False,
        embedded_worker=False,
    )


@pytest.fixture
def app(settings: Settings, session_factory: sessionmaker[Session]) -> Iterator[FastAPI]:
    app = create_app(settings)
    app.state.session_factory = session_factory
    yield app
    app.state.engine.dispose()


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as client:
        yield client


LoginHelper = Callable[[TestClient, str], httpx.Response]


@pytest.fixture
def login(users: dict[str, User], settings: Settings) -> LoginHelper:
    """``login(client, "agent")``: log a cast member in; the session cookie stays on ``client``.

    It sets the same signed cookie ``POST /api/auth/login`` sets, without paying for an argon2
    verification in every test (the login route has its own tests), and returns the
    ``GET /api/users/me`` answer that proves the session works.
    """

    def do_login(client: TestClient, username: str) -> httpx.Response:
        # Stored under the domain a real Set-Cookie gets, so a later logout clears it.
        host = client.base_url.host
        domain = host if "." in host else f"{host}.local"
        client.cookies.set(
            SESSION_COOKIE, session_cookie_value(users[username], settings), domain=domain
        )
        response: httpx.Response = client.get("/api/users/me")
        assert response.status_code == 200, response.text
        return response

    return do_login
