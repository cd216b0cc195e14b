"""Exact input: integers the database can hold, booleans that are booleans, dates as ISO 8601
text with an offset, nothing that already happened lying in the future, and a 405 that names
every method of its path. On SQLite and PostgreSQL (the ``client`` fixture runs on both)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import PASSWORDS, LoginHelper

Headers = dict[str, dict[str, str]]
HUGE = "9223372036854775808"  # 2**63: past every integer column, and past SQLite's own integers
CASE = {"customer_contact": "pat@example.com", "description": "Charged twice for order 7731."}
"""The least a case needs, for the tests that vary one more field."""


def _refused(response: Any, field: str) -> str:
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["code"] == "validation_error", body
    problems = {f["field"]: f["problem"] for f in body["fields"]}
    # A field of several types names each refusal: ``lang.str-enum[Language]``...
    named = {k: v for k, v in problems.items() if k == field or k.startswith(f"{field}.")}
    assert named, problems
    return "; ".join(named.values())


@pytest.mark.parametrize(
    ("path", "field"),
    [
        (f"/api/cases/{HUGE}", "case_id"),
        (f"/api/cases/{2**31}", "case_id"),
        ("/api/cases/0", "case_id"),
        (f"/api/social/posts/{HUGE}", "post_id"),
        (f"/api/users/{HUGE}", "user_id"),
        (f"/api/cases?page={HUGE}", "page"),
        (f"/api/cases?per_page={HUGE}", "per_page"),
        (f"/api/social/posts?page={HUGE}", "page"),
        (f"/api/social/posts/1/draft?variant={HUGE}", "variant"),
    ],
)
def test_an_integer_past_the_database_is_a_422(
    client: TestClient, bearer: Headers, path: str, field: str
) -> None:
    role = "admin" if path.startswith("/api/users") else "supervisor"
    assert "less than or equal" in _refused(client.get(path, headers=bearer[role]), field) or (
        "greater than" in _refused(client.get(path, headers=bearer[role]), field)
    )


def test_a_huge_id_in_a_body_is_a_422(client: TestClient, bearer: Headers, seeded: None) -> None:
    case_id = client.get("/api/cases", headers=bearer["supervisor"]).json()["items"][0]["id"]
    response = client.patch(
        f"/api/cases/{case_id}", json={"owner_id": 2**63}, headers=bearer["supervisor"]
    )
    assert "less than or equal" in _refused(response, "owner_id")


@pytest.mark.parametrize("value", [0, 1, "true", "yes", None])
def test_is_active_takes_only_true_or_false(
    client: TestClient, bearer: Headers, value: object
) -> None:
    me = client.get("/api/users/me", headers=bearer["agent"]).json()
    response = client.patch(
        f"/api/users/{me['id']}", json={"is_active": value}, headers=bearer["admin"]
    )
    if value is None:  # null means "leave it as it is"
        assert response.status_code == 200, response.text
        assert response.json()["is_active"] is True
    else:
        assert "valid boolean" in _refused(response, "is_active")


def test_a_query_flag_takes_only_true_or_false(client: TestClient, bearer: Headers) -> None:
    for spelling in ("1", "0", "yes", "on", "True"):
        response = client.get(f"/api/cases?overdue={spelling}", headers=bearer["supervisor"])
        assert _refused(response, "overdue") == "Value error, must be true or false"
    assert client.get("/api/cases?overdue=true", headers=bearer["supervisor"]).status_code == 200
    assert client.get("/api/users?active_only=1", headers=bearer["admin"]).status_code == 422


@pytest.mark.parametrize("value", ["0.5", "0", "1700000000", "1e9"])
def test_a_number_is_not_a_date_in_a_query(client: TestClient, bearer: Headers, value: str) -> None:
    response = client.get(f"/api/cases?due_before={value}", headers=bearer["supervisor"])
    assert "ISO 8601" in _refused(response, "due_before")


@pytest.mark.parametrize("value", [0, 1700000000, 0.5, "1700000000"])
def test_a_number_is_not_a_date_in_a_body(
    client: TestClient, bearer: Headers, value: object
) -> None:
    response = client.post(
        "/api/cases", json={**CASE, "occurred_at": value}, headers=bearer["agent"]
    )
    assert "ISO 8601" in _refused(response, "occurred_at")


def test_a_date_without_its_offset_is_refused(client: TestClient, bearer: Headers) -> None:
    body = {**CASE, "occurred_at": "2026-03-02T09:30:00"}
    response = client.post("/api/cases", json=body, headers=bearer["agent"])
    assert "needs its time zone offset" in _refused(response, "occurred_at")
    response = client.get("/api/cases?due_before=2026-03-02", headers=bearer["supervisor"])
    assert "needs its time zone offset" in _refused(response, "due_before")

    # With the offset, the moment is stored as the same instant in UTC.
    body["occurred_at"] = "2026-03-02T09:30:00+03:00"
    response = client.post("/api/cases", json=body, headers=bearer["agent"])
    assert response.status_code == 201, response.text
    assert response.json()["occurred_at"] == "2026-03-02T06:30:00Z"


def test_a_year_outside_1970_to_2200_is_refused(client: TestClient, bearer: Headers) -> None:
    for moment in ("1969-12-31T23:59:59Z", "2201-01-01T00:00:00Z", "9999-12-31T23:59:59-12:00"):
        response = client.get(f"/api/cases?due_before={moment}", headers=bearer["supervisor"])
        assert "between 1970 and 2200" in _refused(response, "due_before")


def _iso(moment: datetime) -> str:
    return moment.isoformat()


def test_what_already_happened_cannot_lie_in_the_future(
    client: TestClient, bearer: Headers
) -> None:
    now = datetime.now(UTC)
    far = _iso(now + timedelta(days=1))
    response = client.post("/api/cases", json={**CASE, "occurred_at": far}, headers=bearer["agent"])
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "validation_error"
    assert response.json()["message"] == "occurred_at: lies in the future"
    assert response.json()["field"] == "occurred_at"

    # A sender's clock a minute ahead of ours is not refused.
    near = _iso(now + timedelta(minutes=1))
    response = client.post(
        "/api/cases", json={**CASE, "occurred_at": near}, headers=bearer["agent"]
    )
    assert response.status_code == 201, response.text

    post = {"platform": "x", "author_handle": "@pat", "text": "Order 7731 charged twice."}
    for field in ("posted_at", "received_at"):
        response = client.post(
            "/api/social/posts", json={**post, field: far}, headers=bearer["supervisor"]
        )
        assert response.status_code == 422, response.text
        assert response.json()["message"] == f"{field}: lies in the future"


def test_a_complaint_cannot_happen_after_it_was_received(
    client: TestClient, bearer: Headers
) -> None:
    response = client.post(
        "/api/cases",
        json={
            **CASE,
            "received_at": "2026-03-02T09:00:00Z",
            "occurred_at": "2026-03-02T10:00:00Z",
        },
        headers=bearer["agent"],
    )
    assert response.status_code == 422, response.text
    assert response.json()["message"] == "occurred_at: is after received_at"


@pytest.mark.parametrize("amount", [50, 49.9, "0", "0.00", "1.999", "-5", "1e3"])
def test_an_amount_is_positive_decimal_text(
    client: TestClient, bearer: Headers, seeded: None, amount: object
) -> None:
    case_id = client.get("/api/cases", headers=bearer["agent"]).json()["items"][0]["id"]
    response = client.post(
        f"/api/cases/{case_id}/compensations",
        json={"kind": "refund", "amount": amount, "reason": "Nadpłata."},
        headers=bearer["agent"],
    )
    assert response.status_code == 422, response.text
    assert response.json()["fields"][0]["field"] == "amount"


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("DELETE", "/api/cases", "GET, HEAD, POST"),
        ("PUT", "/api/cases/1", "GET, HEAD, PATCH"),
        ("DELETE", "/api/social/posts/1", "GET, HEAD"),
        ("PUT", "/api/users/1", "GET, HEAD, PATCH"),
        ("POST", "/healthz", "GET, HEAD"),
        ("DELETE", "/playbook/export", "GET, HEAD"),
    ],
)
def test_a_405_names_every_method_of_its_path(
    client: TestClient, bearer: Headers, method: str, path: str, allow: str
) -> None:
    response = client.request(method, path, headers=bearer["supervisor"])
    assert response.status_code == 405
    assert response.headers["allow"] == allow


def test_a_page_with_a_bad_bearer_token_answers_401_not_a_redirect_loop(
    client: TestClient,
) -> None:
    response = client.get(
        "/playbook/export", headers={"Authorization": "Bearer nope"}, follow_redirects=False
    )
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_token"
    # A browser without any credential is still sent to the sign-in page.
    response = client.get("/playbook/export", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/playbook/export"


@pytest.mark.parametrize("page", ["/console", "/cases", "/social"])
def test_a_page_id_past_the_database_is_the_not_found_page(
    client: TestClient, login: LoginHelper, page: str
) -> None:
    login(client, "supervisor")
    for number in (HUGE, str(2**31)):
        response = client.get(f"{page}/{number}", follow_redirects=False)
        assert response.status_code == 404, response.text
        assert response.headers["content-type"].startswith("text/html")


def test_a_cookie_naming_no_session_is_a_401_before_its_body_type_is_checked(
    client: TestClient, bearer: Headers, seeded: None
) -> None:
    contact_id = client.get("/api/contacts", headers=bearer["agent"]).json()[0]["id"]
    client.cookies.set("calmdesk_session", "forged")
    response = client.post(f"/api/contacts/{contact_id}/end", content=b"", headers={})
    assert (response.status_code, response.json()["code"]) == (401, "not_authenticated")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"can_transfer": 0}, "can_transfer"),
        ({"can_transfer": "true"}, "can_transfer"),
        ({"lang": "de"}, "lang"),
        ({"lang": "PL"}, "lang"),
    ],
)
def test_a_live_contact_takes_exact_values(
    client: TestClient, bearer: Headers, body: dict[str, object], field: str
) -> None:
    _refused(client.post("/api/contacts", json=body, headers=bearer["agent"]), field)
    started = client.post("/api/contacts", json={"lang": "auto"}, headers=bearer["agent"])
    assert started.status_code == 201, started.text


def test_break_minutes_and_actions_are_exact(
    client: TestClient, bearer: Headers, seeded: None
) -> None:
    contact_id = client.get("/api/contacts", headers=bearer["supervisor"]).json()[0]["id"]
    response = client.post(
        f"/api/contacts/{contact_id}/break", json={"minutes": "15"}, headers=bearer["supervisor"]
    )
    _refused(response, "minutes")
    live = client.post("/api/contacts", json={}, headers=bearer["agent"]).json()
    response = client.post(
        f"/api/contacts/{live['id']}/actions", json={"action": "dance"}, headers=bearer["agent"]
    )
    assert "warning_given" in _refused(response, "action")


def test_the_login_body_refuses_unknown_keys(client: TestClient) -> None:
    body = {"username": "agent", "password": PASSWORDS["agent"], "remember": True}
    problem = _refused(client.post("/api/auth/login", json=body), "remember")
    assert "Extra inputs are not permitted" in problem
