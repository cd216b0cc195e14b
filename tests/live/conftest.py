"""Fixtures for the live tests: bearer tokens for the cast and a short difficult dialogue."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from calmdesk.live.coaching import ConversationCache
from calmdesk.users import service as users_service
from calmdesk.users.models import User


@pytest.fixture
def tokens(session: Session, users: dict[str, User]) -> dict[str, str]:
    """A bearer token per cast member (as an integration would hold)."""
    issued = {
        name: users_service.issue_token(session, user=user, name=f"{name} integration")
        for name, user in users.items()
    }
    session.commit()
    return issued


@pytest.fixture
def cache() -> ConversationCache:
    return ConversationCache()
