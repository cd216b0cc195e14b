"""Writes riding on the session cookie must come from CalmDesk's own pages: an ``Origin`` of the
server (or an allowed one) and, for a POST, a JSON body type; bearer-token calls are not
affected. The HTML forms' CSRF token is bound to the session. The refusals keep the error shape
and speak the asker's language."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from calmdesk.settings import Settings
from calmdesk.users import service
from calmdesk.users.models import User
from tests.conftest import PASSWORDS, LoginHelper, TokenGetter
from tests.live.helpers import bearer, start

EVIL = {"origin": "http://evil.example", "content-type": "text/plain"}


@pytest.fixture
def agent_token(session: Session, users: dict[str, User]) -> str:
    token = service.issue_token(session, user=users["agent"], name="pbx")
    session.commit()
    return token


def _contact_status(client: TestClient, token: str, contact_id: int) -> str:
    status: str = client.get(f"/api/contacts/{contact_id}", headers=bearer(token)).json()["status"]
    return status


def test_ending_a_contact_from_another_site_with_the_cookie_is_refused(
    client: TestClient, login: LoginHelper, agent_token: str
) -> None:
    contact_id = start(client, agent_token)
    login(client, "agent")
    response = client.post(f"/api/contacts/{contact_id}/end", content="{}", headers=EVIL)
    assert response.status_code == 403
    assert response.json() == {
        "code": "origin_rejected",
        # In the agent's language (Polish).
        "message": "To żądanie przyszło z innej witryny (http://evil.example); CalmDesk "
        "przyjmuje zmiany wysłane z ciasteczkiem sesji tylko ze swoich stron.",
        "origin": "http://evil.example",
    }
    assert _contact_status(client, agent_token, contact_id) == "live"


def test_erasing_a_user_with_the_cookie_needs_a_json_body_type(
    client: TestClient, login: LoginHelper, users: dict[str, User]
) -> None:
    login(client, "admin")
    handler_id = users["handler"].id
    for content_type in ("text/plain", "application/x-www-form-urlencoded", None):
        headers = {"content-type": content_type} if content_type else {}
        response = client.post(f"/api/users/{handler_id}/erase", content="", headers=headers)
        assert (response.status_code, response.json()["code"]) == (415, "json_required")
    assert client.get(f"/api/users/{handler_id}").json()["username"] == "handler"
    erased = client.post(f"/api/users/{handler_id}/erase", json={})
    assert erased.status_code == 200, erased.text


@pytest.mark.parametrize(
    "headers",
    [
        {"origin": "http://testserver"},
        {"origin": "https://desk.example.com"},  # in allowed_origins below
        {},  # no Origin: not a browser
    ],
)
def test_our_own_pages_and_allowed_origins_may_write_with_the_cookie(
    app: FastAPI,
    settings: Settings,
    client: TestClient,
    login: LoginHelper,
    agent_token: str,
    headers: dict[str, str],
) -> None:
    app.state.settings = settings.model_copy(
        update={"allowed_origins": ("https://desk.example.com",)}
    )
    contact_id = start(client, agent_token)
    login(client, "agent")
    response = client.post(f"/api/contacts/{contact_id}/end", json={}, headers=headers)
    assert response.status_code == 200, response.text
    assert _contact_status(client, agent_token, contact_id) == "ended"


def test_a_cross_site_write_without_origin_is_refused_by_its_fetch_metadata(
    client: TestClient, login: LoginHelper, agent_token: str
) -> None:
    contact_id = start(client, agent_token)
    login(client, "agent")
    response = client.post(
        f"/api/contacts/{contact_id}/end", json={}, headers={"sec-fetch-site": "cross-site"}
    )
    assert (response.status_code, response.json()["code"]) == (403, "origin_rejected")


def test_other_methods_with_the_cookie_check_the_origin_too(
    client: TestClient, login: LoginHelper
) -> None:
    login(client, "agent")
    response = client.patch("/api/users/me", json={"language": "en"}, headers={"origin": "null"})
    assert (response.status_code, response.json()["code"]) == (403, "origin_rejected")
    assert client.get("/api/users/me").json()["language"] == "pl"


def test_bearer_token_calls_are_not_affected(client: TestClient, agent_token: str) -> None:
    contact_id = start(client, agent_token)
    response = client.post(
        f"/api/contacts/{contact_id}/end", headers={**EVIL, **bearer(agent_token)}
    )
    assert response.status_code == 200, response.text


def test_the_refusal_speaks_the_users_language_else_the_browsers(
    client: TestClient, login: LoginHelper, agent_token: str
) -> None:
    contact_id = start(client, agent_token)
    path = f"/api/contacts/{contact_id}/end"
    ru = {"accept-language": "ru-RU,ru;q=0.9", "content-type": "text/plain"}
    client.cookies.set("calmdesk_session", "forged")
    anonymous = client.post(path, headers=ru)
    client.cookies.clear()
    # A cookie naming no session signs nobody in: 401 first, whatever the body type.
    assert anonymous.json()["code"] == "not_authenticated"
    assert anonymous.json()["message"].startswith("Сначала войдите в систему")
    login(client, "agent")  # the agent reads Polish
    refused = client.post(path, headers=ru)
    assert refused.json()["code"] == "json_required"
    assert refused.json()["message"].startswith("Wyślij żądanie jako JSON")


def test_the_forms_csrf_token_is_bound_to_the_session(
    app: FastAPI, client: TestClient, users: dict[str, User], csrf_token: TokenGetter
) -> None:
    login_token = csrf_token(client, "/login")
    signed_in = client.post(
        "/login",
        data={"username": "handler", "password": PASSWORDS["handler"], "csrf_token": login_token},
        follow_redirects=False,
    )
    assert signed_in.status_code == 303
    session_token = csrf_token(client, "/cases")
    assert session_token != login_token
    # The token of the anonymous page no longer works once signed in, nor one of another session.
    stale = client.post("/language", data={"lang": "en", "csrf_token": login_token})
    assert stale.status_code == 403
    with TestClient(app) as other:
        body = {"username": "handler", "password": PASSWORDS["handler"]}
        assert other.post("/api/auth/login", json=body).status_code == 200
        other.cookies.set("calmdesk_csrf", client.cookies["calmdesk_csrf"])
        foreign = other.post(
            "/language", data={"lang": "en", "csrf_token": session_token}, follow_redirects=False
        )
        assert foreign.status_code == 403
    ok = client.post(
        "/language", data={"lang": "en", "csrf_token": session_token}, follow_redirects=False
    )
    assert ok.status_code == 303
    # After logging out, a form of the ended session is refused.
    logout_token = csrf_token(client, "/cases")
    out = client.post("/logout", data={"csrf_token": logout_token}, follow_redirects=False)
    assert out.status_code == 303
    again = client.post(
        "/language", data={"lang": "pl", "csrf_token": logout_token}, follow_redirects=False
    )
    assert again.status_code == 403
