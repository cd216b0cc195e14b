"""Fixtures of the API contract tests: a bearer token per role, and a little of everything in the
database (a case with a pending compensation, a public post with an open promise, an ended live
contact) so that generated ids find something."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from calmdesk.storage.types import utcnow
from calmdesk.users.models import User
from calmdesk.users.service import issue_token

ROLES = ("agent", "supervisor", "handler", "admin")


@pytest.fixture
def bearer(session: Session, users: dict[str, User]) -> dict[str, dict[str, str]]:
    """``{role: {"Authorization": "Bearer ..."}}`` for each member of the cast."""
    headers = {
        role: {"Authorization": f"Bearer {issue_token(session, user=users[role], name='contract')}"}
        for role in ROLES
    }
    session.commit()
    return headers


@pytest.fixture
def seeded(client: TestClient, bearer: dict[str, dict[str, str]]) -> None:
    """Through the API, as a client would make them."""
    agent, supervisor = bearer["agent"], bearer["supervisor"]

    def post(path: str, body: dict[str, Any] | None, headers: dict[str, str]) -> dict[str, Any]:
        response = client.post(path, json=body, headers=headers)
        assert response.status_code in (200, 201), response.text
        answer: dict[str, Any] = response.json()
        return answer

    case = post(
        "/api/cases",
        {
            "customer_contact": "jan.kowalski@example.pl",
            "description": "Faktura za marzec jest o 200 zł wyższa niż kwota z umowy.",
            "category": "invoice_error",
        },
        agent,
    )
    post(
        f"/api/cases/{case['id']}/compensations",
        {"kind": "refund", "amount": "1500", "reason": "Podwójne obciążenie."},
        agent,
    )
    public = post(
        "/api/social/posts",
        {"platform": "x", "author_handle": "@a", "text": "Order 7731 lost, nobody answers."},
        supervisor,
    )
    due = (utcnow() + timedelta(days=1)).isoformat()
    promise = {"text": "Call back", "due_at": due}
    post(f"/api/social/posts/{public['id']}/promises", promise, supervisor)
    contact = post("/api/contacts", {"channel": "phone", "lang": "pl"}, agent)
    post(f"/api/contacts/{contact['id']}/end", None, agent)
