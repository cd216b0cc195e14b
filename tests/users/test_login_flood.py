"""A flood of logins for made-up names does not hold the threads that answer everyone else: a
real server (SQLite, one worker) answers a signed-in agent while the logins still queue for
argon2. Before, each waiting login held one of the 40 worker threads, so the agent's request
queued behind the whole flood."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from calmdesk.storage.db import make_engine, make_session_factory, session_scope
from calmdesk.storage.migrate import upgrade
from calmdesk.users import passwords, service
from calmdesk.users.errors import PasswordHashingBusy
from calmdesk.users.models import Role, User
from tests.processes import free_port, wait_until_up

ROOT = Path(__file__).resolve().parents[2]
FLOOD = 80  # twice anyio's 40 worker threads

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    folder = tmp_path_factory.mktemp("login-flood")
    url = f"sqlite:///{folder / 'calmdesk.sqlite3'}"
    engine = make_engine(url)
    upgrade(engine)
    with session_scope(make_session_factory(engine)) as session:
        agent = User(
            username="agent",
            display_name="Agent",
            role=Role.AGENT,
            password_hash="-",
            is_active=True,
        )
        session.add(agent)
        session.flush()
        token = service.issue_token(session, user=agent, name="flood test")
    engine.dispose()
    port = free_port()
    env = {
        **os.environ,
        "CALMDESK_ENV": "test",
        "CALMDESK_DATABASE_URL": url,
        "CALMDESK_SECRET_KEY": f"login-flood-{uuid.uuid4().hex}",
        "CALMDESK_AUTO_MIGRATE": "false",
        "CALMDESK_EMBEDDED_WORKER": "false",
        "CALMDESK_WARM_UP_MODELS": "false",
        "CALMDESK_DATA_DIR": str(folder),
        # One argon2 at a time and a long wait: the flood queues instead of being refused.
        "CALMDESK_PASSWORD_HASHING_CONCURRENCY": "1",
        "CALMDESK_PASSWORD_HASHING_WAIT_SECONDS": "300",
        "CALMDESK_LOGIN_ADDRESS_FREE_ATTEMPTS": "100000",
    }
    command = [sys.executable, "-m", "calmdesk", "serve", "--host=127.0.0.1", f"--port={port}"]
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base, process)
        yield base, token
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_a_signed_in_agent_is_answered_while_a_login_flood_queues(
    server: tuple[str, str],
) -> None:
    base, token = server
    done = 0
    lock = threading.Lock()

    def unknown_login(index: int) -> None:
        nonlocal done
        body = {"username": f"nobody-{index}", "password": "not-the-password"}
        httpx.post(f"{base}/api/auth/login", json=body, timeout=300)
        with lock:
            done += 1

    with ThreadPoolExecutor(FLOOD) as pool:
        futures = [pool.submit(unknown_login, index) for index in range(FLOOD)]
        while done == 0:  # the server is working through the flood
            time.sleep(0.05)
        me = httpx.get(
            f"{base}/api/users/me", headers={"Authorization": f"Bearer {token}"}, timeout=300
        )
        with lock:
            finished_before_me = done
        for future in futures:
            future.result()
    assert me.status_code == 200
    assert finished_before_me < FLOOD // 4, (
        f"{finished_before_me} of {FLOOD} logins were answered before the agent"
    )


def test_a_login_that_cannot_get_its_turn_in_time_is_busy() -> None:
    async def two_logins() -> None:
        async with passwords.login_turn():
            with pytest.raises(PasswordHashingBusy):
                async with passwords.login_turn():
                    pass
        async with passwords.login_turn():  # the first gave its turn back
            pass

    passwords.configure_hashing(concurrency=1, wait_seconds=0.05)
    try:
        asyncio.run(two_logins())
    finally:
        passwords.configure_hashing(concurrency=4, wait_seconds=5.0)
