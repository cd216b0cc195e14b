"""Shared fixtures: a real database (SQLite and PostgreSQL), one rolled-back transaction per
test, a fixed small cast of users, and the web app bound to that transaction.

- ``db_url``: parametrised over ``sqlite`` (a file in a temporary folder) and ``postgresql`` (a
  database ``calmdesk_test_<pid>`` created on 127.0.0.1:5432 as user ``postgres`` and dropped at
  the end; ``CALMDESK_TEST_POSTGRES_URL`` points elsewhere). When no server answers, the
  PostgreSQL params are skipped with the reason, or fail under ``CI=true`` (``tests/servers.py``).
- ``redis_url``: the test Redis server (``CALMDESK_TEST_REDIS_URL``, default 127.0.0.1:6379).
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

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker

from calmdesk.languages import Language
from calmdesk.settings import Settings
from calmdesk.storage.db import make_engine, make_session_factory
from calmdesk.storage.migrate import upgrade
from calmdesk.users import passwords
from calmdesk.users.models import Role, User
from calmdesk.users.passwords import hash_password
from calmdesk.users.sessions import SESSION_COOKIE, open_session
from calmdesk.web.app import create_app
from tests.servers import postgres_database, require_redis

TEST_SECRET_KEY = "calmdesk-test-secret-key"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--screenshots",
        action="store_true",
        help="browser tests save the README's screenshots in docs/screenshots/",
    )


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


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test run, dropped at the end."""
    with postgres_database() as url:
        yield url


@pytest.fixture
def redis_url() -> str:
    """The test Redis server's URL; skipped (or failed under ``CI=true``) when none answers."""
    return require_redis()


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
        # The app's threads share the test's one connection, so a socket must not re-check its
        # credential on a timer in the middle of another request; sockets still re-check before
        # every frame, and the timer is tested against real workers (tests/users/test_workers.py).
        socket_auth_check_seconds=24 * 3600.0,
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
def login(session: Session, users: dict[str, User], settings: Settings) -> LoginHelper:
    """``login(client, "agent")``: log a cast member in; the session cookie stays on ``client``.

    It opens a session and sets its cookie as ``POST /api/auth/login`` does, without paying for
    an argon2 verification in every test (the login route has its own tests), and returns the
    ``GET /api/users/me`` answer that proves the session works.
    """

    def do_login(client: TestClient, username: str) -> httpx.Response:
        cookie = open_session(session, user=users[username], settings=settings)
        session.commit()
        # Stored under the domain a real Set-Cookie gets, so a later logout clears it.
        host = client.base_url.host
        domain = host if "." in host else f"{host}.local"
        client.cookies.set(SESSION_COOKIE, cookie, domain=domain)
        response: httpx.Response = client.get("/api/users/me")
        assert response.status_code == 200, response.text
        return response

    return do_login


TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')

TokenGetter = Callable[[TestClient, str], str]


@pytest.fixture
def csrf_token() -> TokenGetter:
    """``csrf_token(client, "/login")``: render the page and return its form token (the
    cookie holding the same token stays on the client)."""

    def get(client: TestClient, path: str) -> str:
        response = client.get(path)
        assert response.status_code == 200, response.text
        match = TOKEN.search(response.text)
        assert match, f"no CSRF field on {path}"
        return match.group(1)

    return get
