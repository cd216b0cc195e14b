"""The generic chat adapter (``POST /api/chat/events``): the same shape as Chatwoot's webhook,
for other platforms, with a CalmDesk token."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from calmdesk.live.models import Contact
from calmdesk.users import service as users_service
from calmdesk.users.models import User


def _token(session: Session, user: User) -> dict[str, str]:
    token = users_service.issue_token(session, user=user, name="livechat")
    session.commit()
    return {"Authorization": f"Bearer {token}"}


def _event(**fields: Any) -> dict[str, Any]:
    return {"platform": "livechat", "conversation": "c-1", **fields}


def test_lines_feed_the_callers_contact_once_and_ending_summarises(
    client: TestClient, session: Session, users: dict[str, User]
) -> None:
    auth = _token(session, users["agent"])
    line = _event(event="message", message_id="m-1", speaker="customer", text="Gdzie paczka?!")
    first = client.post("/api/chat/events", json=line, headers=auth)
    assert first.status_code == 200, first.text
    body = first.json()
    assert body["outcome"] == "fed" and body["guidance"]["seq"] == 1
    contact = session.get(Contact, body["contact_id"])
    assert contact is not None and contact.agent_id == users["agent"].id
    again = client.post("/api/chat/events", json=line, headers=auth).json()
    assert again["outcome"] == "duplicate" and again["guidance"] is None
    reply = _event(
        event="message", message_id="m-2", speaker="agent", text="Rozumiem, już sprawdzam."
    )
    assert client.post("/api/chat/events", json=reply, headers=auth).json()["guidance"]["seq"] == 2
    ended = client.post("/api/chat/events", json=_event(event="ended"), headers=auth).json()
    # two lines and the end itself (recorded as the agent's call_ended)
    assert ended["outcome"] == "ended" and ended["summary"]["summary"]["turns"] == 3


def test_bad_events_are_named(client: TestClient, session: Session, users: dict[str, User]) -> None:
    auth = _token(session, users["agent"])
    missing = client.post(
        "/api/chat/events", json=_event(event="message", message_id="m-1"), headers=auth
    )
    assert (missing.status_code, missing.json()["code"]) == (422, "missing_field")
    assert missing.json()["missing"] == ["speaker", "text"]
    chatwoot = client.post(
        "/api/chat/events", json=_event(platform="chatwoot", event="ended"), headers=auth
    )
    assert chatwoot.json()["code"] == "invalid_platform"
    unknown = client.post("/api/chat/events", json=_event(event="typing"), headers=auth)
    assert unknown.status_code == 422
    assert client.post("/api/chat/events", json=_event(event="ended")).status_code == 401


def test_an_agent_works_only_their_own_conversations(
    client: TestClient, session: Session, users: dict[str, User]
) -> None:
    agent = _token(session, users["agent"])
    supervisor = _token(session, users["supervisor"])
    for_other = client.post(
        "/api/chat/events", json=_event(event="assigned", agent="supervisor"), headers=agent
    )
    assert for_other.status_code == 403
    # A supervisor may hand a conversation to an agent; the agent then works it.
    assigned = client.post(
        "/api/chat/events", json=_event(event="assigned", agent="agent"), headers=supervisor
    )
    assert assigned.json()["outcome"] == "started"
    line = _event(event="message", message_id="m-1", speaker="customer", text="Dzień dobry.")
    assert client.post("/api/chat/events", json=line, headers=agent).json()["outcome"] == "fed"
    handler = _token(session, users["handler"])
    assert client.post("/api/chat/events", json=line, headers=handler).status_code == 403
