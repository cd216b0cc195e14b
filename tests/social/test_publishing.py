"""Replies published back through the Facebook connector, the platform's answer (id, url)
recorded; a failed publication shown and retried.

The Graph API cannot be reached from here: a local HTTP server (``http.server`` on 127.0.0.1)
stands in for it, answering ``POST /{object-id}/comments`` as the Graph API documents
(``{"id": "<comment id>"}``, or an ``{"error": {"message": ...}}`` with a 5xx/4xx status)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from calmdesk.settings import Settings
from calmdesk.social.worker import retry_publications
from tests.conftest import LoginHelper, TokenGetter
from tests.social.test_connectors import APP_SECRET, deliver_facebook, fixture


class FakeGraph:
    def __init__(self) -> None:
        self.failures_left = 0
        self.requests: list[tuple[str, dict[str, list[str]]]] = []


@pytest.fixture
def graph() -> Iterator[tuple[FakeGraph, str]]:
    fake = FakeGraph()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("content-length", "0"))
            form = parse_qs(self.rfile.read(length).decode())
            fake.requests.append((self.path, form))
            body: dict[str, Any]
            if fake.failures_left > 0:
                fake.failures_left -= 1
                status, body = 503, {"error": {"message": "Service temporarily unavailable"}}
            else:
                status, body = 200, {"id": f"9981_{77000 + len(fake.requests)}"}
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *_: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake, f"http://127.0.0.1:{server.server_address[1]}/v19.0"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def facebook_post(
    client: TestClient, login: LoginHelper, settings: Settings, graph: tuple[FakeGraph, str]
) -> dict[str, Any]:
    settings.facebook_app_secret = APP_SECRET
    settings.facebook_page_token = "page-token-for-tests"
    settings.facebook_graph_url = graph[1]
    assert deliver_facebook(client, fixture("facebook_comment_add")).json()["created"] == 1
    login(client, "handler")
    [post] = client.get("/api/social/posts").json()["items"]
    assert isinstance(post, dict)
    return post


OWN_WORDS = (
    "Pani Marto, sprawdziłam zamówienie 48213: zwrot 120 zł wysłaliśmy dziś rano, "
    "powinien być na koncie do piątku."
)


def test_a_reply_goes_back_to_facebook_and_its_id_and_url_are_recorded(
    client: TestClient, facebook_post: dict[str, Any], graph: tuple[FakeGraph, str]
) -> None:
    fake, _ = graph
    answer = client.post(
        f"/api/social/posts/{facebook_post['id']}/replies", json={"text": OWN_WORDS}
    )
    assert answer.status_code == 200, answer.text
    [(path, form)] = fake.requests
    assert path == "/v19.0/9981_55501/comments"
    assert form["message"] == [OWN_WORDS + "\n— Helen Handler"]
    assert form["access_token"] == ["page-token-for-tests"]
    [publication] = answer.json()["publications"]
    assert publication["state"] == "published"
    assert publication["platform_id"] == "9981_77001"
    assert publication["url"] == "https://www.facebook.com/9981_77001"
    again = client.post(
        f"/api/social/posts/{facebook_post['id']}/replies/{publication['reply_event_id']}/publish",
        json={},
    )
    assert again.status_code == 409 and again.json()["code"] == "already_published"


def test_a_failed_publication_is_shown_and_retried(
    client: TestClient,
    facebook_post: dict[str, Any],
    graph: tuple[FakeGraph, str],
    csrf_token: TokenGetter,
) -> None:
    fake, _ = graph
    fake.failures_left = 1
    post_id = facebook_post["id"]
    answer = client.post(f"/api/social/posts/{post_id}/replies", json={"text": OWN_WORDS})
    assert answer.status_code == 200  # the reply is recorded; its publication failed
    [failed] = answer.json()["publications"]
    assert failed["state"] == "failed" and failed["attempts"] == 1
    assert "Service temporarily unavailable" in failed["error"]
    page = client.get(f"/social/{post_id}")
    assert 'data-testid="reply-publish-failed"' in page.text
    token = csrf_token(client, f"/social/{post_id}")
    retried = client.post(
        f"/social/{post_id}/replies/{failed['reply_event_id']}/publish",
        data={"csrf_token": token},
        follow_redirects=False,
    )
    assert retried.status_code == 303
    [done] = client.get(f"/api/social/posts/{post_id}").json()["publications"]
    assert done["state"] == "published" and done["attempts"] == 2
    assert len(fake.requests) == 2
    assert 'data-testid="reply-published"' in client.get(f"/social/{post_id}").text


def test_a_typed_in_post_is_not_publishable(client: TestClient, login: LoginHelper) -> None:
    login(client, "handler")
    body = {"platform": "x", "author_handle": "@ivan_p", "text": "Где мой заказ 5521?"}
    post = client.post("/api/social/posts", json=body).json()
    answer = client.post(
        f"/api/social/posts/{post['id']}/replies", json={"text": "Иван, уже ищем."}
    )
    assert answer.json()["publications"] == []
    event_id = next(e for e in answer.json()["events"] if e["kind"] == "replied")["id"]
    refused = client.post(f"/api/social/posts/{post['id']}/replies/{event_id}/publish", json={})
    assert refused.status_code == 409 and refused.json()["code"] == "not_publishable"
    missing = client.post(f"/api/social/posts/{post['id']}/replies/999999/publish", json={})
    assert missing.status_code == 404


def test_the_worker_retries_a_failed_publication_after_its_back_off(
    client: TestClient,
    facebook_post: dict[str, Any],
    graph: tuple[FakeGraph, str],
    settings: Settings,
    session_factory: sessionmaker[Session],
) -> None:
    fake, _ = graph
    fake.failures_left = 1
    post_id = facebook_post["id"]
    client.post(f"/api/social/posts/{post_id}/replies", json={"text": OWN_WORDS})
    [failed] = client.get(f"/api/social/posts/{post_id}").json()["publications"]
    assert failed["state"] == "failed"
    assert retry_publications(session_factory, settings) == 0  # within the first minute
    later = datetime.now(UTC) + timedelta(minutes=2)
    assert retry_publications(session_factory, settings, now=later) == 1
    [done] = client.get(f"/api/social/posts/{post_id}").json()["publications"]
    assert done["state"] == "published" and done["attempts"] == 2
    assert retry_publications(session_factory, settings, now=later) == 0
