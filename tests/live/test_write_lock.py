"""A live turn holds SQLite's write lock only for its writes, on the real file the embedded
default uses: the analysis and the coach run without it, a turn stored meanwhile is coached
again instead of refused, and a lock not granted in time is a retryable ``database_busy``
(503 with ``Retry-After`` on REST, an ``error`` frame on the socket that stays open)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from calmdesk.analysis.signals import Signals
from calmdesk.coach import conversation as conversation_module
from calmdesk.live import service
from calmdesk.live.models import ContactEvent
from calmdesk.playbook.load import default_playbook
from calmdesk.settings import Settings
from calmdesk.storage.db import make_engine, make_session_factory, session_scope, sqlite_file
from calmdesk.users import service as users_service
from calmdesk.users.models import Role, User
from calmdesk.users.schemas import UserCreate
from calmdesk.web.app import create_app
from tests.conftest import TEST_SECRET_KEY
from tests.live.helpers import bearer, receive, start

PLAYBOOK = default_playbook("pl")

LINE = {"speaker": "customer", "text": "Trzeci raz dzwonię, faktura FV/2026/11/7 jest zła!"}


@dataclass
class FileApp:
    client: TestClient
    engine: Engine
    path: Path
    token: str
    agent_id: int


@pytest.fixture
def file_app(tmp_path: Path) -> Iterator[FileApp]:
    settings = Settings(
        env="test", data_dir=tmp_path / "data", secret_key=TEST_SECRET_KEY, embedded_worker=False
    )
    with TestClient(create_app(settings)) as client:
        engine = make_engine(settings.effective_database_url)
        with session_scope(make_session_factory(engine)) as session:
            agent = users_service.create(
                session,
                user_in=UserCreate(username="ola", role=Role.AGENT, password="ola-password-1"),
            )
            token = users_service.issue_token(session, user=agent, name="integration")
        path = sqlite_file(settings.effective_database_url)
        assert path is not None
        yield FileApp(client, engine, path, token, agent.id)
        engine.dispose()


@contextmanager
def write_lock_held(path: Path) -> Iterator[None]:
    """Another connection holding SQLite's write lock for the ``with`` block."""
    other = sqlite3.connect(path, isolation_level=None, timeout=0)
    other.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        other.execute("ROLLBACK")
        other.close()


def may_take_write_lock(path: Path) -> bool:
    other = sqlite3.connect(path, isolation_level=None, timeout=0)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError:
        return False
    finally:
        other.close()


def stored_seqs(engine: Engine, contact_id: int) -> list[int]:
    with session_scope(make_session_factory(engine), reads_first=True) as session:
        query = select(ContactEvent.seq).where(ContactEvent.contact_id == contact_id)
        return list(session.scalars(query.order_by(ContactEvent.seq)))


@pytest.mark.slow
def test_a_line_refused_for_the_lock_is_a_retryable_503_and_nothing_is_stored(
    file_app: FileApp,
) -> None:
    contact_id = start(file_app.client, file_app.token)
    url = f"/api/contacts/{contact_id}/utterances"
    with write_lock_held(file_app.path):
        # Reading needs no lock, even while another connection holds it.
        replay = file_app.client.get(f"/api/contacts/{contact_id}", headers=bearer(file_app.token))
        assert replay.status_code == 200, replay.text
        refused = file_app.client.post(url, json=LINE, headers=bearer(file_app.token))
    assert refused.status_code == 503, refused.text
    assert refused.json()["code"] == "database_busy"
    assert int(refused.headers["Retry-After"]) >= 1
    assert stored_seqs(file_app.engine, contact_id) == []

    again = file_app.client.post(url, json=LINE, headers=bearer(file_app.token))
    assert again.status_code == 200, again.text
    assert again.json()["seq"] == 1
    assert stored_seqs(file_app.engine, contact_id) == [1]


@pytest.mark.slow
def test_a_frame_refused_for_the_lock_answers_a_retry_code_and_the_socket_stays_open(
    file_app: FileApp,
) -> None:
    contact_id = start(file_app.client, file_app.token)
    path = f"/ws/contacts/{contact_id}?token={file_app.token}"
    with file_app.client.websocket_connect(path) as socket:
        assert socket.receive_json()["type"] == "snapshot"
        with write_lock_held(file_app.path):
            socket.send_json({"type": "utterance", "ref": "l1", **LINE})
            error = receive(socket, "error")
        assert error["code"] == "database_busy"
        assert error["ref"] == "l1"
        assert error["retry_after_seconds"] >= 1
        assert stored_seqs(file_app.engine, contact_id) == []

        socket.send_json({"type": "utterance", "ref": "l1", **LINE})
        assert receive(socket, "guidance")["seq"] == 1
    assert stored_seqs(file_app.engine, contact_id) == [1]


def test_the_analysis_and_the_coach_run_without_the_write_lock(
    file_app: FileApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    contact_id = start(file_app.client, file_app.token)
    lock_free_during_analysis: list[bool] = []
    analyze = conversation_module.default_analyzer

    def watched(text: str, lang: str | None) -> Signals:
        lock_free_during_analysis.append(may_take_write_lock(file_app.path))
        return analyze(text, lang)

    monkeypatch.setattr(conversation_module, "default_analyzer", watched)
    service.DEFAULT_CACHE.forget(contact_id)
    url = f"/api/contacts/{contact_id}/utterances"
    response = file_app.client.post(url, json=LINE, headers=bearer(file_app.token))
    assert response.status_code == 200, response.text
    assert lock_free_during_analysis == [True]


def test_a_turn_stored_during_the_analysis_is_coached_again_not_refused(
    file_app: FileApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    contact_id = start(file_app.client, file_app.token)
    factory = make_session_factory(file_app.engine)
    analyze = conversation_module.default_analyzer
    interleaved: list[int] = []

    def another_turn_meanwhile(text: str, lang: str | None) -> Signals:
        if not interleaved:  # the agent's line lands while the customer's is analysed
            with session_scope(factory) as other:
                outcome = service.says(
                    other,
                    contact_id=contact_id,
                    speaker="agent",
                    text="Rozumiem, sprawdzam.",
                    actor=None,
                    playbook=PLAYBOOK,
                )
                interleaved.append(outcome.answer.seq)
        return analyze(text, lang)

    monkeypatch.setattr(conversation_module, "default_analyzer", another_turn_meanwhile)
    with session_scope(factory) as session:
        outcome = service.says(
            session,
            speaker="customer",
            contact_id=contact_id,
            text=LINE["text"],
            actor=_agent(session, file_app),
            playbook=PLAYBOOK,
        )
    assert interleaved == [1]
    assert outcome.answer.seq == 2
    assert stored_seqs(file_app.engine, contact_id) == [1, 2]

    # The stored guidance is what a replay of the stored events gives.
    replay = file_app.client.get(f"/api/contacts/{contact_id}", headers=bearer(file_app.token))
    events = replay.json()["events"]
    assert [e["kind"] for e in events] == ["agent_said", "customer_said"]
    assert events[1]["guidance"]["stage"] == outcome.answer.stage


def _agent(session: Session, file_app: FileApp) -> User:
    agent = session.get(User, file_app.agent_id)
    assert agent is not None
    return agent
