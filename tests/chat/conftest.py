"""Fixtures for the chat tests: settings with Chatwoot's webhook secret and app key, Chatwoot's
recorded payloads (derived from its source, see fixtures/chatwoot/README.md), signed deliveries
and a linked Chatwoot agent."""

from __future__ import annotations

import copy
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from calmdesk.chat import chatwoot, service
from calmdesk.chat.models import CHATWOOT
from calmdesk.settings import Settings
from calmdesk.users.models import User

FIXTURES = Path(__file__).parent / "fixtures" / "chatwoot"
SECRET = "chatwoot-webhook-secret-for-tests"
APP_KEY = "dashboard-app-key-for-tests-0123456789"
ACCOUNT = "1"
CONVERSATION = "42"
CHATWOOT_AGENT = "7"

Payload = dict[str, Any]
Deliver = Callable[..., httpx.Response]


def recorded(name: str, **changes: Any) -> Payload:
    """A recorded Chatwoot payload (a fresh copy), with top-level ``changes``."""
    payload: Payload = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    payload = copy.deepcopy(payload)
    payload.update(changes)
    return payload


def message(name: str, *, id: int, content: str, conversation: str = CONVERSATION) -> Payload:
    """A recorded message payload with another id and text (and conversation)."""
    payload = recorded(name, id=id, content=content)
    payload["conversation"]["id"] = int(conversation)
    for item in payload["conversation"]["messages"]:
        item.update(id=id, content=content, conversation_id=int(conversation))
    return payload


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(
        update={"chatwoot_webhook_secret": SECRET, "chatwoot_app_key": APP_KEY}
    )


def signed(body: bytes, *, secret: str = SECRET, at: float | None = None) -> dict[str, str]:
    timestamp = str(int(time.time() if at is None else at))
    return {
        "Content-Type": "application/json",
        chatwoot.TIMESTAMP_HEADER: timestamp,
        chatwoot.SIGNATURE_HEADER: chatwoot.sign(secret, timestamp, body),
    }


@pytest.fixture
def deliver(client: TestClient) -> Deliver:
    """POST a payload as Chatwoot does: the raw JSON body, signed with the webhook's secret."""

    def post(payload: Payload, **signing: Any) -> httpx.Response:
        body = json.dumps(payload, ensure_ascii=False).encode()
        response: httpx.Response = client.post(
            "/api/chat/chatwoot/webhook", content=body, headers=signed(body, **signing)
        )
        return response

    return post


@pytest.fixture
def linked(session: Session, users: dict[str, User]) -> User:
    """Chatwoot's agent 7 in account 1 is CalmDesk's ``agent``."""
    agent = users["agent"]
    service.link_agent(
        session, platform=CHATWOOT, account=ACCOUNT, external_id=CHATWOOT_AGENT, user=agent
    )
    session.commit()
    return agent
