"""Password guessing is slowed down per user name and per client address, on SQLite and
PostgreSQL: every attempt is counted before the password is verified, so an attempt past the
free ones is refused without reaching argon2. (Parallel attempts against two real workers on
PostgreSQL: ``test_workers.py``.)"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import ExitStack

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from calmdesk.settings import Settings
from calmdesk.users import passwords, throttle
from calmdesk.users.models import LoginAttempts, User
from calmdesk.users.throttle import Policy
from tests.conftest import PASSWORDS

POLICY = Policy(
    free_attempts=5, first_wait_seconds=2.0, max_wait_seconds=900.0, forget_after_seconds=3600.0
)
WRONG = "not-it-at-all"


def test_the_wait_doubles_after_the_free_attempts_up_to_a_ceiling() -> None:
    assert [POLICY.wait_after(n) for n in range(5)] == [0.0] * 5
    assert [POLICY.wait_after(n) for n in (5, 6, 7)] == [2.0, 4.0, 8.0]
    assert POLICY.wait_after(500) == 900.0


def test_a_claim_counts_until_the_free_attempts_are_used_then_refuses_without_counting(
    session: Session,
) -> None:
    at = 1_000_000.0
    granted = [throttle.claim(session, key="name:k", policy=POLICY, at=at) for _ in range(5)]
    assert granted == [0.0] * 5
    assert throttle.claim(session, key="name:k", policy=POLICY, at=at + 1) == pytest.approx(1.0)
    assert throttle.claim(session, key="name:k", policy=POLICY, at=at + 1.5) == pytest.approx(0.5)
    assert _attempts(session, "name:k") == 5  # the refused ones were not counted
    assert throttle.claim(session, key="name:k", policy=POLICY, at=at + 2) == 0.0
    assert throttle.claim(session, key="name:k", policy=POLICY, at=at + 3) == pytest.approx(3.0)
    # Quiet for longer than the forget period: counting starts again.
    assert throttle.claim(session, key="name:k", policy=POLICY, at=at + 2 + 3601) == 0.0
    assert _attempts(session, "name:k") == 1


def _attempts(session: Session, key: str) -> int | None:
    return session.scalar(select(LoginAttempts.attempts).where(LoginAttempts.key == key))


@pytest.fixture
def verifications(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The passwords argon2 was asked to check (the real check runs)."""
    checked: list[str] = []
    real_verify = passwords.verify_password
    real_burn = passwords.burn_verification_time

    def verify(password: str, password_hash: str) -> bool:
        checked.append(password)
        return real_verify(password, password_hash)

    def burn(password: str) -> None:
        checked.append(password)
        real_burn(password)

    monkeypatch.setattr("calmdesk.users.service.verify_password", verify)
    monkeypatch.setattr("calmdesk.users.service.burn_verification_time", burn)
    yield checked


def _login(client: TestClient, username: str, password: str) -> tuple[int, str]:
    response = client.post("/api/auth/login", json={"username": username, "password": password})
    return response.status_code, response.json()["code"] if response.status_code != 200 else ""


def test_the_sixth_attempt_is_refused_without_verifying_even_the_right_password(
    client: TestClient, users: dict[str, User], verifications: list[str]
) -> None:
    for _ in range(5):
        assert _login(client, "agent", WRONG) == (401, "invalid_credentials")
    response = client.post(
        "/api/auth/login", json={"username": "agent", "password": PASSWORDS["agent"]}
    )
    assert response.status_code == 429
    body = response.json()
    assert body["code"] == "too_many_attempts"
    assert body["retry_after_seconds"] == 2
    assert response.headers["retry-after"] == "2"
    assert verifications == [WRONG] * 5
    # Other names are not affected.
    assert _login(client, "handler", PASSWORDS["handler"]) == (200, "")


def test_a_success_clears_the_names_count(
    client: TestClient, users: dict[str, User], session: Session
) -> None:
    for _ in range(4):
        assert _login(client, "agent", WRONG)[0] == 401
    assert _login(client, "agent", PASSWORDS["agent"]) == (200, "")
    assert _attempts(session, throttle.name_key("agent")) is None
    for _ in range(5):
        assert _login(client, "agent", WRONG)[0] == 401
    assert _login(client, "agent", WRONG) == (429, "too_many_attempts")


def test_once_the_wait_is_over_the_right_password_works_again(
    client: TestClient, users: dict[str, User], session: Session
) -> None:
    for _ in range(5):
        _login(client, "agent", WRONG)
    assert _login(client, "agent", PASSWORDS["agent"])[0] == 429
    row = session.get(LoginAttempts, throttle.name_key("agent"))
    assert row is not None
    row.allowed_from -= 2.0  # as if the two seconds had passed
    session.commit()
    assert _login(client, "agent", PASSWORDS["agent"]) == (200, "")


def test_unknown_names_are_counted_and_refused_like_known_ones(
    client: TestClient, users: dict[str, User], verifications: list[str]
) -> None:
    for _ in range(5):
        assert _login(client, "ghost", WRONG) == (401, "invalid_credentials")
    assert _login(client, "Ghost ", WRONG) == (429, "too_many_attempts")
    assert len(verifications) == 5


@pytest.fixture
def strict_address(app: FastAPI, settings: Settings) -> None:
    app.state.settings = settings.model_copy(update={"login_address_free_attempts": 3})


def test_one_address_trying_many_names_is_refused_after_its_free_attempts(
    app: FastAPI, strict_address: None, users: dict[str, User], verifications: list[str]
) -> None:
    with TestClient(app, client=("203.0.113.7", 4000)) as sprayer:
        for name in ("ghost1", "ghost2", "agent"):
            assert _login(sprayer, name, WRONG) == (401, "invalid_credentials")
        assert _login(sprayer, "ghost4", WRONG) == (429, "too_many_attempts")
        assert _login(sprayer, "handler", PASSWORDS["handler"]) == (429, "too_many_attempts")
    with TestClient(app, client=("198.51.100.9", 4000)) as colleague:
        assert _login(colleague, "handler", PASSWORDS["handler"]) == (200, "")
    assert len(verifications) == 4


def test_a_right_password_gives_the_address_its_attempt_back(
    app: FastAPI, strict_address: None, users: dict[str, User]
) -> None:
    with TestClient(app, client=("203.0.113.8", 4000)) as office:
        for name in ("agent", "handler", "supervisor", "admin", "agent"):
            assert _login(office, name, PASSWORDS[name]) == (200, "")
        assert _login(office, "ghost", WRONG)[0] == 401


@pytest.fixture
def one_hashing_slot() -> Iterator[Callable[[], None]]:
    """A single argon2 slot that gives up at once; calling the result takes the slot."""
    passwords.configure_hashing(concurrency=1, wait_seconds=0)
    with ExitStack() as held:

        def take() -> None:
            held.enter_context(passwords.hashing_slot())

        yield take
    passwords.configure_hashing(concurrency=4, wait_seconds=5.0)


def test_when_every_hashing_slot_is_taken_login_is_503_and_the_attempt_is_given_back(
    client: TestClient,
    users: dict[str, User],
    session: Session,
    one_hashing_slot: Callable[[], None],
) -> None:
    one_hashing_slot()
    response = client.post("/api/auth/login", json={"username": "ghost", "password": WRONG})
    assert response.status_code == 503
    assert response.json()["code"] == "server_busy"
    assert response.headers["retry-after"] == "1"
    assert _attempts(session, throttle.name_key("ghost")) == 0


def test_the_sign_in_page_says_when_to_try_again_in_the_pages_language(
    client: TestClient, users: dict[str, User]
) -> None:
    for _ in range(5):
        assert _login(client, "agent", WRONG)[0] == 401
    page = client.get("/login", headers={"accept-language": "pl"})
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token
    response = client.post(
        "/login",
        data={"username": "agent", "password": PASSWORDS["agent"], "csrf_token": token.group(1)},
        headers={"accept-language": "pl"},
    )
    assert response.status_code == 429
    assert response.headers["retry-after"] == "2"
    assert "Zbyt wiele prób logowania; spróbuj ponownie za 2 s." in response.text
    assert 'name="username"' in response.text  # the form again, not an error page
