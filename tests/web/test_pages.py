"""The HTML pages through the app: sign-in, roles, languages, CSRF, error pages, escaping."""

from __future__ import annotations

import re

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from markupsafe import escape
from sqlalchemy.orm import Session

from calmdesk.cases import service as cases_service
from calmdesk.cases.schemas import CaseCreate
from calmdesk.live import service as live_service
from calmdesk.live.models import Contact
from calmdesk.playbook.load import default_playbook
from calmdesk.users.models import User
from calmdesk.web.pages import safe_next
from tests.conftest import PASSWORDS, LoginHelper, TokenGetter

PLAYBOOK = default_playbook("pl")

HOSTILE = '<script>alert("x")</script><img src=x onerror="alert(1)">'


def _nav(page: str) -> list[str]:
    nav = re.search(r"<nav.*?</nav>", page, re.S)
    return re.findall(r'href="(/[a-z]+)"', nav.group(0)) if nav else []


def test_a_page_sends_a_signed_out_visitor_to_sign_in(client: TestClient) -> None:
    response = client.get("/cases?status=received", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/cases%3Fstatus%3Dreceived"


def test_the_api_keeps_answering_json_when_signed_out(client: TestClient) -> None:
    response = client.get("/api/users/me")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_it_signs_in_with_the_form_and_opens_the_roles_first_page(
    client: TestClient, users: dict[str, User], csrf_token: TokenGetter
) -> None:
    token = csrf_token(client, "/login")
    response = client.post(
        "/login",
        data={"username": "handler", "password": PASSWORDS["handler"], "csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/cases"
    assert "httponly" in response.headers["set-cookie"].lower()


def test_the_header_explains_the_role_in_the_readers_language(
    client: TestClient, login: LoginHelper
) -> None:
    login(client, "supervisor")  # reads Russian
    header = client.get("/board").text.split('data-testid="current-user"', 1)[1].split(">", 1)[0]
    assert 'title="Видит панель текущих разговоров' in header


def test_a_wrong_password_shows_the_form_again_with_the_name_escaped(
    client: TestClient, users: dict[str, User], csrf_token: TokenGetter
) -> None:
    token = csrf_token(client, "/login")
    response = client.post(
        "/login", data={"username": HOSTILE, "password": "nope", "csrf_token": token}
    )
    assert response.status_code == 401
    assert "The user name or the password is wrong." in response.text
    assert HOSTILE not in response.text
    assert str(escape(HOSTILE)) in response.text


def test_a_form_without_its_csrf_token_is_refused(
    client: TestClient, users: dict[str, User], csrf_token: TokenGetter
) -> None:
    csrf_token(client, "/login")  # the browser holds the cookie, the form lacks the field
    response = client.post("/login", data={"username": "agent", "password": PASSWORDS["agent"]})
    assert response.status_code == 403
    assert "reload the page" in response.text
    forged = client.post(
        "/login",
        data={"username": "agent", "password": PASSWORDS["agent"], "csrf_token": "forged"},
    )
    assert forged.status_code == 403


def test_sign_in_does_not_redirect_to_another_site() -> None:
    assert safe_next("//evil.example/") == "/"
    assert safe_next("https://evil.example/") == "/"
    assert safe_next("/\\evil.example") == "/"
    assert safe_next("/\t/evil.example") == "/"
    assert safe_next("/\n/evil.example") == "/"
    assert safe_next("/cases/3") == "/cases/3"


@pytest.mark.parametrize(
    ("username", "links", "forbidden"),
    [
        ("agent", ["/console", "/cases", "/playbook"], "/board"),
        (
            "supervisor",
            ["/console", "/board", "/cases", "/social", "/satisfaction", "/reports", "/playbook"],
            None,
        ),
        ("handler", ["/cases", "/social", "/playbook"], "/console"),
        ("admin", ["/playbook", "/webhooks"], "/cases"),
    ],
)
def test_the_navigation_and_the_pages_follow_the_role(
    client: TestClient, login: LoginHelper, username: str, links: list[str], forbidden: str | None
) -> None:
    login(client, username)
    page = client.get("/playbook")
    assert page.status_code == 200
    assert _nav(page.text) == links
    if forbidden:
        refused = client.get(forbidden)
        assert refused.status_code == 403
        assert "<h1>" in refused.text


def test_an_unknown_page_renders_a_not_found_page(client: TestClient) -> None:
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "text/html" in response.headers["content-type"]


def test_pages_send_a_strict_content_security_policy(
    client: TestClient, login: LoginHelper
) -> None:
    login(client, "agent")
    policy = client.get("/console").headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy


def test_the_language_follows_the_browser_then_the_users_choice(
    client: TestClient,
    login: LoginHelper,
    users: dict[str, User],
    session: Session,
    csrf_token: TokenGetter,
) -> None:
    assert "Вход в CalmDesk" in client.get("/login", headers={"accept-language": "ru"}).text
    login(client, "handler")  # stored language: en
    assert "Complaint cases" in client.get("/cases", headers={"accept-language": "ru"}).text
    token = csrf_token(client, "/cases")
    response = client.post(
        "/language",
        data={"lang": "pl", "next": "/cases", "csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/cases"
    assert "Zgłoszenia reklamacyjne" in client.get("/cases").text
    session.refresh(users["handler"])
    assert users["handler"].language == "pl"


def test_an_unknown_language_is_refused_by_name(
    client: TestClient, login: LoginHelper, csrf_token: TokenGetter
) -> None:
    login(client, "agent")
    token = csrf_token(client, "/cases")
    response = client.post("/language", data={"lang": "de", "csrf_token": token})
    assert response.status_code == 422
    # named in the reader's language (the agent reads Polish), the refused value shown
    assert "Wybierz jeden z dostępnych języków." in response.text
    assert "<bdi>de</bdi>" in response.text and "unknown language" not in response.text


def test_the_playbook_page_shows_the_export_inside_the_layout(
    client: TestClient, login: LoginHelper
) -> None:
    login(client, "handler")
    page = client.get("/playbook").text
    assert 'data-testid="playbook"' in page
    assert page.count("<html") == 1
    assert "Sign out" in page


def _intake(session: Session, client: TestClient, user: User, description: str) -> int:
    playbook = PLAYBOOK
    case = cases_service.intake(
        session,
        case_in=CaseCreate(customer_contact="jan@example.pl", description=description),
        actor=user,
        playbook=playbook,
    )
    session.commit()
    return case.id


def test_customer_text_on_a_case_page_is_inert(
    client: TestClient, login: LoginHelper, users: dict[str, User], session: Session
) -> None:
    case_id = _intake(session, client, users["handler"], f"Faktura za wysoka {HOSTILE}")
    login(client, "handler")
    page = client.get(f"/cases/{case_id}").text
    assert "<script>alert" not in page
    assert "<img src=x" not in page
    assert str(escape(HOSTILE)) in page


def test_the_queue_lists_a_case_with_both_deadlines(
    client: TestClient, login: LoginHelper, users: dict[str, User], session: Session
) -> None:
    case_id = _intake(session, client, users["agent"], "Paczka nie dotarła od dwóch tygodni.")
    login(client, "agent")
    page = client.get("/cases").text
    row = re.search(rf'<tr data-testid="case-row" data-case-id="{case_id}">.*?</tr>', page, re.S)
    assert row
    # the moment as the reader writes it (Polish: "8 gru 2026, 16:00"), to the minute
    assert re.search(
        r'data-testid="resolution-due">\d{1,2} [a-ząćęłńóśźż]{3} \d{4}, \d\d:\d\d', row.group(0)
    )
    assert re.search(r'data-testid="legal-due">\d{1,2} [a-ząćęłńóśźż]{3} \d{4}', row.group(0))


def test_a_bad_queue_filter_is_named(client: TestClient, login: LoginHelper) -> None:
    login(client, "handler")
    response = client.get("/cases?status=lost")
    assert response.status_code == 422
    assert "lost" in response.text


def _contact(
    session: Session,
    agent: User,
    channel: str,
    *,
    lang: str | None = None,
    line: str | None = None,
    ended: bool = False,
) -> Contact:
    """A stored contact of ``agent``'s: started, with the customer's ``line`` if given, ended if
    asked, committed."""
    contact = live_service.start_contact(
        session, agent=agent, channel=channel, lang=lang, playbook=PLAYBOOK
    )
    if line is not None:
        live_service.says(
            session,
            contact_id=contact.id,
            speaker="customer",
            text=line,
            actor=agent,
            playbook=PLAYBOOK,
        )
    if ended:
        live_service.end_contact(session, contact_id=contact.id, actor=agent, playbook=PLAYBOOK)
    session.commit()
    return contact


def test_an_agent_starts_a_contact_and_its_console_shows_the_ladder(
    client: TestClient, login: LoginHelper, csrf_token: TokenGetter
) -> None:
    login(client, "agent")
    token = csrf_token(client, "/console")
    response = client.post(
        "/console",
        data={"channel": "chat", "lang": "auto", "can_transfer": "true", "csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303
    console = client.get(response.headers["location"]).text
    assert 'data-stage="set_boundary"' in console
    assert 'id="console-data"' in console


def test_the_console_embeds_earlier_lines_as_escaped_json(
    client: TestClient, login: LoginHelper, users: dict[str, User], session: Session
) -> None:
    contact = _contact(session, users["agent"], "chat", lang="pl", line=HOSTILE)
    login(client, "agent")
    page = client.get(f"/console/{contact.id}").text
    data = page.split('id="console-data">', 1)[1].split("</script>", 1)[0]
    assert "<" not in data
    assert "\\u003cscript\\u003e" in data


def test_another_agents_console_is_refused(
    client: TestClient, login: LoginHelper, users: dict[str, User], session: Session
) -> None:
    contact = _contact(session, users["supervisor"], "phone")
    login(client, "agent")
    assert client.get(f"/console/{contact.id}").status_code == 403


def test_a_case_opened_from_a_contact_is_prefilled_and_linked(
    client: TestClient,
    login: LoginHelper,
    users: dict[str, User],
    session: Session,
    csrf_token: TokenGetter,
) -> None:
    line = "Na fakturze FV/2026/11/42 mam 200 zł więcej niż w umowie!"
    contact = _contact(session, users["agent"], "phone", lang="pl", line=line, ended=True)
    login(client, "agent")
    form = client.get(f"/cases/new?contact={contact.id}").text
    assert "FV/2026/11/42" in form
    assert 'data-testid="intake-questions"' in form
    # The same draft as intake_from_contact: the labelled facts and the coach's category.
    assert "kwota: 200 PLN" in form
    assert '<option value="invoice_error" selected>' in form
    token = csrf_token(client, f"/cases/new?contact={contact.id}")
    response = client.post(
        "/cases/new",
        data={
            "csrf_token": token,
            "contact_id": str(contact.id),
            "customer_contact": "+48 601 234 567",
            "description": line,
            "channel": "phone",
            "language": "pl",
            "references": "FV/2026/11/42",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    case_id = int(response.headers["location"].rsplit("/", 1)[1])
    case = cases_service.get_or_raise(session, case_id=case_id)
    assert case.source_contact_id == contact.id
    assert case.references == ["FV/2026/11/42"]


def test_a_case_form_missing_the_customer_is_refused_by_field(
    client: TestClient, login: LoginHelper, csrf_token: TokenGetter
) -> None:
    login(client, "agent")
    token = csrf_token(client, "/cases/new")
    response = client.post(
        "/cases/new", data={"csrf_token": token, "description": "x", "channel": "phone"}
    )
    assert response.status_code == 422
    # the field by its label in the reader's language, not its internal name
    assert "Telefon lub e-mail klienta" in response.text
    # the form's own inputs carry the name; the words the reader sees never do
    visible = re.sub(r"<[^>]*>", " ", response.text.split("<main", 1)[1])
    assert "customer_contact" not in visible
    assert 'aria-invalid="true"' in response.text.split('id="customer_contact"', 1)[1][:400]


def test_the_board_lists_live_contacts_for_a_supervisor(
    client: TestClient, login: LoginHelper, users: dict[str, User], session: Session
) -> None:
    contact = _contact(session, users["agent"], "chat")
    login(client, "supervisor")
    page = client.get("/board").text
    assert f'data-contact-id="{contact.id}"' in page


def _handler_moves(
    session: Session,
    client: TestClient,
    login: LoginHelper,
    csrf_token: TokenGetter,
    users: dict[str, User],
    **form: str,
) -> tuple[int, httpx.Response]:
    """A new case, and the handler's answer to posting its transition form with ``form``."""
    case_id = _intake(session, client, users["agent"], "Reklamacja: zepsuty czajnik.")
    login(client, "handler")
    token = csrf_token(client, f"/cases/{case_id}")
    response = client.post(
        f"/cases/{case_id}/transition",
        data={**form, "csrf_token": token},
        follow_redirects=False,
    )
    return case_id, response


def test_a_handler_moves_a_case_with_the_form_and_the_timeline_shows_it(
    client: TestClient,
    login: LoginHelper,
    users: dict[str, User],
    session: Session,
    csrf_token: TokenGetter,
) -> None:
    case_id, response = _handler_moves(
        session, client, login, csrf_token, users, to="acknowledged", note="Klient poinformowany."
    )
    assert response.status_code == 303
    page = client.get(f"/cases/{case_id}").text
    assert "Klient poinformowany." in page
    assert 'data-testid="case-status">Acknowledged' in page


def test_a_move_the_workflow_forbids_is_refused_by_name(
    client: TestClient,
    login: LoginHelper,
    users: dict[str, User],
    session: Session,
    csrf_token: TokenGetter,
) -> None:
    _, response = _handler_moves(session, client, login, csrf_token, users, to="closed")
    assert response.status_code == 409
    assert "text/html" in response.headers["content-type"]


def _pending_compensation(
    client: TestClient, login: LoginHelper, case_id: int, csrf_token: TokenGetter
) -> None:
    token = csrf_token(client, f"/cases/{case_id}")
    response = client.post(
        f"/cases/{case_id}/compensation",
        data={"kind": "refund", "amount": "1500,00", "reason": "Zwrot ceny", "csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text


def test_a_supervisor_approves_compensation_above_the_agents_limit_from_the_board(
    client: TestClient,
    login: LoginHelper,
    users: dict[str, User],
    session: Session,
    csrf_token: TokenGetter,
) -> None:
    from calmdesk.cases import compensation as compensation_service

    case_id = _intake(
        session, client, users["agent"], "Pralka przestała działać po miesiącu, chcę zwrotu."
    )
    login(client, "agent")
    _pending_compensation(client, login, case_id, csrf_token)
    [offer] = compensation_service.list_(session, case_id=case_id)
    assert offer.status == "pending"
    refused = client.post(
        f"/compensations/{offer.id}/approve",
        data={"rationale": "ok", "csrf_token": csrf_token(client, f"/cases/{case_id}")},
    )
    assert refused.status_code == 403
    login(client, "supervisor")
    board = client.get("/board").text
    assert f'action="/compensations/{offer.id}/approve"' in board
    response = client.post(
        f"/compensations/{offer.id}/approve",
        data={
            "rationale": "Druga awaria",
            "back": "/board",
            "csrf_token": csrf_token(client, "/board"),
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/board"
    session.refresh(offer)
    assert offer.status == "approved"


def test_a_contact_started_on_the_console_is_announced_on_the_board(
    app: FastAPI, client: TestClient, login: LoginHelper, csrf_token: TokenGetter
) -> None:
    login(client, "supervisor")
    with TestClient(app) as agent_client, client.websocket_connect("/ws/board") as board:
        assert board.receive_json()["type"] == "snapshot"
        login(agent_client, "agent")
        token = csrf_token(agent_client, "/console")
        started = agent_client.post(
            "/console",
            data={"channel": "phone", "lang": "pl", "can_transfer": "true", "csrf_token": token},
            follow_redirects=False,
        )
        contact_id = int(started.headers["location"].rsplit("/", 1)[1])
        update = board.receive_json()
    assert update["type"] == "contact_update"
    assert update["contact_id"] == contact_id
    assert update["status"] == "live"
