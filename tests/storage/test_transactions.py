"""Each test runs in its own rolled-back transaction, on SQLite and on PostgreSQL."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from calmdesk.storage.types import utcnow
from calmdesk.users import service
from calmdesk.users.models import Role, User
from calmdesk.users.schemas import UserCreate
from tests.conftest import LoginHelper

GHOST = "ghost.of.a.previous.test"


def _assert_absent_then_create(session: Session) -> None:
    assert service.get_by_username(session, username=GHOST) is None
    service.create(session, user_in=UserCreate(username=GHOST, password="ghost-password"))
    session.commit()
    assert service.get_by_username(session, username=GHOST) is not None


# Two identical tests: whichever runs second fails if the first one's committed row leaked.
def test_a_row_committed_in_one_test_is_gone_in_the_next(session: Session) -> None:
    _assert_absent_then_create(session)


def test_the_next_test_starts_from_an_empty_table_again(session: Session) -> None:
    _assert_absent_then_create(session)


def test_rows_committed_through_the_api_are_rolled_back_too(
    client: TestClient, login: LoginHelper, session: Session
) -> None:
    assert service.get_by_username(session, username=GHOST) is None
    login(client, "admin")
    response = client.post("/api/users", json={"username": GHOST, "password": "ghost-password"})
    assert response.status_code == 201, response.text
    assert service.get_by_username(session, username=GHOST) is not None


def test_the_api_row_of_the_previous_test_is_gone(session: Session) -> None:
    assert service.get_by_username(session, username=GHOST) is None


def test_a_refused_request_leaves_the_data_as_it_was(
    client: TestClient, login: LoginHelper, session: Session
) -> None:
    login(client, "admin")
    # Demoting the only admin is refused; the admin keeps the role.
    admin = service.get_by_username(session, username="admin")
    assert admin is not None
    response = client.patch(f"/api/users/{admin.id}", json={"role": "agent"})
    assert response.status_code == 409
    assert response.json()["code"] == "last_admin"
    session.expire_all()
    assert service.get_by_username_or_raise(session, username="admin").role == Role.ADMIN


def test_a_savepoint_rolled_back_inside_a_test_keeps_earlier_rows(session: Session) -> None:
    service.create(session, user_in=UserCreate(username="keeper", password="keeper-password"))
    session.commit()
    duplicate = insert(User).values(
        username="keeper",
        display_name="x",
        role="agent",
        password_hash="x",
        language="pl",
        is_active=True,
        created_at=utcnow(),
    )
    with pytest.raises(IntegrityError), session.begin_nested():
        session.execute(duplicate)
    assert service.get_by_username(session, username="keeper") is not None
