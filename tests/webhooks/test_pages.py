"""The admin's webhooks page: make a webhook (its secret shown once), disable it, the delivery
log, one delivery's attempts and a replay; other roles are refused; bad input is shown in the
page's language. SQLite and PostgreSQL."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from calmdesk.outbox import service as outbox
from calmdesk.outbox.models import OutboxMessage
from calmdesk.webhooks.delivery import WebhookChannel
from calmdesk.webhooks.events import WebhookEventKind, notify
from calmdesk.webhooks.models import WebhookSubscription
from tests.conftest import TEST_SECRET_KEY, LoginHelper, TokenGetter
from tests.webhooks.receiver import receiving

CHANNELS: dict[str, outbox.Channel] = {
    "webhook": WebhookChannel(server_key=TEST_SECRET_KEY, timeout=5, allow_private=True)
}
SECRET = re.compile(r'data-testid="webhook-secret" readonly value="(whsec_[^"]+)"')


def create(
    client: TestClient, token: str, url: str, kinds: list[str], name: str = "Dyżur kierowników"
) -> tuple[int, str]:
    response = client.post(
        "/webhooks",
        data={"csrf_token": token, "name": name, "url": url, "event_kinds": kinds},
    )
    return response.status_code, response.text


def test_an_admin_makes_a_webhook_and_sees_the_secret_only_once(
    client: TestClient, login: LoginHelper, csrf_token: TokenGetter, session: Session
) -> None:
    login(client, "admin")  # Adam's language is Polish
    token = csrf_token(client, "/webhooks")
    status, page = create(
        client, token, "https://alerts.example.pl/hook", ["alert.abuse", "case.sla_breached"]
    )
    assert status == 200
    match = SECRET.search(page)
    assert match, page
    secret = match.group(1)
    assert "Skopiuj ten sekret" in page
    listing = client.get("/webhooks").text
    assert secret not in listing
    assert f"whsec_…{secret[-4:]}" in listing
    assert "Agresja słowna w rozmowie na żywo" in listing and "Dyżur kierowników" in listing
    subscription = session.scalars(select(WebhookSubscription)).one()
    assert subscription.event_kinds == ["alert.abuse", "case.sla_breached"]
    response = client.post(
        f"/webhooks/{subscription.id}/active",
        data={"csrf_token": token, "active": "false"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    session.refresh(subscription)
    assert subscription.is_active is False
    assert "Wyłączony" in client.get("/webhooks").text


@pytest.mark.parametrize(
    ("url", "kinds", "problem"),
    [
        (
            "ftp://example.com/",
            ["case.created"],
            "Adres musi zaczynać się od http:// lub https://.",
        ),
        ("https://a:b@example.com/", ["case.created"], "nie może zawierać nazwy użytkownika"),
        ("https://example.com/", [], "Wybierz co najmniej jeden rodzaj zdarzeń."),
        ("https://example.com/", ["case.exploded"], "Wybierz co najmniej jeden rodzaj zdarzeń."),
        ("", ["case.created"], "Podaj adres odbiorcy."),
    ],
)
def test_bad_input_is_explained_on_the_page(
    client: TestClient,
    login: LoginHelper,
    csrf_token: TokenGetter,
    session: Session,
    url: str,
    kinds: list[str],
    problem: str,
) -> None:
    login(client, "admin")
    token = csrf_token(client, "/webhooks")
    status, page = create(client, token, url, kinds)
    assert status == 422
    assert problem in page
    assert session.scalars(select(WebhookSubscription)).all() == []


def test_a_webhook_name_is_escaped(
    client: TestClient, login: LoginHelper, csrf_token: TokenGetter
) -> None:
    login(client, "admin")
    token = csrf_token(client, "/webhooks")
    create(client, token, "https://example.com/", ["case.created"], name="<script>x()</script>")
    page = client.get("/webhooks").text
    assert "<script>x()</script>" not in page and "&lt;script&gt;" in page


@pytest.mark.parametrize("role", ["agent", "handler", "supervisor"])
def test_other_roles_do_not_get_the_page(client: TestClient, login: LoginHelper, role: str) -> None:
    login(client, role)
    assert client.get("/webhooks").status_code == 403
    assert 'href="/webhooks"' not in client.get("/playbook").text


def test_the_delivery_log_and_a_replay_from_the_page(
    client: TestClient,
    login: LoginHelper,
    csrf_token: TokenGetter,
    session: Session,
    session_factory: sessionmaker[Session],
) -> None:
    login(client, "admin")
    token = csrf_token(client, "/webhooks")
    with receiving([500]) as receiver:
        create(client, token, receiver.url, ["case.created"])
        notify(session, kind=WebhookEventKind.CASE_CREATED, data={"case_id": 5})
        session.commit()
        outbox.deliver_due(session_factory, channels=CHANNELS)
        log = client.get("/webhooks").text
        assert 'data-status="pending"' in log and "receiver says no" in log
        message = session.scalars(select(OutboxMessage)).one()
        detail = client.get(f"/webhooks/deliveries/{message.id}").text
        assert "Nieudana, będzie ponowiona" in detail and message.event_id in detail
        response = client.post(
            f"/webhooks/deliveries/{message.id}/replay",
            data={"csrf_token": token},
            follow_redirects=False,
        )
        assert response.status_code == 303
        outbox.deliver_due(session_factory, channels=CHANNELS)
    assert len(receiver.requests) == 2
    detail = client.get(f"/webhooks/deliveries/{message.id}").text
    assert 'data-outcome="delivered"' in detail and "Ponowione ręcznie" in detail
    assert client.get("/webhooks/deliveries/999999").status_code == 404


def test_the_page_in_russian_and_english(
    client: TestClient, login: LoginHelper, csrf_token: TokenGetter
) -> None:
    login(client, "admin")
    token = csrf_token(client, "/webhooks")
    client.post("/language", data={"csrf_token": token, "lang": "ru", "next": "/webhooks"})
    assert "Журнал доставок" in client.get("/webhooks").text
    token = csrf_token(client, "/webhooks")
    client.post("/language", data={"csrf_token": token, "lang": "en", "next": "/webhooks"})
    assert "Delivery log" in client.get("/webhooks").text
