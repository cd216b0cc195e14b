"""The queue through the API: "assign to me" and the owner's own open cases."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from calmdesk.users.models import User
from tests.web.test_case_legal_and_money_pages import intake


def test_the_api_takes_a_case(
    client: TestClient, tokens: dict[str, dict[str, str]], session: Session, users: dict[str, User]
) -> None:
    case_id = intake(session, users["agent"])
    taken = client.post(f"/api/cases/{case_id}/take", headers=tokens["handler"])
    assert taken.status_code == 200
    assert taken.json()["owner_id"] == users["handler"].id
    again = client.post(f"/api/cases/{case_id}/take", headers=tokens["agent"])
    assert again.status_code == 403
    mine = client.get(
        "/api/cases",
        params={"owner_id": users["handler"].id, "open": "true"},
        headers=tokens["handler"],
    )
    assert mine.status_code == 200, mine.text
    assert [c["id"] for c in mine.json()["items"]] == [case_id]
