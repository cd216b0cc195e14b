"""Logins and sockets against two real ``uvicorn`` workers sharing PostgreSQL and Redis: the
throttle holds under parallel attempts spread over both, and a socket on one worker closes on
its own when its token is revoked or its user disabled through the other."""

from __future__ import annotations

import json
import os
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import httpx
import pytest
from sqlalchemy import select
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from calmdesk.storage.db import make_engine, make_session_factory, session_scope
from calmdesk.storage.migrate import upgrade
from calmdesk.users import service, throttle
from calmdesk.users.models import LoginAttempts, Role, User
from calmdesk.users.passwords import hash_password
from tests.processes import uvicorn_workers
from tests.servers import postgres_database, require_redis

WAIT_SECONDS = 60
PASSWORD = "the-right-password"
HTTP = httpx.Client(timeout=60)

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.slow]


@dataclass(frozen=True)
class Workers:
    bases: tuple[str, str]
    database_url: str
    tokens: dict[str, str]
    """Bearer tokens of ``ada`` (admin), ``sylwia`` (supervisor) and ``bartek`` (agent)."""
    user_ids: dict[str, int]


def _prepare(url: str) -> tuple[dict[str, str], dict[str, int]]:
    engine = make_engine(url)
    upgrade(engine)
    tokens, ids = {}, {}
    cast = (("ada", Role.ADMIN), ("sylwia", Role.SUPERVISOR), ("bartek", Role.AGENT))
    with session_scope(make_session_factory(engine)) as session:
        for username, role in (*cast, ("guesswork", Role.AGENT)):
            user = User(
                username=username,
                display_name=username.title(),
                role=role,
                password_hash=hash_password(PASSWORD),
                is_active=True,
            )
            session.add(user)
            session.flush()
            ids[username] = user.id
            if username != "guesswork":
                tokens[username] = service.issue_token(session, user=user, name="worker test")
    engine.dispose()
    return tokens, ids


@pytest.fixture(scope="module")
def workers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workers]:
    redis_url = require_redis()
    with postgres_database("auth_workers") as url:
        tokens, ids = _prepare(url)
        env = {
            **os.environ,
            "CALMDESK_ENV": "test",
            "CALMDESK_DATABASE_URL": url,
            "CALMDESK_REDIS_URL": redis_url,
            "CALMDESK_SECRET_KEY": "auth-workers-test-secret",
            "CALMDESK_AUTO_MIGRATE": "false",
            "CALMDESK_EMBEDDED_WORKER": "false",
            "CALMDESK_WARM_UP_MODELS": "false",
            "CALMDESK_DATA_DIR": str(tmp_path_factory.mktemp("auth-workers")),
            "CALMDESK_TEST_CHANNEL_PREFIX": f"calmdesk-test-{uuid.uuid4().hex}",
            # A long first wait, so how many attempts get through does not depend on how fast
            # this machine answers them.
            "CALMDESK_LOGIN_FIRST_WAIT_SECONDS": "600",
            "CALMDESK_LOGIN_ADDRESS_FREE_ATTEMPTS": "1000",
            "CALMDESK_SOCKET_AUTH_CHECK_SECONDS": "0.5",
            "CALMDESK_REDIS_CHANNEL_PREFIX": f"calmdesk-test-{uuid.uuid4().hex}",
            "CALMDESK_RATE_LIMIT_HEAVY_PER_TOKEN": "3",
            "CALMDESK_RATE_LIMIT_WINDOW_SECONDS": "3600",
        }
        with uvicorn_workers(env) as bases:
            yield Workers((bases[0], bases[1]), url, tokens, ids)


def test_parallel_wrong_passwords_on_two_workers_verify_only_the_free_attempts(
    workers: Workers,
) -> None:
    def attempt(index: int) -> httpx.Response:
        base = workers.bases[index % 2]
        body = {"username": "guesswork", "password": f"wrong-guess-{index}"}
        return HTTP.post(f"{base}/api/auth/login", json=body)

    with ThreadPoolExecutor(max_workers=24) as pool:
        responses = list(pool.map(attempt, range(24)))

    codes = sorted(r.json()["code"] for r in responses)
    assert codes == ["invalid_credentials"] * 5 + ["too_many_attempts"] * 19
    assert all(r.status_code == 429 for r in responses if r.json()["code"] != "invalid_credentials")
    engine = make_engine(workers.database_url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            counted = session.scalar(
                select(LoginAttempts.attempts).where(
                    LoginAttempts.key == throttle.name_key("guesswork")
                )
            )
    finally:
        engine.dispose()
    assert counted == 5
    # Even the right password now waits: it is not verified either.
    refused = HTTP.post(
        f"{workers.bases[0]}/api/auth/login", json={"username": "guesswork", "password": PASSWORD}
    )
    assert (refused.status_code, refused.json()["code"]) == (429, "too_many_attempts")


def test_two_workers_share_the_rate_limit_through_redis(workers: Workers) -> None:
    worker_a, worker_b = workers.bases
    admin = {"Authorization": f"Bearer {workers.tokens['ada']}"}
    issued = HTTP.post(
        f"{worker_a}/api/users/{workers.user_ids['bartek']}/tokens",
        json={"name": "rate test"},
        headers=admin,
    ).json()
    agent = {"Authorization": f"Bearer {issued['token']}"}
    contact = HTTP.post(f"{worker_a}/api/contacts", json={"lang": "pl"}, headers=agent).json()
    line = {"speaker": "customer", "text": "Dzień dobry, mam pytanie o fakturę."}
    statuses = [
        HTTP.post(f"{base}/api/contacts/{contact['id']}/utterances", json=line, headers=agent)
        for base in (worker_a, worker_b, worker_a, worker_b)
    ]
    assert [r.status_code for r in statuses] == [200, 200, 200, 429], statuses[-1].text
    refused = statuses[-1].json()
    assert (refused["code"], refused["limit"]) == ("rate_limited", "3 per 3600 s per API token")
    assert int(statuses[-1].headers["retry-after"]) > 0


def _closed(ws: ClientConnection) -> tuple[int, str]:
    """Read until the server closes the socket; its close code and reason."""
    deadline = time.monotonic() + WAIT_SECONDS
    with pytest.raises(ConnectionClosed) as closed:
        while True:
            json.loads(ws.recv(timeout=deadline - time.monotonic()))
    received = closed.value.rcvd
    assert received is not None, "the socket ended without a close frame"
    return received.code, received.reason


def test_a_quiet_socket_closes_when_its_token_is_revoked_on_the_other_worker(
    workers: Workers,
) -> None:
    worker_a, worker_b = workers.bases
    admin = {"Authorization": f"Bearer {workers.tokens['ada']}"}
    sylwia = workers.user_ids["sylwia"]
    board_token = HTTP.post(
        f"{worker_b}/api/users/{sylwia}/tokens", json={"name": "wallboard"}, headers=admin
    ).json()
    ws_a = worker_a.replace("http://", "ws://")
    with connect(f"{ws_a}/ws/board?token={board_token['token']}") as board:
        assert json.loads(board.recv(timeout=WAIT_SECONDS))["type"] == "snapshot"
        revoked = HTTP.delete(
            f"{worker_b}/api/users/{sylwia}/tokens/{board_token['id']}", headers=admin
        )
        assert revoked.status_code == 204
        code, reason = _closed(board)
    assert code == 4401
    assert reason.startswith("token_revoked")


def test_a_quiet_socket_closes_when_its_user_is_disabled_on_the_other_worker(
    workers: Workers,
) -> None:
    worker_a, worker_b = workers.bases
    admin = {"Authorization": f"Bearer {workers.tokens['ada']}"}
    agent = {"Authorization": f"Bearer {workers.tokens['bartek']}"}
    contact = HTTP.post(f"{worker_a}/api/contacts", json={"lang": "pl"}, headers=agent)
    assert contact.status_code == 201, contact.text
    ws_a = worker_a.replace("http://", "ws://")
    url = f"{ws_a}/ws/contacts/{contact.json()['id']}?token={workers.tokens['bartek']}"
    with connect(url) as console:
        assert json.loads(console.recv(timeout=WAIT_SECONDS))["type"] == "snapshot"
        bartek = workers.user_ids["bartek"]
        disabled = HTTP.patch(
            f"{worker_b}/api/users/{bartek}", json={"is_active": False}, headers=admin
        )
        assert disabled.status_code == 200, disabled.text
        code, reason = _closed(console)
    assert code == 4401
    assert reason.startswith("account_disabled")
