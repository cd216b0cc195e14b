"""The webhooks API (admins only): make one (the secret once), list, disable, rotate; the
delivery log and its replay; bad input answered 422 naming the problem. SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from calmdesk.outbox import service as outbox
from calmdesk.outbox.models import OutboxMessage
from calmdesk.settings import Settings
from calmdesk.storage.types import utcnow
from calmdesk.webhooks import signing
from calmdesk.webhooks.delivery import WebhookChannel
from calmdesk.webhooks.events import WebhookEventKind, notify
from tests.conftest import TEST_SECRET_KEY, LoginHelper
from tests.webhooks.receiver import Receiver, receiving

CHANNELS: dict[str, outbox.Channel] = {
    "webhook": WebhookChannel(server_key=TEST_SECRET_KEY, timeout=5, allow_private=True)
}


def make(client: TestClient, url: str, kinds: list[str] | None = None) -> dict[str, Any]:
    response = client.post(
        "/api/webhooks/subscriptions",
        json={"name": "Dyżur kierowników", "url": url, "event_kinds": kinds or ["alert.abuse"]},
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def test_an_admin_makes_a_webhook_and_sees_its_secret_once(
    client: TestClient, login: LoginHelper, receiver: Receiver
) -> None:
    login(client, "admin")
    made = make(client, receiver.url, ["case.created", "alert.abuse"])
    assert made["secret"].startswith("whsec_") and made["secret_hint"].endswith(made["secret"][-4:])
    assert made["event_kinds"] == ["alert.abuse", "case.created"]
    assert made["is_active"] is True
    listed = client.get("/api/webhooks/subscriptions").json()
    assert [w["id"] for w in listed] == [made["id"]]
    assert "secret" not in listed[0] and made["secret"] not in str(listed)
    read = client.get(f"/api/webhooks/subscriptions/{made['id']}").json()
    assert "secret" not in read
    rotated = client.post(f"/api/webhooks/subscriptions/{made['id']}/secret", json={}).json()
    assert rotated["secret"] != made["secret"] and rotated["secret_rotated_at"] is not None


@pytest.mark.parametrize("role", ["agent", "handler", "supervisor"])
def test_only_admins_manage_webhooks(client: TestClient, login: LoginHelper, role: str) -> None:
    login(client, role)
    assert client.get("/api/webhooks/subscriptions").status_code == 403
    assert client.get("/api/webhooks/deliveries").status_code == 403
    response = client.post(
        "/api/webhooks/subscriptions",
        json={"name": "x", "url": "https://example.com/", "event_kinds": ["case.created"]},
    )
    assert response.status_code == 403
    assert response.json()["permission"] == "webhooks.manage"


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("ftp://example.com/hook", "must start with http:// or https://"),
        ("javascript:alert(1)", "must start with http:// or https://"),
        ("https://user:pw@example.com/", "must not carry a user name or password"),
        ("https:///nohost", "has no host"),
        ("https://example.com:99999/", "cannot be read"),
        ("https://exa mple.com/", "contains spaces"),
    ],
)
def test_a_bad_url_is_a_clear_422(
    client: TestClient, login: LoginHelper, url: str, problem: str
) -> None:
    login(client, "admin")
    response = client.post(
        "/api/webhooks/subscriptions",
        json={"name": "Zły", "url": url, "event_kinds": ["case.created"]},
    )
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["code"] == "validation_error"
    [bad] = body["fields"]
    assert bad["field"] == "url" and problem in bad["problem"]


def test_an_unknown_event_kind_is_a_clear_422(client: TestClient, login: LoginHelper) -> None:
    login(client, "admin")
    response = client.post(
        "/api/webhooks/subscriptions",
        json={"name": "Zły", "url": "https://example.com/", "event_kinds": ["case.exploded"]},
    )
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error"
    assert [f["field"] for f in body["fields"]] == ["event_kinds.0"]
    assert "case.created" in body["fields"][0]["problem"]  # it lists the kinds there are
    bad: object
    for bad in ([], None, "case.created"):
        response = client.post(
            "/api/webhooks/subscriptions",
            json={"name": "Zły", "url": "https://example.com/", "event_kinds": bad},
        )
        assert response.status_code == 422, bad


def test_private_targets_are_refused_when_the_settings_say_so(
    app: Any, client: TestClient, login: LoginHelper, settings: Settings
) -> None:
    app.state.settings = settings.model_copy(update={"webhooks_allow_private_targets": False})
    login(client, "admin")
    for url in (
        "http://127.0.0.1:8080/hook",
        "http://10.1.2.3/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://192.168.0.10/",
        "http://localhost/hook",
        "http://0.0.0.0/",
        "http://100.64.0.1/",
    ):
        response = client.post(
            "/api/webhooks/subscriptions",
            json={"name": "Wewn.", "url": url, "event_kinds": ["case.created"]},
        )
        assert response.status_code == 422, url
        assert response.json()["code"] == "invalid_webhook_url"
        assert "non-public address" in response.json()["message"]
    assert (
        Settings(
            env="production", secret_key="x" * 8 + "Qw3!rTy7uI9oP0aSdFgHjKlZxCvBnM12"
        ).private_webhook_targets_allowed
        is False
    )


def test_the_delivery_log_shows_attempts_and_a_replay_sends_again(
    client: TestClient,
    login: LoginHelper,
    session: Session,
    session_factory: sessionmaker[Session],
) -> None:
    login(client, "admin")
    with receiving([500]) as receiver:
        made = make(client, receiver.url, ["case.sla_breached"])
        notify(session, kind=WebhookEventKind.CASE_SLA_BREACHED, data={"case_id": 3})
        session.commit()
        outbox.deliver_due(session_factory, channels=CHANNELS)
        log = client.get("/api/webhooks/deliveries", params={"webhook_id": made["id"]}).json()
        assert log["total"] == 1
        [entry] = log["items"]
        assert entry["status"] == "pending" and entry["attempts"] == 1
        assert entry["last_status_code"] == 500 and "receiver says no" in entry["last_error"]
        assert entry["webhook_id"] == made["id"] and entry["event_kind"] == "case.sla_breached"
        detail = client.get(f"/api/webhooks/deliveries/{entry['id']}").json()
        assert detail["payload"]["data"] == {"case_id": 3}
        assert [(a["number"], a["outcome"], a["status_code"]) for a in detail["attempt_log"]] == [
            (1, "retry", 500)
        ]
        replayed = client.post(f"/api/webhooks/deliveries/{entry['id']}/replay", json={})
        assert replayed.status_code == 202, replayed.text
        outbox.deliver_due(session_factory, channels=CHANNELS)
        [first, second] = receiver.requests
    assert first.headers["CalmDesk-Event-Id"] == second.headers["CalmDesk-Event-Id"]
    assert signing.verify(made["secret"], second.body, second.headers["CalmDesk-Signature"])
    done = client.get(f"/api/webhooks/deliveries/{entry['id']}").json()
    assert done["status"] == "delivered" and done["replayed_at"] is not None
    assert [a["outcome"] for a in done["attempt_log"]] == ["retry", "delivered"]
    filtered = client.get("/api/webhooks/deliveries", params={"status": "failed"}).json()
    assert filtered["total"] == 0


def test_replaying_a_delivery_in_flight_is_refused(
    client: TestClient, login: LoginHelper, session: Session, session_factory: sessionmaker[Session]
) -> None:
    login(client, "admin")
    make(client, "http://127.0.0.1:9/", ["case.created"])
    notify(session, kind=WebhookEventKind.CASE_CREATED, data={"case_id": 1})
    session.commit()
    outbox.claim(
        session_factory,
        now=utcnow(),
        policy=outbox.Policy(),
        channels=CHANNELS,
    )
    message = session.scalars(select(OutboxMessage)).one()
    response = client.post(f"/api/webhooks/deliveries/{message.id}/replay", json={})
    assert response.status_code == 409
    assert response.json()["code"] == "delivery_in_flight"


def test_disabling_and_unknown_ids(client: TestClient, login: LoginHelper) -> None:
    login(client, "admin")
    made = make(client, "https://example.com/hooks")
    disabled = client.patch(
        f"/api/webhooks/subscriptions/{made['id']}", json={"is_active": False}
    ).json()
    assert disabled["is_active"] is False and disabled["disabled_at"] is not None
    enabled = client.patch(
        f"/api/webhooks/subscriptions/{made['id']}", json={"is_active": True}
    ).json()
    assert enabled["is_active"] is True and enabled["disabled_at"] is None
    assert (
        client.patch(
            f"/api/webhooks/subscriptions/{made['id']}", json={"is_active": "no"}
        ).status_code
        == 422
    )
    missing = client.get("/api/webhooks/subscriptions/999999")
    assert missing.status_code == 404 and missing.json()["code"] == "webhook_not_found"
    gone = client.get("/api/webhooks/deliveries/999999")
    assert gone.status_code == 404 and gone.json()["code"] == "delivery_not_found"
    assert client.post("/api/webhooks/deliveries/999999/replay", json={}).status_code == 404
    unknown = client.get("/api/webhooks/deliveries", params={"status": "lost"})
    assert unknown.status_code == 422
