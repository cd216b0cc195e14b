"""The social REST API: drafts, permissions, bad input, and no way to delete a post."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import LoginHelper

POSTS = {
    "pl": ("@marta.k", "Trzeci tydzień czekam na zwrot 120 zł za zamówienie 48213. Skandal!"),
    "ru": ("@ivan_p", "Курьер не привёз заказ 5521, а поддержка молчит. Верните 700 рублей!"),
    "en": ("@pat_s", "Charged twice for order 7731, £40 gone, and nobody answers my emails."),
}
FACTS = {"pl": ("120", "48213"), "ru": ("700", "5521"), "en": ("40", "7731")}


def create(client: TestClient, lang: str = "pl", **extra: Any) -> dict[str, Any]:
    author, text = POSTS[lang]
    body = {"platform": "facebook", "author_handle": author, "text": text, "lang": lang, **extra}
    response = client.post("/api/social/posts", json=body)
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()
    return data


@pytest.mark.parametrize("lang", ["pl", "ru", "en"])
def test_the_draft_has_all_five_steps_in_the_posts_language_with_its_facts(
    client: TestClient, login: LoginHelper, lang: str
) -> None:
    login(client, "handler")
    post = create(client, lang)
    draft = client.get(f"/api/social/posts/{post['id']}/draft").json()
    assert draft["lang"] == lang
    assert [s["step"] for s in draft["steps"]] == [
        "apologise",
        "prepare",
        "counteract",
        "improve",
        "compensate",
    ]
    assert draft["text"].startswith(POSTS[lang][0])
    for fact in FACTS[lang]:
        assert fact in draft["text"]
    assert draft["gift"] is not None
    assert draft["gift"]["text"] in draft["text"]
    assert "{" not in draft["text"]


def test_the_same_variant_gives_the_same_draft_and_another_variant_can_differ(
    client: TestClient, login: LoginHelper
) -> None:
    login(client, "handler")
    post = create(client, "en")
    url = f"/api/social/posts/{post['id']}/draft"
    first = client.get(url).json()["text"]
    assert client.get(url).json()["text"] == first
    others = {client.get(url, params={"variant": v}).json()["text"] for v in range(1, 8)}
    assert others - {first}


def test_a_post_cannot_be_deleted(client: TestClient, login: LoginHelper) -> None:
    login(client, "supervisor")
    post = create(client)
    response = client.delete(f"/api/social/posts/{post['id']}")
    assert response.status_code == 405
    assert client.get(f"/api/social/posts/{post['id']}").status_code == 200


@pytest.mark.parametrize(
    ("username", "status"), [("agent", 403), ("admin", 403), ("handler", 201), ("supervisor", 201)]
)
def test_who_may_register_a_post(
    client: TestClient, login: LoginHelper, username: str, status: int
) -> None:
    login(client, username)
    author, text = POSTS["pl"]
    body = {"platform": "x", "author_handle": author, "text": text}
    response = client.post("/api/social/posts", json=body)
    assert response.status_code == status, response.text
    if status == 403:
        assert response.json()["code"] == "permission_denied"
        assert client.get("/api/social/posts").status_code == 403


def test_only_the_promiser_or_a_supervisor_may_keep_a_promise(
    client: TestClient, login: LoginHelper, users: dict[str, Any]
) -> None:
    login(client, "supervisor")
    post = create(client)
    due = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    made = client.post(
        f"/api/social/posts/{post['id']}/promises", json={"text": "Zwrot jutro.", "due_at": due}
    )
    assert made.status_code == 201, made.text
    promise_id = made.json()["id"]
    login(client, "handler")
    refused = client.post(f"/api/social/promises/{promise_id}/keep", json={})
    assert refused.status_code == 403
    own = client.post(
        f"/api/social/posts/{post['id']}/promises", json={"text": "Oddzwonię.", "due_at": due}
    ).json()
    assert client.post(f"/api/social/promises/{own['id']}/keep", json={}).status_code == 200
    login(client, "supervisor")
    kept = client.post(f"/api/social/promises/{promise_id}/keep", json={"note": "zrobione"})
    assert kept.status_code == 200
    assert kept.json()["done_at"] is not None


def test_escalation_over_the_api_links_a_social_case_the_handler_can_open(
    client: TestClient, login: LoginHelper
) -> None:
    login(client, "handler")
    post = create(client, "en")
    response = client.post(f"/api/social/posts/{post['id']}/escalate", json={})
    assert response.status_code == 201, response.text
    case_id = response.json()["case_id"]
    assert response.json()["post"]["case_id"] == case_id
    case = client.get(f"/api/cases/{case_id}").json()
    assert case["channel"] == "social"
    assert client.post(f"/api/social/posts/{post['id']}/escalate", json={}).status_code == 409


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"platform": "myspace", "author_handle": "@a", "text": "x"}, "platform"),
        ({"platform": "x", "author_handle": "", "text": "bad"}, "author_handle"),
        ({"platform": "x", "author_handle": "@a", "text": ""}, "text"),
        ({"platform": "x", "author_handle": "@a", "text": "   "}, "text"),
        (
            {"platform": "x", "author_handle": "   ", "text": "Where is order 5521?"},
            "author_handle",
        ),
        ({"platform": "x", "author_handle": "@a", "text": "t", "url": "javascript:1"}, "url"),
        ({"platform": "x", "author_handle": "@a", "text": "t", "lang": "de"}, "lang"),
        (
            {"platform": "x", "author_handle": "@a", "text": "t", "posted_at": "3000-01-01"},
            "posted_at",
        ),
    ],
)
def test_bad_input_is_a_422_naming_the_field(
    client: TestClient, login: LoginHelper, body: dict[str, Any], field: str
) -> None:
    login(client, "handler")
    response = client.post("/api/social/posts", json=body)
    assert response.status_code == 422, response.text
    assert field in response.json()["message"]


def test_a_promise_due_in_the_past_is_a_422_naming_due_at(
    client: TestClient, login: LoginHelper
) -> None:
    login(client, "handler")
    post = create(client)
    past = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    response = client.post(
        f"/api/social/posts/{post['id']}/promises", json={"text": "Zwrot.", "due_at": past}
    )
    assert response.status_code == 422
    assert response.json()["field"] == "due_at"


def test_unknown_posts_and_promises_are_404(client: TestClient, login: LoginHelper) -> None:
    login(client, "handler")
    assert client.get("/api/social/posts/999999").json()["code"] == "social_post_not_found"
    assert client.post("/api/social/promises/999999/keep", json={}).status_code == 404
    assert client.get("/api/social/posts/99999999999").status_code == 422


def test_reply_answers_and_the_list_shows_it(client: TestClient, login: LoginHelper) -> None:
    login(client, "handler")
    post = create(client, "ru")
    replied = client.post(
        f"/api/social/posts/{post['id']}/replies", json={"text": "Уже разбираемся."}
    )
    assert replied.json()["status"] == "answered"
    assert [e["kind"] for e in replied.json()["events"]] == ["registered", "replied"]
    listed = client.get("/api/social/posts", params={"status": "answered"}).json()
    assert [p["id"] for p in listed["items"]] == [post["id"]]
