"""Chatwoot's webhook, from payloads recorded from Chatwoot's own source (Chatwoot cannot run
here; see fixtures/chatwoot/README.md): the signature, bad input, agent and customer lines,
private notes and activity ignored, duplicates and retries idempotent by message id, a
conversation resolved ends its contact, and the dashboard app's card."""

from __future__ import annotations

import json
import time
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from calmdesk import maintenance
from calmdesk.chat.models import CHATWOOT, ChatConversation, ChatMessage, MessageState
from calmdesk.live.models import Contact, ContactEvent
from calmdesk.storage.types import utcnow
from calmdesk.users.models import User
from tests.chat.conftest import (
    ACCOUNT,
    APP_KEY,
    CONVERSATION,
    SECRET,
    Deliver,
    message,
    recorded,
    signed,
)


def _conversation(session: Session, external: str = CONVERSATION) -> ChatConversation:
    session.expire_all()
    query = select(ChatConversation).where(
        ChatConversation.platform == CHATWOOT,
        ChatConversation.account == ACCOUNT,
        ChatConversation.external_id == external,
    )
    return session.scalars(query).one()


def _events(session: Session, contact_id: int) -> list[ContactEvent]:
    session.expire_all()
    query = select(ContactEvent).where(ContactEvent.contact_id == contact_id)
    return list(session.scalars(query.order_by(ContactEvent.seq)))


# --- authentication and bad input ----------------------------------------------------------


def test_a_delivery_signed_with_the_secret_is_accepted(deliver: Deliver, linked: User) -> None:
    response = deliver(recorded("message_created_incoming"))
    assert response.status_code == 200, response.text
    assert response.json()["outcome"] == "fed"


def test_a_wrong_secret_a_changed_body_or_no_signature_is_refused(
    client: TestClient, deliver: Deliver, linked: User, session: Session
) -> None:
    assert deliver(recorded("message_created_incoming"), secret="another").json()["code"] == (
        "invalid_signature"
    )
    body = json.dumps(recorded("message_created_incoming")).encode()
    headers = signed(body)
    tampered = body.replace(b"349", b"999")
    answer = client.post("/api/chat/chatwoot/webhook", content=tampered, headers=headers)
    assert (answer.status_code, answer.json()["code"]) == (401, "invalid_signature")
    bare = client.post(
        "/api/chat/chatwoot/webhook", content=body, headers={"Content-Type": "application/json"}
    )
    assert (bare.status_code, bare.json()["code"]) == (401, "signature_missing")
    old = deliver(recorded("message_created_incoming"), at=time.time() - 3600)
    assert (old.status_code, old.json()["code"]) == (401, "signature_expired")
    assert session.scalars(select(ChatMessage)).first() is None  # nothing was stored


def test_without_a_secret_configured_the_webhook_says_so(
    client: TestClient, settings: object
) -> None:
    client.app.state.settings = client.app.state.settings.model_copy(  # type: ignore[attr-defined]
        update={"chatwoot_webhook_secret": None}
    )
    body = b"{}"
    answer = client.post("/api/chat/chatwoot/webhook", content=body, headers=signed(body))
    assert (answer.status_code, answer.json()["code"]) == (503, "chat_not_configured")


def test_bad_bodies_get_clear_4xx(client: TestClient, deliver: Deliver) -> None:
    for body in (b"not json", b"\xff\xfe"):
        answer = client.post("/api/chat/chatwoot/webhook", content=body, headers=signed(body))
        assert (answer.status_code, answer.json()["code"]) == (400, "bad_request")
    no_event = deliver({"id": 1})
    assert (no_event.status_code, no_event.json()["code"]) == (422, "invalid_payload")
    broken = recorded("message_created_incoming")
    del broken["conversation"]
    answer = deliver(broken)
    assert (answer.status_code, answer.json()["code"]) == (422, "invalid_payload")
    assert "conversation" in answer.json()["message"]
    typed = recorded("message_created_incoming", private="sometimes")
    assert deliver(typed).status_code == 422
    huge = b"{" + b" " * 1_100_000 + b"}"
    answer = client.post("/api/chat/chatwoot/webhook", content=huge, headers=signed(huge))
    assert (answer.status_code, answer.json()["code"]) == (413, "payload_too_large")


def test_events_calmdesk_does_not_use_are_acknowledged(deliver: Deliver) -> None:
    answer = deliver({"event": "contact_created", "id": 55, "name": "Jan Kowalski"})
    assert answer.json() == {"outcome": "ignored", "contact_id": None}
    # A conversation created before its first message names no account yet.
    assert deliver(recorded("conversation_created")).json()["outcome"] == "ignored"


# --- lines of the live contact -----------------------------------------------------------------


def test_incoming_is_the_customer_outgoing_the_agent_notes_and_activity_ignored(
    deliver: Deliver, linked: User, session: Session
) -> None:
    first = deliver(recorded("message_created_incoming")).json()
    assert first["outcome"] == "fed"
    contact = session.get(Contact, first["contact_id"])
    assert contact is not None and contact.agent_id == linked.id and contact.channel == "chat"
    assert deliver(recorded("message_created_outgoing")).json()["outcome"] == "fed"
    assert deliver(recorded("message_created_private")).json()["outcome"] == "ignored"
    assert deliver(recorded("message_created_activity")).json()["outcome"] == "ignored"
    events = _events(session, first["contact_id"])
    assert [(e.kind, e.text) for e in events] == [
        ("customer_said", recorded("message_created_incoming")["content"]),
        ("agent_said", recorded("message_created_outgoing")["content"]),
    ]
    # The customer's line was analysed and coached like a typed one.
    assert events[0].signals is not None and events[0].guidance is not None
    assert events[0].guidance["lang"] == "pl"


def test_a_second_delivery_of_a_message_changes_nothing(
    deliver: Deliver, linked: User, session: Session
) -> None:
    first = deliver(recorded("message_created_incoming")).json()
    again = deliver(recorded("message_created_incoming")).json()
    updated = deliver(recorded("message_updated_incoming")).json()  # Chatwoot's read receipt
    assert again == updated == {"outcome": "duplicate", "contact_id": first["contact_id"]}
    assert len(_events(session, first["contact_id"])) == 1
    assert len(session.scalars(select(ChatMessage)).all()) == 1


def test_lines_before_the_agent_is_known_wait_and_are_fed_in_order(
    deliver: Deliver, users: dict[str, User], session: Session
) -> None:
    """No Chatwoot agent is linked yet: the lines wait; linking and assigning starts the contact
    and feeds them, in the order they came."""
    from calmdesk.chat import service

    texts = ["Halo, jest tu ktoś?", "Od godziny czekam na odpowiedź, to skandal!"]
    for number, text in enumerate(texts, start=2001):
        payload = message("message_created_incoming", id=number, content=text)
        payload["conversation"]["meta"]["assignee"] = None
        assert deliver(payload).json()["outcome"] == "pending"
    conversation = _conversation(session)
    assert conversation.contact_id is None
    service.link_agent(
        session, platform=CHATWOOT, account=ACCOUNT, external_id="7", user=users["agent"]
    )
    session.commit()
    assigned = deliver(recorded("conversation_updated_assigned")).json()
    assert assigned["contact_id"] is not None
    events = _events(session, assigned["contact_id"])
    assert [e.text for e in events] == texts
    waiting = session.scalars(select(ChatMessage).order_by(ChatMessage.id)).all()
    assert [(m.state, m.text, m.seq) for m in waiting] == [
        (MessageState.FED, None, 1),
        (MessageState.FED, None, 2),
    ]  # their words are kept once, in the contact's events


def test_an_agent_reply_from_the_linked_agent_starts_the_contact_without_an_assignee(
    deliver: Deliver, linked: User, session: Session
) -> None:
    payload = recorded("message_created_outgoing")
    payload["conversation"]["meta"]["assignee"] = None
    answer = deliver(payload).json()
    assert answer["outcome"] == "fed"
    assert _events(session, answer["contact_id"])[0].kind == "agent_said"


def test_the_conversation_resolved_ends_the_contact_and_a_reopening_starts_a_new_one(
    deliver: Deliver, linked: User, session: Session
) -> None:
    first = deliver(recorded("message_created_incoming")).json()
    deliver(recorded("message_created_outgoing"))
    ended = deliver(recorded("conversation_status_changed_resolved")).json()
    assert ended == {"outcome": "ended", "contact_id": first["contact_id"]}
    session.expire_all()
    contact = session.get(Contact, first["contact_id"])
    assert contact is not None and not contact.is_live and contact.summary is not None
    assert contact.summary["customer_turns"] == 1
    # Chatwoot delivers the status change again: nothing more happens.
    assert deliver(recorded("conversation_status_changed_resolved")).json()["outcome"] == (
        "unchanged"
    )
    # The customer writes again: Chatwoot reopens the conversation, a new contact starts.
    later = deliver(message("message_created_incoming", id=1010, content="Nadal nic nie dostałem."))
    assert later.json()["outcome"] == "fed"
    assert later.json()["contact_id"] != first["contact_id"]


def test_two_conversations_are_two_contacts(deliver: Deliver, linked: User) -> None:
    one = deliver(message("message_created_incoming", id=3001, content="Gdzie moja paczka?"))
    two = deliver(
        message("message_created_incoming", id=3002, content="Где мой заказ?", conversation="43")
    )
    assert one.json()["contact_id"] != two.json()["contact_id"]


# --- the dashboard app's card -------------------------------------------------------------------


def test_the_card_needs_the_app_key_and_shows_the_coach(
    client: TestClient, deliver: Deliver, linked: User
) -> None:
    url = f"/api/chat/chatwoot/card?account={ACCOUNT}&conversation={CONVERSATION}"
    assert client.get(url).json()["code"] == "invalid_app_key"
    assert client.get(url, headers={"X-CalmDesk-App-Key": "wrong"}).status_code == 401
    headers = {"X-CalmDesk-App-Key": APP_KEY}
    assert client.get(url, headers=headers).json()["state"] == "unknown"
    deliver(recorded("message_created_incoming"))
    card = client.get(url, headers=headers).json()
    assert card["state"] == "live" and card["seq"] == 1
    assert card["stage"] and card["phrase"] and card["end_reason"]
    assert card["may_end"] is False
    deliver(recorded("conversation_status_changed_resolved"))
    ended = client.get(url, headers=headers).json()
    assert ended["state"] == "ended" and ended["break_minutes"] is not None
    assert client.get("/api/chat/chatwoot/card?account=1", headers=headers).status_code == 422


def test_the_secret_is_the_webhooks_own(deliver: Deliver) -> None:
    assert SECRET not in deliver({"event": "x"}).text


def test_lines_nobody_took_for_a_week_are_dropped_by_the_worker(
    deliver: Deliver, session: Session, session_factory: sessionmaker[Session]
) -> None:
    payload = message("message_created_incoming", id=4001, content="Halo? Jest tu ktoś?")
    payload["conversation"]["meta"]["assignee"] = None
    assert deliver(payload).json()["outcome"] == "pending"
    maintenance.chat_step(session_factory, now=utcnow())
    session.expire_all()
    assert session.scalars(select(ChatMessage.state)).one() == MessageState.PENDING
    maintenance.chat_step(session_factory, now=utcnow() + timedelta(days=8))
    session.expire_all()
    kept = session.scalars(select(ChatMessage)).one()
    assert (kept.state, kept.text) == (MessageState.DROPPED, None)
