"""Login, the session cookie, bearer tokens and the 401/403 answers, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from calmdesk.settings import Settings
from calmdesk.users import service
from calmdesk.users.models import User
from calmdesk.users.sessions import SESSION_COOKIE, open_session
from tests.conftest import PASSWORDS, LoginHelper


def test_login_sets_an_httponly_lax_cookie_and_returns_the_user(
    client: TestClient, users: dict[str, User]
) -> None:
    response = client.post(
        "/api/auth/login", json={"username": "supervisor", "password": PASSWORDS["supervisor"]}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["username"] == "supervisor"
    assert body["role"] == "supervisor"
    assert body["role_label"] == "Руководитель"  # in the user's own language (ru)
    assert "compensation.approve" in body["permissions"]
    assert "password_hash" not in body
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{SESSION_COOKIE}=")
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    assert "Secure" not in cookie  # only in production


def test_the_cookie_is_secure_in_production(
    session: Session, settings: Settings, users: dict[str, User]
) -> None:
    from fastapi import Response

    from calmdesk.users.sessions import start_session

    production = settings.model_copy(update={"env": "production", "secret_key": "x" * 40})
    response = Response()
    start_session(response, session, user=users["agent"], settings=production)
    assert "Secure" in response.headers["set-cookie"]


def test_a_logged_in_client_reads_me_and_logout_ends_it(
    client: TestClient, login: LoginHelper
) -> None:
    login(client, "agent")
    assert client.get("/api/users/me").json()["username"] == "agent"
    assert client.post("/api/auth/logout", json={}).status_code == 204
    response = client.get("/api/users/me")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_logout_ends_the_session_on_the_server_so_the_old_cookie_is_refused(
    client: TestClient, users: dict[str, User]
) -> None:
    logged_in = client.post(
        "/api/auth/login", json={"username": "agent", "password": PASSWORDS["agent"]}
    )
    assert logged_in.status_code == 200
    old_cookie = client.cookies[SESSION_COOKIE]
    assert client.post("/api/auth/logout", json={}).status_code == 204
    # Someone who kept a copy of the cookie (another tab, a stolen value) is refused.
    client.cookies.set(SESSION_COOKIE, old_cookie)
    response = client.get("/api/users/me")
    assert (response.status_code, response.json()["code"]) == (401, "not_authenticated")


def test_logging_out_one_session_keeps_the_others(
    app: object, client: TestClient, users: dict[str, User]
) -> None:
    body = {"username": "agent", "password": PASSWORDS["agent"]}
    with TestClient(client.app) as phone:
        assert phone.post("/api/auth/login", json=body).status_code == 200
        assert client.post("/api/auth/login", json=body).status_code == 200
        assert client.post("/api/auth/logout", json={}).status_code == 204
        assert phone.get("/api/users/me").status_code == 200
        assert client.get("/api/users/me").status_code == 401


@pytest.mark.parametrize(
    ("username", "password"),
    [("agent", "wrong-password"), ("nobody", "whatever-pass"), ("AGENT", "wrong-password")],
)
def test_a_bad_login_is_401_invalid_credentials_without_saying_which_part(
    client: TestClient, users: dict[str, User], username: str, password: str
) -> None:
    response = client.post("/api/auth/login", json={"username": username, "password": password})
    assert response.status_code == 401
    assert response.json() == {
        "code": "invalid_credentials",
        "message": "Wrong username or password.",
    }
    assert SESSION_COOKIE not in response.headers.get("set-cookie", "")


def test_login_is_case_insensitive_on_the_username(
    client: TestClient, users: dict[str, User]
) -> None:
    response = client.post(
        "/api/auth/login", json={"username": " Agent ", "password": PASSWORDS["agent"]}
    )
    assert response.status_code == 200


def test_a_disabled_user_is_refused_at_login_and_loses_the_session(
    client: TestClient, login: LoginHelper, session: Session, users: dict[str, User]
) -> None:
    login(client, "handler")
    service.set_active(session, user=users["handler"], is_active=False)
    session.commit()
    assert client.get("/api/users/me").status_code == 401
    response = client.post(
        "/api/auth/login", json={"username": "handler", "password": PASSWORDS["handler"]}
    )
    assert response.status_code == 403
    assert response.json()["code"] == "account_disabled"


def test_a_login_without_fields_names_each_missing_field(client: TestClient) -> None:
    response = client.post("/api/auth/login", json={})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error"
    assert {f["field"] for f in body["fields"]} == {"username", "password"}


def test_a_bearer_token_authenticates_without_a_cookie(
    client: TestClient, session: Session, users: dict[str, User]
) -> None:
    token = service.issue_token(session, user=users["agent"], name="telephony")
    session.commit()
    response = client.get("/api/users/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert response.json()["username"] == "agent"


@pytest.mark.parametrize(
    "header", ["Bearer cdk_not-a-real-token", "Basic YWdlbnQ6cGFzcw==", "Bearer", "Bearer   "]
)
def test_a_bad_authorization_header_is_401_invalid_token_even_with_a_cookie(
    client: TestClient, login: LoginHelper, header: str
) -> None:
    login(client, "agent")
    response = client.get("/api/users/me", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_token"
    assert response.json()["message"]


def test_a_tampered_or_foreign_cookie_is_ignored(
    client: TestClient, session: Session, settings: Settings, users: dict[str, User]
) -> None:
    other = settings.model_copy(update={"secret_key": "another-installation-secret"})
    client.cookies.set(SESSION_COOKIE, open_session(session, user=users["admin"], settings=other))
    session.commit()
    assert client.get("/api/users/me").status_code == 401
    genuine = open_session(session, user=users["agent"], settings=settings)
    session.commit()
    client.cookies.set(SESSION_COOKIE, genuine[:-2] + ("AA" if genuine[-2:] != "AA" else "BB"))
    assert client.get("/api/users/me").status_code == 401


def test_an_expired_cookie_is_refused(
    client: TestClient, session: Session, settings: Settings, users: dict[str, User], app: object
) -> None:
    cookie = open_session(session, user=users["agent"], settings=settings)
    session.commit()
    short = settings.model_copy(update={"session_max_age_seconds": -1})
    client.app.state.settings = short  # type: ignore[attr-defined]
    client.cookies.set(SESSION_COOKIE, cookie)
    assert client.get("/api/users/me").status_code == 401


def test_changing_the_password_ends_existing_sessions(
    client: TestClient, login: LoginHelper, session: Session, users: dict[str, User]
) -> None:
    login(client, "agent")
    service.set_password(session, user=users["agent"], password="a-whole-new-password")
    session.commit()
    assert client.get("/api/users/me").status_code == 401


def test_anyone_logged_in_may_change_their_own_language(
    client: TestClient, login: LoginHelper
) -> None:
    login(client, "agent")
    response = client.patch("/api/users/me", json={"language": "en"})
    assert response.status_code == 200
    assert response.json()["language"] == "en"
    assert response.json()["role_label"] == "Agent"
    assert client.get("/api/users/me").json()["language"] == "en"


@pytest.mark.parametrize(
    "body", [{"language": "de"}, {"role": "admin"}, {"display_name": ""}, {"is_active": False}]
)
def test_one_cannot_change_ones_role_or_set_a_bad_value_on_me(
    client: TestClient, login: LoginHelper, body: dict[str, object]
) -> None:
    login(client, "agent")
    response = client.patch("/api/users/me", json=body)
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"
    assert client.get("/api/users/me").json()["role"] == "agent"


def test_a_cross_site_form_body_is_not_read_as_json(client: TestClient, login: LoginHelper) -> None:
    # A form on another site can send the cookie with text/plain, never with application/json
    # (that needs a CORS preflight CalmDesk never grants).
    login(client, "agent")
    response = client.patch(
        "/api/users/me", content='{"language": "en"}', headers={"content-type": "text/plain"}
    )
    assert response.status_code == 422
    assert client.get("/api/users/me").json()["language"] == "pl"
    assert "access-control-allow-origin" not in response.headers
