"""User management through the API: admins only, checked in one place."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from calmdesk.users.models import User
from tests.conftest import LoginHelper

ADMIN_ROUTES = [
    ("GET", "/api/users"),
    ("POST", "/api/users"),
    ("GET", "/api/users/1"),
    ("PATCH", "/api/users/1"),
    ("POST", "/api/users/1/erase"),
    ("GET", "/api/users/1/tokens"),
    ("POST", "/api/users/1/tokens"),
    ("DELETE", "/api/users/1/tokens/1"),
]


@pytest.mark.parametrize(("method", "path"), ADMIN_ROUTES)
def test_without_login_the_admin_routes_answer_401(
    client: TestClient, method: str, path: str
) -> None:
    response = client.request(method, path, json={})
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert response.json()["message"]


@pytest.mark.parametrize("username", ["agent", "handler", "supervisor"])
def test_other_roles_get_403_permission_denied_on_every_admin_route(
    client: TestClient, login: LoginHelper, username: str
) -> None:
    login(client, username)
    for method, path in ADMIN_ROUTES:
        response = client.request(method, path, json={"name": "x"})
        assert response.status_code == 403, (method, path)
        body = response.json()
        assert body["code"] == "permission_denied"
        assert body["permission"] == "users.manage"
        assert username in body["message"]


def test_an_admin_creates_lists_and_updates_users(client: TestClient, login: LoginHelper) -> None:
    login(client, "admin")
    created = client.post(
        "/api/users",
        json={"username": "Marek", "password": "marek-password", "role": "handler"},
    )
    assert created.status_code == 201, created.text
    marek = created.json()
    assert marek["username"] == "marek"
    assert "password" not in marek
    assert "password_hash" not in marek
    listed = client.get("/api/users", params={"role": "handler"}).json()
    assert [u["username"] for u in listed] == ["handler", "marek"]
    updated = client.patch(f"/api/users/{marek['id']}", json={"role": "supervisor"})
    assert updated.json()["role"] == "supervisor"
    assert client.get(f"/api/users/{marek['id']}").json()["role"] == "supervisor"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"username": "ok", "password": "short"}, "password"),
        ({"username": "bad name!", "password": "long-enough"}, "username"),
        ({"username": "ok", "password": "long-enough", "role": "boss"}, "role"),
        ({"username": "ok", "password": "long-enough", "language": "de"}, "language"),
        ({"username": "ok", "password": "long-enough", "extra": 1}, "extra"),
    ],
)
def test_bad_user_input_names_the_field(
    client: TestClient, login: LoginHelper, body: dict[str, object], field: str
) -> None:
    login(client, "admin")
    response = client.post("/api/users", json=body)
    assert response.status_code == 422
    assert [f["field"] for f in response.json()["fields"]] == [field]


def test_a_taken_username_is_409(client: TestClient, login: LoginHelper) -> None:
    login(client, "admin")
    response = client.post("/api/users", json={"username": "agent", "password": "long-enough"})
    assert response.status_code == 409
    assert response.json()["code"] == "username_taken"


def test_an_unknown_user_is_404_user_not_found(client: TestClient, login: LoginHelper) -> None:
    login(client, "admin")
    response = client.get("/api/users/987654")
    assert response.status_code == 404
    assert response.json()["code"] == "user_not_found"


def test_a_token_is_shown_once_then_listed_without_its_value(
    client: TestClient, login: LoginHelper, users: dict[str, User]
) -> None:
    login(client, "admin")
    agent_id = users["agent"].id
    issued = client.post(f"/api/users/{agent_id}/tokens", json={"name": "telephony"})
    assert issued.status_code == 201
    token = issued.json()["token"]
    listed = client.get(f"/api/users/{agent_id}/tokens").json()
    assert [t["name"] for t in listed] == ["telephony"]
    assert "token" not in listed[0]
    assert token not in str(listed)
    client.cookies.clear()
    as_agent = client.get("/api/users/me", headers={"Authorization": f"Bearer {token}"})
    assert as_agent.json()["username"] == "agent"
    assert as_agent.json()["role"] == "agent"


def test_a_revoked_token_stops_working(
    client: TestClient, login: LoginHelper, users: dict[str, User]
) -> None:
    login(client, "admin")
    agent_id = users["agent"].id
    issued = client.post(f"/api/users/{agent_id}/tokens", json={"name": "chat"}).json()
    revoked = client.delete(f"/api/users/{agent_id}/tokens/{issued['id']}")
    assert revoked.status_code == 204
    response = client.get("/api/users/me", headers={"Authorization": f"Bearer {issued['token']}"})
    assert response.status_code == 401
    again = client.delete(f"/api/users/{agent_id}/tokens/{issued['id']}")
    assert again.json()["code"] == "token_not_found"


def test_a_token_acting_as_an_agent_cannot_manage_users(
    client: TestClient, login: LoginHelper, users: dict[str, User]
) -> None:
    login(client, "admin")
    token = client.post(f"/api/users/{users['agent'].id}/tokens", json={"name": "x"}).json()
    client.cookies.clear()
    response = client.get("/api/users", headers={"Authorization": f"Bearer {token['token']}"})
    assert response.status_code == 403


@pytest.mark.parametrize("user_id", ["0", str(2**63 + 1), "abc"])
def test_an_impossible_user_id_is_a_validation_error(
    client: TestClient, login: LoginHelper, user_id: str
) -> None:
    login(client, "admin")
    response = client.get(f"/api/users/{user_id}")
    assert response.status_code == 422
    assert response.json()["fields"][0]["field"] == "user_id"


def test_an_admin_erases_a_former_colleague(
    client: TestClient, login: LoginHelper, users: dict[str, User]
) -> None:
    login(client, "admin")
    handler_id = users["handler"].id
    response = client.post(f"/api/users/{handler_id}/erase", json={})
    assert response.status_code == 200
    assert response.json()["username"] == f"erased-{handler_id}"
    assert response.json()["is_active"] is False
    assert "Helen" not in response.text
