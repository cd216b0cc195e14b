"""Two real ``uvicorn`` workers sharing one database and Redis: a board connected to worker A
sees the turn posted to worker B, and so does the agent's console on A; every message that
crossed Redis arrives as the model worker B answered with."""

from __future__ import annotations

import json
import os
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from websockets.sync.client import ClientConnection, connect

from calmdesk.live.frames import BoardSnapshot, ContactSnapshot
from calmdesk.live.wire import (
    AlertMessage,
    ContactUpdateMessage,
    GuidanceMessage,
    SummaryMessage,
)
from calmdesk.storage.db import make_engine, make_session_factory, session_scope
from calmdesk.storage.migrate import upgrade
from calmdesk.users import service as users_service
from calmdesk.users.models import Role, User
from tests.live.helpers import DIALOGUE
from tests.processes import uvicorn_workers
from tests.servers import postgres_database, require_redis

RECEIVE_SECONDS = 60
# The first line a worker analyses loads the models: allow a slow answer.
HTTP = httpx.Client(timeout=60)


pytestmark = [
    pytest.mark.redis,
    pytest.mark.slow,
]


def _prepare_database(url: str) -> dict[str, str]:
    """Migrate, add an agent and a supervisor, and return their bearer tokens."""
    engine = make_engine(url)
    upgrade(engine)
    tokens = {}
    with session_scope(make_session_factory(engine)) as session:
        for username, role in (("bartek", Role.AGENT), ("sylwia", Role.SUPERVISOR)):
            user = User(
                username=username,
                display_name=username.title(),
                role=role,
                password_hash="unused: tokens only",
                is_active=True,
            )
            session.add(user)
            session.flush()
            tokens[username] = users_service.issue_token(session, user=user, name="worker test")
    engine.dispose()
    return tokens


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def shared_db_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A database both workers use: an SQLite file (WAL), or a PostgreSQL database of its own
    (the suite's test database lives in rolled-back transactions other processes cannot see)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('two-workers') / 'shared.sqlite3'}"
        return
    with postgres_database("live_workers") as url:
        yield url


@pytest.fixture(scope="module")
def workers(
    shared_db_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, str, dict[str, str]]]:
    """Two workers on one database and Redis, for the module (each test uses its own
    contacts)."""
    redis_url = require_redis()
    tmp_path = tmp_path_factory.mktemp("two-workers-data")
    url = shared_db_url
    tokens = _prepare_database(url)
    env = {
        **os.environ,
        "CALMDESK_ENV": "test",
        "CALMDESK_DATABASE_URL": url,
        "CALMDESK_REDIS_URL": redis_url,
        "CALMDESK_SECRET_KEY": "two-workers-test-secret",
        "CALMDESK_AUTO_MIGRATE": "false",
        "CALMDESK_EMBEDDED_WORKER": "false",
        "CALMDESK_DATA_DIR": str(tmp_path / "data"),
        "CALMDESK_TEST_CHANNEL_PREFIX": f"calmdesk-test-{uuid.uuid4().hex}",
    }
    with uvicorn_workers(env) as (first, second):
        yield first, second, tokens


def _receive(ws: ClientConnection, kind: str, contact_id: int) -> dict[str, Any]:
    deadline = time.monotonic() + RECEIVE_SECONDS
    while True:
        message: dict[str, Any] = json.loads(ws.recv(timeout=deadline - time.monotonic()))
        if message["type"] == kind and message.get("contact_id") == contact_id:
            return message


def test_a_board_on_one_worker_sees_a_turn_posted_to_another(
    workers: tuple[str, str, dict[str, str]],
) -> None:
    worker_a, worker_b, tokens = workers
    agent = {"Authorization": f"Bearer {tokens['bartek']}"}
    ws_a = worker_a.replace("http://", "ws://")

    with connect(f"{ws_a}/ws/board?token={tokens['sylwia']}") as board:
        BoardSnapshot.model_validate_json(board.recv(timeout=RECEIVE_SECONDS))
        started = HTTP.post(f"{worker_b}/api/contacts", json={"lang": "pl"}, headers=agent)
        assert started.status_code == 201, started.text
        contact_id = started.json()["id"]
        live = ContactUpdateMessage.model_validate(_receive(board, "contact_update", contact_id))
        assert live.status == "live"

        with connect(f"{ws_a}/ws/contacts/{contact_id}?token={tokens['bartek']}") as console:
            ContactSnapshot.model_validate_json(console.recv(timeout=RECEIVE_SECONDS))
            answered = HTTP.post(
                f"{worker_b}/api/contacts/{contact_id}/utterances",
                json={"speaker": "customer", "text": DIALOGUE[2]["customer"]},
                headers=agent,
            )
            assert answered.status_code == 200, answered.text
            update = ContactUpdateMessage.model_validate(
                _receive(board, "contact_update", contact_id)
            )
            alert = AlertMessage.model_validate(_receive(board, "alert", contact_id))
            guidance = GuidanceMessage.model_validate(_receive(console, "guidance", contact_id))
            ended = HTTP.post(f"{worker_b}/api/contacts/{contact_id}/end", headers=agent)
            summary = SummaryMessage.model_validate(_receive(console, "summary", contact_id))

    assert guidance == GuidanceMessage.model_validate_json(answered.text)
    assert summary == SummaryMessage.model_validate_json(ended.text)
    assert update.turns == 1 and update.agent == "bartek"
    assert (update.stage, update.rung) == (guidance.stage, guidance.rung)
    assert (alert.kind, alert.seq) == (guidance.alerts[0].kind, guidance.seq)


def test_a_turn_sent_on_worker_a_continues_the_conversation_stored_by_worker_b(
    workers: tuple[str, str, dict[str, str]],
) -> None:
    """The conversation cache is per worker: A rebuilds B's turns from the database."""
    worker_a, worker_b, tokens = workers
    agent = {"Authorization": f"Bearer {tokens['bartek']}"}
    contact_id = HTTP.post(f"{worker_b}/api/contacts", json={"lang": "pl"}, headers=agent).json()[
        "id"
    ]
    for index, turn in enumerate(DIALOGUE[:5]):
        base = worker_a if index % 2 else worker_b
        if "action" in turn:
            response = HTTP.post(
                f"{base}/api/contacts/{contact_id}/actions", json=turn, headers=agent
            )
        else:
            speaker = "customer" if "customer" in turn else "agent"
            response = HTTP.post(
                f"{base}/api/contacts/{contact_id}/utterances",
                json={"speaker": speaker, "text": turn[speaker]},
                headers=agent,
            )
        assert response.status_code == 200, response.text
        assert response.json()["seq"] == index + 1

    replay = HTTP.get(f"{worker_a}/api/contacts/{contact_id}", headers=agent).json()
    assert [e["seq"] for e in replay["events"]] == [1, 2, 3, 4, 5]


def test_lines_racing_on_two_workers_are_stored_in_one_order_or_refused_as_busy(
    workers: tuple[str, str, dict[str, str]],
) -> None:
    worker_a, worker_b, tokens = workers
    agent = {"Authorization": f"Bearer {tokens['bartek']}"}
    started = HTTP.post(f"{worker_a}/api/contacts", json={"lang": "pl"}, headers=agent)
    contact_id = started.json()["id"]

    def post(index: int) -> httpx.Response:
        base = (worker_a, worker_b)[index % 2]
        line = {"speaker": "customer", "text": f"Linia {index}: faktura FV/2026/11/{index}"}
        return HTTP.post(f"{base}/api/contacts/{contact_id}/utterances", json=line, headers=agent)

    with ThreadPoolExecutor(max_workers=6) as pool:
        responses = list(pool.map(post, range(6)))

    statuses = [r.status_code for r in responses]
    assert set(statuses) <= {200, 409}, [r.text for r in responses]
    assert all(r.json()["code"] == "contact_busy" for r in responses if r.status_code == 409)
    accepted = sorted(r.json()["seq"] for r in responses if r.status_code == 200)
    replay = HTTP.get(f"{worker_a}/api/contacts/{contact_id}", headers=agent).json()
    assert [e["seq"] for e in replay["events"]] == accepted == list(range(1, len(accepted) + 1))
