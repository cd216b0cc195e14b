"""The private notes' outbox: an alert and a case number posted back on the Chatwoot
conversation, retried after a failure. A small local HTTP server stands in for Chatwoot's API
(``POST /api/v1/accounts/{account}/conversations/{id}/messages``), since Chatwoot cannot run
here; it answers 500 first, then 200, as it is told."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from calmdesk.cases import service as cases_service
from calmdesk.cases.schemas import CaseCreate
from calmdesk.chat import notes, service
from calmdesk.chat.models import CHATWOOT, ChatNote, NoteStatus
from calmdesk.chat.service import ConversationKey
from calmdesk.playbook.load import default_playbook
from calmdesk.settings import Settings
from calmdesk.storage.types import utcnow
from calmdesk.users.models import User
from tests.chat.conftest import ACCOUNT, CONVERSATION, Deliver, message

TOKEN = "chatwoot-api-token-for-tests"
ABUSE = "Jesteś idiotką, banda złodziei, kurwa mać!"


@dataclass
class FakeChatwoot:
    """Chatwoot's messages API as far as CalmDesk uses it; ``statuses`` are answered in turn."""

    url: str = ""
    statuses: list[int] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)


@pytest.fixture
def chatwoot_api() -> Iterator[FakeChatwoot]:
    fake = FakeChatwoot()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            fake.requests.append(
                {
                    "path": self.path,
                    "token": self.headers.get("api_access_token"),
                    "body": json.loads(self.rfile.read(length)),
                }
            )
            status = fake.statuses.pop(0) if fake.statuses else 200
            answer = json.dumps({"id": len(fake.requests)} if status < 300 else {"error": "boom"})
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(answer.encode())

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def with_api(settings: Settings, chatwoot_api: FakeChatwoot) -> Settings:
    return settings.model_copy(
        update={"chatwoot_url": chatwoot_api.url, "chatwoot_api_token": TOKEN}
    )


def _abusive_line(session: Session, agent: User) -> int:
    key = ConversationKey(CHATWOOT, ACCOUNT, CONVERSATION)
    received = service.receive_line(
        session,
        key=key,
        message_id="5001",
        speaker="customer",
        text=ABUSE,
        agent=agent,
        playbook=default_playbook("pl"),
        notes_on=True,
    )
    session.commit()
    assert received.outcome == "fed" and received.contact_id is not None
    return received.contact_id


def test_an_alert_is_posted_as_a_private_note_after_a_500(
    session: Session,
    session_factory: sessionmaker[Session],
    users: dict[str, User],
    with_api: Settings,
    chatwoot_api: FakeChatwoot,
) -> None:
    _abusive_line(session, users["agent"])
    note = session.scalars(select(ChatNote)).one()
    assert note.status == NoteStatus.PENDING and note.body.startswith("Alert CalmDesk")
    assert "idiotką" in note.body  # in the agent's language (Polish), quoting the words

    chatwoot_api.statuses = [500]
    now = utcnow()
    post = notes.post_note(with_api)
    first = notes.deliver_due(session_factory, post=post, max_attempts=3, now=now)
    assert (first.sent, first.retrying, first.failed) == (0, 1, 0)
    session.expire_all()
    assert note.status == NoteStatus.PENDING and note.attempts == 1
    assert note.last_error is not None and note.last_error.startswith("HTTP 500")
    # Not due again before its backoff.
    early = notes.deliver_due(session_factory, post=post, max_attempts=3, now=now)
    assert not early.anything_done
    later = notes.deliver_due(
        session_factory, post=post, max_attempts=3, now=now + notes.backoff(1)
    )
    assert later.sent == 1
    session.expire_all()
    assert note.status == NoteStatus.SENT and note.body == "" and note.sent_at is not None

    assert len(chatwoot_api.requests) == 2
    for request in chatwoot_api.requests:
        assert (
            request["path"] == f"/api/v1/accounts/{ACCOUNT}/conversations/{CONVERSATION}/messages"
        )
        assert request["token"] == TOKEN
        assert request["body"]["private"] is True
        assert request["body"]["message_type"] == "outgoing"
        assert "idiotką" in request["body"]["content"]
    # Sent once: nothing more is posted.
    assert not notes.deliver_due(
        session_factory, post=post, max_attempts=3, now=now + timedelta(days=1)
    ).anything_done


def test_a_note_is_given_up_after_its_last_attempt(
    session: Session,
    session_factory: sessionmaker[Session],
    users: dict[str, User],
    with_api: Settings,
    chatwoot_api: FakeChatwoot,
) -> None:
    _abusive_line(session, users["agent"])
    chatwoot_api.statuses = [500, 502]
    post = notes.post_note(with_api)
    now = utcnow()
    notes.deliver_due(session_factory, post=post, max_attempts=2, now=now)
    report = notes.deliver_due(
        session_factory, post=post, max_attempts=2, now=now + timedelta(hours=2)
    )
    assert report.failed == 1
    session.expire_all()
    note = session.scalars(select(ChatNote)).one()
    assert note.status == NoteStatus.FAILED and note.attempts == 2
    assert note.last_error is not None and note.last_error.startswith("HTTP 502")


def test_an_unreachable_chatwoot_is_a_retry_not_a_crash(
    session: Session,
    session_factory: sessionmaker[Session],
    users: dict[str, User],
    settings: Settings,
) -> None:
    _abusive_line(session, users["agent"])
    closed = settings.model_copy(
        update={"chatwoot_url": "http://127.0.0.1:9", "chatwoot_api_token": TOKEN}
    )
    report = notes.deliver_due(session_factory, post=notes.post_note(closed), max_attempts=3)
    assert report.retrying == 1
    session.expire_all()
    error = session.scalars(select(ChatNote.last_error)).one()
    assert error is not None and "did not answer" in error


def test_the_number_of_a_case_opened_from_the_conversation_is_queued_once(
    session: Session, users: dict[str, User]
) -> None:
    contact_id = _abusive_line(session, users["agent"])
    case = cases_service.intake(
        session,
        case_in=CaseCreate(
            channel="chat",
            customer_contact="jan.kowalski@example.pl",
            description="Paczka z zamówienia 48213 nie dotarła mimo zapłaty 349 zł.",
            source_contact_id=contact_id,
        ),
        actor=users["agent"],
        playbook=default_playbook("pl"),
    )
    session.commit()
    since = utcnow() - timedelta(days=1)
    assert notes.queue_case_notes(session, since=since) == 1
    session.commit()
    assert notes.queue_case_notes(session, since=since) == 0
    body = session.scalars(select(ChatNote.body).where(ChatNote.key == f"case:{case.id}")).one()
    assert body == f"CalmDesk założył sprawę nr {case.id} dla tej rozmowy."


def test_no_note_is_queued_when_notes_are_off(session: Session, users: dict[str, User]) -> None:
    key = ConversationKey(CHATWOOT, ACCOUNT, CONVERSATION)
    service.receive_line(
        session,
        key=key,
        message_id="1",
        speaker="customer",
        text=ABUSE,
        agent=users["agent"],
        playbook=default_playbook("pl"),
        notes_on=False,
    )
    session.commit()
    assert session.scalars(select(ChatNote)).first() is None


def test_notes_are_on_only_with_an_address_and_a_token(settings: Settings) -> None:
    assert not notes.notes_enabled(settings)
    assert not notes.notes_enabled(
        settings.model_copy(update={"chatwoot_url": "https://c.example"})
    )
    on = settings.model_copy(
        update={"chatwoot_url": "https://c.example", "chatwoot_api_token": "t"}
    )
    assert notes.notes_enabled(on)
    assert not notes.notes_enabled(on.model_copy(update={"chatwoot_notes": False}))


def test_an_alert_from_the_webhook_reaches_chatwoot_right_after_the_answer(
    client: TestClient,
    deliver: Deliver,
    linked: User,
    with_api: Settings,
    chatwoot_api: FakeChatwoot,
    session: Session,
) -> None:
    client.app.state.settings = with_api  # type: ignore[attr-defined]
    answer = deliver(message("message_created_incoming", id=6001, content=ABUSE))
    assert answer.json()["outcome"] == "fed"
    assert [r["body"]["private"] for r in chatwoot_api.requests] == [True]
    session.expire_all()
    assert session.scalars(select(ChatNote.status)).one() == NoteStatus.SENT
    # The same delivery again neither coaches nor notes twice.
    assert (
        deliver(message("message_created_incoming", id=6001, content=ABUSE)).json()["outcome"]
        == "duplicate"
    )
    assert len(chatwoot_api.requests) == 1
