"""Chatwoot retrying a delivery while the first is still being handled, on two real ``uvicorn``
workers sharing one database (SQLite, PostgreSQL): the same message delivered six times at
once, half to each worker, is one line of one contact; the first message of a new conversation
delivered to both workers at once starts one contact. The payloads are the ones recorded from
Chatwoot's source (fixtures/chatwoot/README.md)."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from calmdesk.chat import service
from calmdesk.chat.models import CHATWOOT
from calmdesk.storage.db import make_engine, make_session_factory, session_scope
from calmdesk.storage.migrate import upgrade
from calmdesk.users.models import Role, User
from tests.chat.conftest import message, recorded, signed
from tests.processes import uvicorn_workers
from tests.servers import postgres_database, require_redis

pytestmark = [pytest.mark.redis, pytest.mark.slow]

SECRET = "two-workers-chatwoot-secret"
HTTP = httpx.Client(timeout=120)  # the first line a worker analyses loads the models


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def shared_db_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('chat-workers') / 'shared.sqlite3'}"
        return
    with postgres_database("chat_workers") as url:
        yield url


@pytest.fixture(scope="module")
def workers(
    shared_db_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, str]]:
    redis_url = require_redis()
    engine = make_engine(shared_db_url)
    upgrade(engine)
    with session_scope(make_session_factory(engine)) as session:
        agent = User(
            username="anna",
            display_name="Anna",
            role=Role.AGENT,
            password_hash="unused",
            is_active=True,
        )
        session.add(agent)
        session.flush()
        service.link_agent(session, platform=CHATWOOT, account="1", external_id="7", user=agent)
    engine.dispose()
    env = {
        **os.environ,
        "CALMDESK_ENV": "test",
        "CALMDESK_DATABASE_URL": shared_db_url,
        "CALMDESK_REDIS_URL": redis_url,
        "CALMDESK_SECRET_KEY": "chat-two-workers-secret-key",
        "CALMDESK_AUTO_MIGRATE": "false",
        "CALMDESK_EMBEDDED_WORKER": "false",
        "CALMDESK_DATA_DIR": str(tmp_path_factory.mktemp("chat-workers-data")),
        "CALMDESK_TEST_CHANNEL_PREFIX": f"calmdesk-test-{uuid.uuid4().hex}",
        "CALMDESK_CHATWOOT_WEBHOOK_SECRET": SECRET,
    }
    with uvicorn_workers(env) as (first, second):
        yield first, second


def _race(bases: tuple[str, str], payloads: list[dict[str, Any]]) -> list[httpx.Response]:
    def post(index: int) -> httpx.Response:
        body = json.dumps(payloads[index], ensure_ascii=False).encode()
        url = f"{bases[index % 2]}/api/chat/chatwoot/webhook"
        return HTTP.post(url, content=body, headers=signed(body, secret=SECRET))

    with ThreadPoolExecutor(max_workers=len(payloads)) as pool:
        return list(pool.map(post, range(len(payloads))))


def _events(url: str, contact_id: int) -> int:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            count = connection.execute(
                text("SELECT count(*) FROM live_contact_events WHERE contact_id = :id"),
                {"id": contact_id},
            ).scalar_one()
            return int(count)
    finally:
        engine.dispose()


def test_the_same_message_delivered_six_times_at_once_is_one_line(
    workers: tuple[str, str], shared_db_url: str
) -> None:
    warm = message("message_created_incoming", id=1, content="Dzień dobry.", conversation="700")
    assert _race(workers, [warm, warm])[0].status_code == 200  # both workers load the models
    payload = message(
        "message_created_incoming", id=2, content="Gdzie jest moja paczka?!", conversation="700"
    )
    responses = _race(workers, [payload] * 6)
    assert [r.status_code for r in responses] == [200] * 6, [r.text for r in responses]
    outcomes = sorted(r.json()["outcome"] for r in responses)
    assert outcomes == ["duplicate"] * 5 + ["fed"]
    contacts = {r.json()["contact_id"] for r in responses}
    assert len(contacts) == 1
    assert _events(shared_db_url, contacts.pop()) == 2


def test_a_new_conversation_racing_on_both_workers_starts_one_contact(
    workers: tuple[str, str], shared_db_url: str
) -> None:
    payloads = [
        message("message_created_incoming", id=10 + n, content=f"Wiadomość {n}", conversation="701")
        for n in range(4)
    ]
    responses = _race(workers, payloads)
    assert [r.status_code for r in responses] == [200] * 4, [r.text for r in responses]
    assert {r.json()["outcome"] for r in responses} == {"fed"}
    contacts = {r.json()["contact_id"] for r in responses}
    assert len(contacts) == 1
    assert _events(shared_db_url, contacts.pop()) == 4


def test_waiting_lines_are_fed_once_when_assignments_and_new_lines_race(
    workers: tuple[str, str], shared_db_url: str
) -> None:
    waiting = []
    for n in range(3):
        payload = message(
            "message_created_incoming", id=30 + n, content=f"Czekam {n}", conversation="702"
        )
        payload["conversation"]["meta"]["assignee"] = None
        waiting.append(payload)
    assert {r.json()["outcome"] for r in _race(workers, waiting)} == {"pending"}
    assigned = recorded("conversation_updated_assigned", id=702)
    fresh = [
        message("message_created_incoming", id=40 + n, content=f"Nowa {n}", conversation="702")
        for n in range(2)
    ]
    responses = _race(workers, [assigned, assigned, *fresh])
    assert [r.status_code for r in responses] == [200] * 4, [r.text for r in responses]
    contacts = {r.json()["contact_id"] for r in responses}
    assert len(contacts) == 1
    contact_id = contacts.pop()
    assert _events(shared_db_url, contact_id) == 5  # three waiting lines and two new, once each
    engine = make_engine(shared_db_url)
    try:
        with engine.connect() as connection:
            states = connection.execute(
                text(
                    "SELECT m.state, count(*) FROM chat_messages m JOIN chat_conversations c "
                    "ON c.id = m.conversation_id WHERE c.external_id = '702' GROUP BY m.state"
                )
            ).all()
    finally:
        engine.dispose()
    assert dict(states) == {"fed": 5}
