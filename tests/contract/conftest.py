"""Fixtures of the API contract tests: a bearer token per role, and the API sample of
``calmdesk.api_sample`` (a case with a pending compensation, a public post with an open promise,
an ended live contact) so that generated ids find something."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from calmdesk.api_sample import ROLES, seed
from calmdesk.users.models import User
from calmdesk.users.service import issue_token


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
    seed(client, bearer)
