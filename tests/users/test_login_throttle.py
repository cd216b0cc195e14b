"""Password guessing is slowed down per account, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from calmdesk.storage.types import utcnow
from calmdesk.users import service
from calmdesk.users.errors import TooManyAttempts
from calmdesk.users.models import User
from calmdesk.users.throttle import (
    FIRST_WAIT_SECONDS,
    FREE_ATTEMPTS,
    MAX_WAIT_SECONDS,
    retry_after,
    wait_seconds,
)
from tests.conftest import PASSWORDS


def test_the_wait_doubles_after_the_free_attempts_up_to_a_ceiling() -> None:
    assert [wait_seconds(n) for n in range(FREE_ATTEMPTS + 1)] == [0.0] * (FREE_ATTEMPTS + 1)
    assert wait_seconds(FREE_ATTEMPTS + 1) == FIRST_WAIT_SECONDS
    assert wait_seconds(FREE_ATTEMPTS + 2) == 2 * FIRST_WAIT_SECONDS
    assert wait_seconds(FREE_ATTEMPTS + 100) == MAX_WAIT_SECONDS


def test_the_wait_counts_from_the_last_failure() -> None:
    now = utcnow()
    failures = FREE_ATTEMPTS + 3  # must wait 4 * FIRST_WAIT_SECONDS
    assert retry_after(failures, now - timedelta(seconds=1), now) == 4 * FIRST_WAIT_SECONDS - 1
    assert retry_after(failures, now - timedelta(hours=1), now) == 0.0
    assert retry_after(failures, None, now) == 0.0


def _fail(session: Session, times: int) -> None:
    for _ in range(times):
        assert service.authenticate(session, username="agent", password="not-it-at-all") is None


def test_wrong_passwords_are_counted_and_a_success_resets_the_count(
    session: Session, users: dict[str, User]
) -> None:
    _fail(session, FREE_ATTEMPTS)
    session.commit()
    assert users["agent"].failed_logins == FREE_ATTEMPTS
    assert service.authenticate(session, username="agent", password=PASSWORDS["agent"])
    assert users["agent"].failed_logins == 0
    assert users["agent"].last_failed_login_at is None


def test_after_the_free_attempts_even_the_right_password_must_wait(
    session: Session, users: dict[str, User]
) -> None:
    _fail(session, FREE_ATTEMPTS + 1)
    with pytest.raises(TooManyAttempts) as caught:
        service.authenticate(session, username="agent", password=PASSWORDS["agent"])
    assert caught.value.http_status == 429
    assert 0 < caught.value.fields["retry_after_seconds"] <= FIRST_WAIT_SECONDS
    # Other accounts are not affected.
    assert service.authenticate(session, username="handler", password=PASSWORDS["handler"])


def test_once_the_wait_is_over_the_right_password_works_again(
    session: Session, users: dict[str, User]
) -> None:
    _fail(session, FREE_ATTEMPTS + 1)
    agent = users["agent"]
    agent.last_failed_login_at = utcnow() - timedelta(seconds=FIRST_WAIT_SECONDS + 1)
    session.flush()
    assert service.authenticate(session, username="agent", password=PASSWORDS["agent"]) is agent


def test_the_api_keeps_the_count_across_failed_requests_and_answers_429(
    client: TestClient, users: dict[str, User]
) -> None:
    wrong = {"username": "agent", "password": "not-it-at-all"}
    for _ in range(FREE_ATTEMPTS + 1):
        assert client.post("/api/auth/login", json=wrong).status_code == 401
    response = client.post(
        "/api/auth/login", json={"username": "agent", "password": PASSWORDS["agent"]}
    )
    assert response.status_code == 429
    body = response.json()
    assert body["code"] == "too_many_attempts"
    assert body["retry_after_seconds"] >= 1
