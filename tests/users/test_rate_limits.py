"""The CPU-heavy routes are rate-limited per API token and per user, over REST and over the
contact's socket, with a 429 naming the limit; with Redis the counts are shared by every
process using it. (Two real workers sharing Redis: ``test_workers.py``.)"""

from __future__ import annotations

import uuid

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from calmdesk.languages import Language
from calmdesk.settings import Settings
from calmdesk.users import service
from calmdesk.users.limits import InProcessLimiter, RedisLimiter
from calmdesk.users.models import User
from tests.live.helpers import bearer, start

LINE = {"speaker": "customer", "text": "Dzień dobry, faktura jest za wysoka."}


@pytest.fixture
def limited(app: FastAPI, settings: Settings) -> None:
    app.state.settings = settings.model_copy(
        update={"rate_limit_heavy_per_token": 2, "rate_limit_heavy_per_user": 3}
    )
    app.state.rate_limiter = InProcessLimiter()


@pytest.fixture
def two_tokens(session: Session, users: dict[str, User]) -> tuple[str, str]:
    first = service.issue_token(session, user=users["agent"], name="pbx")
    second = service.issue_token(session, user=users["agent"], name="chat")
    session.commit()
    return first, second


def _say(client: TestClient, token: str, contact_id: int) -> tuple[int, dict[str, object]]:
    response = client.post(
        f"/api/contacts/{contact_id}/utterances", json=LINE, headers=bearer(token)
    )
    body: dict[str, object] = response.json()
    if response.status_code == 429:
        assert response.headers["retry-after"] == str(body["retry_after_seconds"])
    return response.status_code, body


def test_lines_past_the_tokens_limit_are_429_naming_the_limit(
    client: TestClient, limited: None, two_tokens: tuple[str, str]
) -> None:
    token, _ = two_tokens
    contact_id = start(client, token)
    assert [_say(client, token, contact_id)[0] for _ in range(2)] == [200, 200]
    status, body = _say(client, token, contact_id)
    assert status == 429
    assert body["code"] == "rate_limited"
    assert body["limit"] == "2 per 60 s per API token"
    assert (body["limit_requests"], body["limit_scope"]) == (2, "token")
    assert 1 <= int(str(body["retry_after_seconds"])) <= 60
    assert body["message"] == (  # in the agent's language
        "Zbyt wiele żądań: limit to 2 na 60 s na token API; "
        f"spróbuj ponownie za {body['retry_after_seconds']} s."
    )
    replay = client.get(f"/api/contacts/{contact_id}", headers=bearer(token)).json()
    assert len(replay["events"]) == 2  # the refused line was not stored


def test_another_token_of_the_same_user_meets_the_users_limit(
    client: TestClient, limited: None, two_tokens: tuple[str, str]
) -> None:
    first, second = two_tokens
    contact_id = start(client, first)
    assert [_say(client, first, contact_id)[0] for _ in range(2)] == [200, 200]
    assert _say(client, second, contact_id)[0] == 200
    status, body = _say(client, second, contact_id)
    assert (status, body["limit_scope"], body["limit"]) == (429, "user", "3 per 60 s per user")


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("ru", "Слишком много запросов: ограничение 2 за 60 с на токен API; повторите через"),
        ("en", "Too many requests: the limit is 2 per 60 s per API token; try again in"),
    ],
)
def test_the_limit_is_said_in_the_users_language(
    client: TestClient,
    limited: None,
    two_tokens: tuple[str, str],
    session: Session,
    users: dict[str, User],
    language: str,
    said: str,
) -> None:
    users["agent"].language = Language(language)
    session.commit()
    token, _ = two_tokens
    contact_id = start(client, token)
    for _ in range(2):
        _say(client, token, contact_id)
    response = client.post(
        f"/api/contacts/{contact_id}/utterances",
        json=LINE,
        headers={**bearer(token), "accept-language": "pl"},  # the user's own choice wins
    )
    assert response.status_code == 429
    assert response.json()["message"].startswith(said)


def test_lines_on_the_socket_count_too_and_the_socket_stays_open(
    client: TestClient, limited: None, two_tokens: tuple[str, str]
) -> None:
    token, _ = two_tokens
    contact_id = start(client, token)
    with client.websocket_connect(f"/ws/contacts/{contact_id}?token={token}") as socket:
        assert socket.receive_json()["type"] == "snapshot"
        for ref in (1, 2):
            socket.send_json({"type": "utterance", **LINE, "ref": ref})
            assert socket.receive_json()["type"] == "guidance"
        socket.send_json({"type": "utterance", **LINE, "ref": 3})
        refused = socket.receive_json()
        assert (refused["type"], refused["code"], refused["ref"]) == ("error", "rate_limited", 3)
        assert refused["limit"] == "2 per 60 s per API token"
        socket.send_json({"type": "ping"})
        assert socket.receive_json() == {"type": "pong", "ref": None}
    assert _say(client, token, contact_id)[0] == 429  # REST shares the count


def test_other_routes_are_not_counted(
    client: TestClient, limited: None, two_tokens: tuple[str, str]
) -> None:
    token, _ = two_tokens
    contact_id = start(client, token)
    for _ in range(5):
        assert client.get(f"/api/contacts/{contact_id}", headers=bearer(token)).status_code == 200
    assert _say(client, token, contact_id)[0] == 200


@pytest.mark.redis
def test_redis_limiters_share_their_counts(redis_url: str) -> None:
    prefix = f"calmdesk-test-{uuid.uuid4().hex}"
    one, other = RedisLimiter(redis_url, prefix=prefix), RedisLimiter(redis_url, prefix=prefix)
    try:
        assert one.hit("token:x", window_seconds=60)[0] == 1
        assert other.hit("token:x", window_seconds=60)[0] == 2
        count, left = one.hit("token:x", window_seconds=60)
        assert count == 3 and 0 < left <= 60
        assert other.hit("token:y", window_seconds=60)[0] == 1
    finally:
        one.close()
        other.close()


def test_the_app_counts_in_redis_when_redis_is_configured(
    settings: Settings, redis_url: str
) -> None:
    from calmdesk.users.limits import limiter_from_settings

    assert isinstance(limiter_from_settings(settings), InProcessLimiter)
    shared = limiter_from_settings(settings.model_copy(update={"redis_url": redis_url}))
    assert isinstance(shared, RedisLimiter)
    shared.close()
