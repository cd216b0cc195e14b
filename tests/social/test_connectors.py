"""The platform connectors behind one adapter interface: the generic JSON webhook and Facebook
Page webhooks, signature valid and invalid, retries, edits (the earlier text kept in the
history) and deletions on the platform (recorded, not applied).

Facebook cannot be reached from here: the tests replay recorded payloads, trimmed, in
``tests/social/fixtures/facebook_*.json``, shaped after the Graph API's Page ``feed`` webhook
reference (``object: page``, ``entry[].changes[]`` with ``field: feed`` and a ``value`` of
``item`` ``comment`` / ``status``, ``verb`` ``add`` / ``edited`` / ``remove``) and public code
that replays the same shapes (bottender's FacebookEvent tests). The ids and texts are ours."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from calmdesk.settings import Settings
from calmdesk.social.connectors import Connector
from calmdesk.social.connectors.facebook import FacebookConnector
from calmdesk.social.connectors.generic import GenericConnector
from calmdesk.social.connectors.signing import sign
from tests.conftest import LoginHelper

FIXTURES = Path(__file__).parent / "fixtures"
APP_SECRET = "fb-app-secret-for-tests"
SHARED = "generic-shared-secret-for-tests"


def fixture(name: str) -> bytes:
    return (FIXTURES / f"{name}.json").read_bytes()


@pytest.fixture
def configured(settings: Settings) -> Settings:
    settings.facebook_app_secret = APP_SECRET
    settings.facebook_verify_token = "verify-me"
    settings.social_webhook_secret = SHARED
    return settings


def deliver_facebook(client: TestClient, body: bytes, secret: str = APP_SECRET) -> Any:
    headers = {"X-Hub-Signature-256": sign(secret, body), "Content-Type": "application/json"}
    return client.post("/api/social/webhooks/facebook", content=body, headers=headers)


def deliver_generic(client: TestClient, payload: Any, secret: str = SHARED) -> Any:
    body = json.dumps(payload).encode()
    headers = {"X-CalmDesk-Signature": sign(secret, body), "Content-Type": "application/json"}
    return client.post("/api/social/webhooks/generic", content=body, headers=headers)


def posts(client: TestClient, login: LoginHelper) -> list[dict[str, Any]]:
    login(client, "supervisor")
    items: list[dict[str, Any]] = client.get("/api/social/posts").json()["items"]
    client.cookies.clear()
    return items


def test_both_connectors_follow_the_one_interface() -> None:
    connectors: list[Connector] = [GenericConnector("s"), FacebookConnector(app_secret="s")]
    for connector in connectors:
        assert callable(connector.verify) and callable(connector.parse)
        assert callable(connector.publish)


def test_the_facebook_subscription_check_echoes_the_challenge_only_for_our_token(
    client: TestClient, configured: Settings
) -> None:
    url = "/api/social/webhooks/facebook"
    query = {
        "hub.mode": "subscribe",
        "hub.verify_token": "verify-me",
        "hub.challenge": "1158201444",
    }
    answer = client.get(url, params=query)
    assert answer.status_code == 200 and answer.text == "1158201444"
    wrong = client.get(url, params={**query, "hub.verify_token": "guess"})
    assert wrong.status_code == 401
    assert wrong.json()["code"] == "webhook_signature_invalid"
    assert client.get(url, params={**query, "hub.mode": "unsubscribe"}).status_code == 422


def test_a_facebook_comment_arrives_a_retry_changes_nothing_an_edit_keeps_the_earlier_text(
    client: TestClient, login: LoginHelper, configured: Settings
) -> None:
    first = deliver_facebook(client, fixture("facebook_comment_add"))
    assert first.status_code == 200, first.text
    assert first.json()["created"] == 1
    retry = deliver_facebook(client, fixture("facebook_comment_add"))
    assert retry.json() == {"created": 0, "unchanged": 1, "edited": 0, "deleted": 0, "unknown": 0}
    edited = deliver_facebook(client, fixture("facebook_comment_edited"))
    assert edited.json()["edited"] == 1
    [post] = posts(client, login)
    assert post["platform"] == "facebook" and post["author_handle"] == "Marta Kowalczyk"
    assert post["text"].endswith("Napiszcie wreszcie!")
    assert post["lang"] == "pl"
    assert post["url"] == "https://www.facebook.com/9981_55501"
    login(client, "supervisor")
    detail = client.get(f"/api/social/posts/{post['id']}").json()
    [edit] = [e for e in detail["events"] if e["kind"] == "edited_on_platform"]
    assert edit["data"]["previous_text"].endswith("Skandal!")


def test_a_deletion_on_facebook_is_recorded_and_not_applied(
    client: TestClient, login: LoginHelper, configured: Settings
) -> None:
    deliver_facebook(client, fixture("facebook_comment_add"))
    removed = deliver_facebook(client, fixture("facebook_comment_remove"))
    assert removed.json()["deleted"] == 1
    [post] = posts(client, login)
    assert post["text"].endswith("Skandal!")
    login(client, "supervisor")
    detail = client.get(f"/api/social/posts/{post['id']}").json()
    assert detail["deleted_on_platform_at"] is not None
    assert [e["kind"] for e in detail["events"]][-1] == "deleted_on_platform"


def test_a_visitor_post_is_taken_in_and_a_reaction_skipped(
    client: TestClient, login: LoginHelper, configured: Settings
) -> None:
    answer = deliver_facebook(client, fixture("facebook_visitor_post_and_reaction"))
    assert answer.json()["created"] == 1
    [post] = posts(client, login)
    assert post["lang"] == "ru" and post["author_handle"] == "Иван Петров"


@pytest.mark.parametrize(
    ("headers", "problem"),
    [
        ({}, "no X-Hub-Signature-256"),
        ({"X-Hub-Signature-256": "md5=abc"}, "sha256="),
        ({"X-Hub-Signature-256": sign("another-secret", fixture("facebook_comment_add"))}, "match"),
    ],
)
def test_a_facebook_delivery_without_a_valid_signature_is_refused(
    client: TestClient,
    login: LoginHelper,
    configured: Settings,
    headers: dict[str, str],
    problem: str,
) -> None:
    body = fixture("facebook_comment_add")
    answer = client.post("/api/social/webhooks/facebook", content=body, headers=headers)
    assert answer.status_code == 401
    assert answer.json()["code"] == "webhook_signature_invalid"
    assert problem in answer.json()["message"]
    assert posts(client, login) == []


def test_the_signature_covers_the_raw_body(client: TestClient, configured: Settings) -> None:
    body = fixture("facebook_comment_add")
    tampered = body.replace(b"120", b"999")
    headers = {"X-Hub-Signature-256": sign(APP_SECRET, body)}
    answer = client.post("/api/social/webhooks/facebook", content=tampered, headers=headers)
    assert answer.status_code == 401


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (b"not json", "not JSON"),
        (b'{"object": "user", "entry": []}', 'object must be "page"'),
        (b'{"object": "page", "entry": {}}', "entry must be a list"),
        (
            b'{"object": "page", "entry": [{"changes": [{"field": "feed", "value": '
            b'{"item": "comment", "verb": "add", "message": "x", "from": {"id": "1"}}}]}]}',
            "comment_id",
        ),
    ],
)
def test_a_bad_facebook_body_names_the_problem(
    client: TestClient, configured: Settings, body: bytes, problem: str
) -> None:
    answer = deliver_facebook(client, body)
    assert answer.status_code == 422
    assert answer.json()["code"] == "webhook_payload_invalid"
    assert problem in answer.json()["problem"]


def test_an_unconfigured_connector_answers_503(client: TestClient) -> None:
    body = fixture("facebook_comment_add")
    assert deliver_facebook(client, body).status_code == 503
    assert deliver_generic(client, {"changes": []}).status_code == 503


def test_the_generic_webhook_takes_posts_of_any_platform_with_retries_edits_and_deletions(
    client: TestClient, login: LoginHelper, configured: Settings
) -> None:
    change = {
        "id": "vk-wall-1_345",
        "platform": "other",
        "author": "Ирина",
        "text": "Второй раз привозят не тот размер, заказ 7731.",
        "url": "https://vk.com/wall-1_345",
        "lang": "ru",
    }
    assert deliver_generic(client, {"changes": [change]}).json()["created"] == 1
    assert deliver_generic(client, {"changes": [change]}).json()["unchanged"] == 1
    edit = {**change, "text": "Второй раз привозят не тот размер, заказ 7731. Верните деньги."}
    assert deliver_generic(client, {"changes": [edit]}).json()["edited"] == 1
    gone = {"id": "vk-wall-1_345", "platform": "other", "kind": "deleted"}
    assert deliver_generic(client, {"changes": [gone]}).json()["deleted"] == 1
    never = {"id": "nothing-here", "kind": "deleted"}
    assert deliver_generic(client, {"changes": [never]}).json()["unknown"] == 1
    [post] = posts(client, login)
    assert post["text"].endswith("Верните деньги.")
    assert post["deleted_on_platform_at"] is not None


@pytest.mark.parametrize(
    ("payload", "problem"),
    [
        ({}, "changes"),
        ({"changes": []}, "changes"),
        ({"changes": [{"id": "1", "platform": "myspace", "author": "a", "text": "b"}]}, "platform"),
        ({"changes": [{"id": "1", "author": "a"}]}, "needs author and text"),
        ({"changes": [{"id": "1", "author": "a", "text": "b", "extra": 1}]}, "extra"),
        ({"changes": [{"id": "1", "author": "a", "text": "b", "url": "javascript:x"}]}, "url"),
    ],
)
def test_a_bad_generic_body_names_the_problem(
    client: TestClient, configured: Settings, payload: Any, problem: str
) -> None:
    answer = deliver_generic(client, payload)
    assert answer.status_code == 422, answer.text
    assert problem in answer.json()["problem"]


def test_a_generic_delivery_signed_with_another_secret_is_refused(
    client: TestClient, configured: Settings
) -> None:
    change = {"id": "1", "author": "a", "text": "Where is my parcel?"}
    answer = deliver_generic(client, {"changes": [change]}, secret="not-the-shared-one")
    assert answer.status_code == 401


def test_erasing_the_author_also_erases_the_text_before_an_edit(
    client: TestClient, login: LoginHelper, configured: Settings
) -> None:
    deliver_facebook(client, fixture("facebook_comment_add"))
    deliver_facebook(client, fixture("facebook_comment_edited"))
    login(client, "admin")
    body = {"platform": "facebook", "author_handle": "Marta Kowalczyk"}
    erased = client.post("/api/social/authors/erase", json=body)
    assert erased.status_code == 200, erased.text
    [post_id] = erased.json()["erased_posts"]
    client.cookies.clear()
    login(client, "supervisor")
    detail = client.get(f"/api/social/posts/{post_id}").json()
    assert "Skandal" not in json.dumps(detail) and "wreszcie" not in json.dumps(detail)
