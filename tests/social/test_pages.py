"""The /social pages render hostile post text inertly and only for those who answer posts."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.conftest import LoginHelper

HOSTILE = '<script>alert("x")</script> Oddajcie 120 zł za zamówienie 48213! <img src=x onerror=1>'


def test_the_pages_render_a_post_containing_script_inertly(
    client: TestClient, login: LoginHelper
) -> None:
    login(client, "handler")
    body = {"platform": "facebook", "author_handle": "<b>@troll</b>", "text": HOSTILE, "lang": "pl"}
    post = client.post("/api/social/posts", json=body).json()
    for path in ("/social", f"/social/{post['id']}"):
        page = client.get(path)
        assert page.status_code == 200
        assert "<script>alert" not in page.text
        assert "<img src=x" not in page.text
        assert "<b>@troll</b>" not in page.text
        assert "&lt;script&gt;alert" in page.text
        assert "script-src 'self'" in page.headers["content-security-policy"]


def test_the_post_page_shows_the_draft_in_the_posts_language(
    client: TestClient, login: LoginHelper
) -> None:
    login(client, "supervisor")
    body = {
        "platform": "x",
        "author_handle": "@ivan_p",
        "text": "Курьер не привёз заказ 5521, верните 700 рублей.",
        "lang": "ru",
    }
    post = client.post("/api/social/posts", json=body).json()
    page = client.get(f"/social/{post['id']}")
    assert page.status_code == 200
    assert 'data-step="compensate"' in page.text
    assert "5521" in page.text
    assert "@ivan_p" in page.text


def test_an_agent_may_not_open_the_social_pages(client: TestClient, login: LoginHelper) -> None:
    login(client, "agent")
    page = client.get("/social")
    assert page.status_code == 403
    assert "text/html" in page.headers["content-type"]
    assert 'href="/social"' not in client.get("/cases").text


def test_the_reply_form_records_a_reply_and_an_unknown_post_is_a_404_page(
    client: TestClient, login: LoginHelper
) -> None:
    import re

    from calmdesk.web.csrf import CSRF_FIELD

    login(client, "handler")
    body = {"platform": "facebook", "author_handle": "@ola", "text": "Gdzie zwrot 89 zł?"}
    post = client.post("/api/social/posts", json=body).json()
    page = client.get(f"/social/{post['id']}").text
    token = re.search(rf'name="{CSRF_FIELD}" value="([^"]+)"', page)
    assert token
    form = {CSRF_FIELD: token.group(1), "text": "Sprawdzamy, odezwiemy się dziś."}
    sent = client.post(f"/social/{post['id']}/reply", data=form, follow_redirects=False)
    assert sent.status_code == 303
    assert client.get(f"/api/social/posts/{post['id']}").json()["status"] == "answered"
    for missing in ("/social/999999", "/social/99999999999"):
        page_404 = client.get(missing)
        assert page_404.status_code == 404
        assert "text/html" in page_404.headers["content-type"]


def test_the_page_forms_record_a_promise_keep_it_and_open_a_case(
    client: TestClient, login: LoginHelper
) -> None:
    import re

    from calmdesk.web.csrf import CSRF_FIELD

    login(client, "handler")
    body = {"platform": "x", "author_handle": "@ivan_p", "text": "Где заказ 5521?", "lang": "ru"}
    post = client.post("/api/social/posts", json=body).json()
    page = client.get(f"/social/{post['id']}").text
    token = re.search(rf'name="{CSRF_FIELD}" value="([^"]+)"', page)
    assert token
    csrf = {CSRF_FIELD: token.group(1)}
    bad = client.post(
        f"/social/{post['id']}/promise",
        data={**csrf, "text": "Позвонить", "due": "2000-01-01T10:00"},
        follow_redirects=False,
    )
    assert bad.headers["location"].endswith("?error=promise")
    made = client.post(
        f"/social/{post['id']}/promise",
        data={**csrf, "text": "Позвонить клиенту", "due": "2199-01-01T10:00"},
        follow_redirects=False,
    )
    assert made.status_code == 303
    detail = client.get(f"/api/social/posts/{post['id']}").json()
    [promise] = detail["promises"]
    assert promise["text"] == "Позвонить клиенту"
    kept = client.post(f"/social/promises/{promise['id']}/keep", data=csrf, follow_redirects=False)
    assert kept.status_code == 303
    assert client.get(f"/api/social/posts/{post['id']}").json()["promises"][0]["done_at"]
    opened = client.post(f"/social/{post['id']}/escalate", data=csrf, follow_redirects=False)
    assert opened.status_code == 303
    assert opened.headers["location"].startswith("/cases/")


def test_a_platform_is_named_in_the_readers_language_not_by_its_key(
    client: TestClient, login: LoginHelper
) -> None:
    login(client, "supervisor")  # reads Russian
    body = {
        "platform": "google_reviews",
        "author_handle": "Chris B.",
        "text": "Waited 40 minutes at the counter and the staff were rude.",
        "lang": "en",
    }
    post = client.post("/api/social/posts", json=body).json()
    for path in ("/social", f"/social/{post['id']}"):
        page = client.get(path).text
        assert "Отзывы Google" in page
        assert "google_reviews)" not in page and ">google_reviews<" not in page
