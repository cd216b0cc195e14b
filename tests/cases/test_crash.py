"""A burst of intakes while the server is killed with SIGKILL loses no case whose creation was
answered 201: the session commits before the response is sent."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from calmdesk.cases.models import Case
from calmdesk.storage.db import make_engine, make_session_factory
from calmdesk.storage.migrate import upgrade
from calmdesk.users import service as users
from calmdesk.users.models import Role
from calmdesk.users.schemas import UserCreate
from tests.processes import free_port, wait_until_up
from tests.servers import postgres_database

pytestmark = pytest.mark.slow

REQUESTS = 200
KILL_AFTER = 40
"""SIGKILL once this many creations were answered 201."""
STARTUP_TIMEOUT = 60.0


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def crash_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'crash.sqlite3'}"
        return
    with postgres_database("crash") as url:
        yield url


def prepare(url: str) -> str:
    """Migrate and create an agent; returns the agent's bearer token."""
    engine = make_engine(url)
    upgrade(engine)
    with make_session_factory(engine)() as session, session.begin():
        agent = users.create(
            session,
            user_in=UserCreate(username="crash", role=Role.AGENT, password="crash-test-password"),
        )
        token = users.issue_token(session, user=agent, name="crash")
    engine.dispose()
    return token


def start_server(url: str, port: int, data_dir: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "CALMDESK_DATABASE_URL": url,
        "CALMDESK_DATA_DIR": str(data_dir),
        "CALMDESK_PORT": str(port),
        "CALMDESK_EMBEDDED_WORKER": "false",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "calmdesk", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until_up(f"http://127.0.0.1:{port}", server, STARTUP_TIMEOUT)
    except AssertionError:
        server.kill()
        raise
    return server


def test_no_answered_intake_is_lost_when_the_server_is_killed(
    crash_db: str, tmp_path: Path
) -> None:
    token = prepare(crash_db)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(crash_db, port, tmp_path)
    answered: list[tuple[int, str]] = []
    lock = threading.Lock()

    def intake(n: int) -> None:
        contact = f"burst-{n}@example.com"
        try:
            response = httpx.post(
                f"{base}/api/cases",
                json={
                    "customer_contact": contact,
                    "description": "Faktura wyższa niż w umowie.",
                    "category": "invoice_error",
                    "language": "pl",
                },
                headers={"Authorization": f"Bearer {token}"},
                timeout=10,
            )
        except httpx.HTTPError:
            return  # the server died under this request: no promise was made
        if response.status_code == 201:
            with lock:
                answered.append((response.json()["id"], contact))
                if len(answered) == KILL_AFTER:
                    server.send_signal(signal.SIGKILL)

    try:
        with ThreadPoolExecutor(max_workers=8) as pool:
            list(pool.map(intake, range(REQUESTS)))
        assert server.wait(timeout=10) == -signal.SIGKILL
        assert len(answered) >= KILL_AFTER

        restarted = start_server(crash_db, port, tmp_path)
        try:
            headers = {"Authorization": f"Bearer {token}"}
            for case_id, contact in answered:
                response = httpx.get(f"{base}/api/cases/{case_id}", headers=headers, timeout=10)
                assert response.status_code == 200, (case_id, response.text)
                assert response.json()["customer_contact"] == contact
        finally:
            restarted.kill()
            restarted.wait()
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()

    engine = make_engine(crash_db)
    with engine.connect() as connection:
        stored = set(connection.scalars(select(Case.id)))
    engine.dispose()
    assert {case_id for case_id, _ in answered} <= stored


def test_concurrent_intakes_on_sqlite_get_no_server_error(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'burst.sqlite3'}"
    token = prepare(url)
    port = free_port()
    server = start_server(url, port, tmp_path)
    try:

        def intake(n: int) -> int:
            return httpx.post(
                f"http://127.0.0.1:{port}/api/cases",
                json={
                    "customer_contact": f"parallel-{n}@example.com",
                    "description": "Faktura wyższa niż w umowie.",
                    "category": "invoice_error",
                },
                headers={"Authorization": f"Bearer {token}"},
                timeout=30,
            ).status_code

        with ThreadPoolExecutor(max_workers=8) as pool:
            statuses = list(pool.map(intake, range(60)))
    finally:
        server.kill()
        server.wait()
    assert [s for s in statuses if s >= 500] == []
