"""The case page and the board on the legal clock and the money rules: the basis and the
consequence beside the legal date, "missed" in red and listed apart on the board, a provisional
date with its reason, the override of a waiting compensation and the answer to a rejection."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from calmdesk.cases import compensation as compensation_service
from calmdesk.cases import service as cases_service
from calmdesk.cases.enums import CaseStatus
from calmdesk.cases.models import Case
from calmdesk.cases.schemas import CaseCreate
from calmdesk.playbook.load import default_playbook
from calmdesk.playbook.schema import Playbook
from calmdesk.users.models import User
from tests.cases.conftest import decide, offer, walk_to
from tests.conftest import LoginHelper, TokenGetter

PL = default_playbook("pl")
RU = default_playbook("ru")
MARCH = datetime(2026, 3, 2, 8, tzinfo=UTC)


def intake(
    session: Session,
    user: User,
    *,
    playbook: Playbook = PL,
    received_at: datetime | None = None,
    **fields: str,
) -> int:
    case = cases_service.intake(
        session,
        case_in=CaseCreate(
            customer_contact=fields.pop("customer_contact", "jan@example.pl"),
            description=fields.pop("description", "Faktura jest za wysoka o 200 zł."),
            category=fields.pop("category", "invoice_error"),
            received_at=received_at,
            **fields,
        ),
        actor=user,
        playbook=playbook,
        now=received_at,
    )
    session.commit()
    return case.id


AgentsCase = Callable[..., Case]


@pytest.fixture
def agents_case(session: Session, users: dict[str, User]) -> AgentsCase:
    """``agents_case(status, refund=reason)``: an invoice case the agent recorded, walked to
    ``status`` (received unless told), with the agent's 900 PLN refund for ``reason`` proposed
    when one is given; committed."""

    def make(status: CaseStatus = CaseStatus.RECEIVED, *, refund: str | None = None) -> Case:
        case = cases_service.get_or_raise(session, case_id=intake(session, users["agent"]))
        walk_to(session, case, status, PL)
        if refund is not None:
            offer(session, case, PL, "900", users["agent"], reason=refund)
        session.commit()
        return case

    return make


def section(page: str, testid: str) -> str:
    found = re.search(rf'data-testid="{testid}">(.*?)</(ul|dd)>', page, re.S)
    assert found, testid
    return found.group(1)


def test_a_missed_deadline_is_red_with_its_consequence_beside_the_basis(
    client: TestClient, login: LoginHelper, users: dict[str, User], session: Session
) -> None:
    case_id = intake(session, users["handler"], received_at=MARCH)
    login(client, "handler")  # reads English
    legal = section(client.get(f"/cases/{case_id}").text, "legal-due")
    assert "Mar 16, 2026" in legal  # the day as an English reader writes it
    assert '<span class="badge bad" data-testid="legal-badge-missed">missed</span>' in legal
    assert "at risk" not in legal
    assert "Polish Consumer Rights Act, art. 7a" in legal
    assert re.search(
        r'class="small bad-text" data-testid="legal-consequence">If missed: If no', legal
    )
    assert "the complaint is deemed accepted" in legal


def test_the_board_lists_missed_deadlines_apart_from_those_at_risk(
    client: TestClient, login: LoginHelper, users: dict[str, User], session: Session
) -> None:
    missed = intake(session, users["agent"], received_at=MARCH)
    fresh = intake(session, users["agent"])
    login(client, "supervisor")  # reads Russian
    board = client.get("/board").text
    assert f"/cases/{missed}" in section(board, "legal-missed")
    assert f"/cases/{missed}" not in section(board, "legal-risk")
    assert f"/cases/{fresh}" not in section(board, "legal-missed")
    assert "Пропущен срок по закону" in board
    assert "Если ответа нет в срок, претензия считается признанной." in section(
        board, "legal-missed"
    )


def test_a_provisional_date_says_why_on_the_case_the_queue_and_the_board(
    app: FastAPI, client: TestClient, login: LoginHelper, users: dict[str, User], session: Session
) -> None:
    app.state.playbook = RU
    # Recorded (with the service's clock set to then) on 27 December 2027: ten days reach into
    # 2028, whose Russian calendar the data does not have yet.
    case_id = intake(
        session,
        users["agent"],
        playbook=RU,
        received_at=datetime(2027, 12, 27, 7, tzinfo=UTC),
        category="delivery_delay",
        customer_contact="ivan@example.ru",
        description="Заказ не доставили в срок.",
    )
    login(client, "agent")  # reads Polish
    page = client.get(f"/cases/{case_id}").text
    legal = section(page, "legal-due")
    assert "10 sty 2028" in legal  # the day as a Polish reader writes it
    assert "oficjalny kalendarz na 2028 r. nie został jeszcze opublikowany" in legal
    assert "dane kończą się na 2027 r." in legal
    assert "art. 112" in legal
    queue = client.get("/cases?due=legal_provisional").text
    assert f'data-case-id="{case_id}"' in queue
    assert "wstępny: kalendarz na 2028 r. nie jest jeszcze opublikowany" in queue
    login(client, "handler")
    assert "the 2028 calendar is not published yet" in client.get("/cases").text


def test_moving_a_case_with_a_waiting_compensation_needs_a_supervisors_reason(
    agents_case: AgentsCase,
    client: TestClient,
    login: LoginHelper,
    session: Session,
    csrf_token: TokenGetter,
) -> None:
    case_id = agents_case(CaseStatus.IN_PROGRESS, refund="Nadpłata.").id
    login(client, "agent")
    page = client.get(f"/cases/{case_id}").text
    assert 'data-testid="awaiting-approval"' in page
    assert 'name="override_reason"' not in page  # agents cannot override
    refused = client.post(
        f"/cases/{case_id}/transition",
        data={"to": "resolved", "csrf_token": csrf_token(client, f"/cases/{case_id}")},
    )
    assert refused.status_code == 409
    # in the agent's language (Polish), with the menu and "sign out" kept
    assert "czeka na decyzję przełożonego" in refused.text
    assert "awaits" not in refused.text and 'action="/logout"' in refused.text
    login(client, "supervisor")
    assert 'name="override_reason"' in client.get(f"/cases/{case_id}").text
    moved = client.post(
        f"/cases/{case_id}/transition",
        data={
            "to": "resolved",
            "customer_answer": "no_answer",
            "override_reason": "Zwrot wypłacony poza systemem.",
            "csrf_token": csrf_token(client, f"/cases/{case_id}"),
        },
        follow_redirects=False,
    )
    assert moved.status_code == 303
    session.expire_all()
    assert cases_service.get_or_raise(session, case_id=case_id).status == "resolved"
    timeline = section(client.get(f"/cases/{case_id}").text, "timeline")
    assert "Zwrot wypłacony poza systemem." in timeline


def test_the_agent_answers_a_rejection_on_the_case_page_and_both_sides_show(
    agents_case: AgentsCase,
    client: TestClient,
    login: LoginHelper,
    users: dict[str, User],
    session: Session,
    csrf_token: TokenGetter,
) -> None:
    case_id = agents_case(refund="Druga awaria.").id
    [offer] = compensation_service.list_(session, case_id=case_id)
    decide(session, offer, approve=False, by=users["supervisor"], rationale="Za dużo.")
    session.commit()
    login(client, "agent")
    page = client.get(f"/cases/{case_id}").text
    assert f'action="/compensations/{offer.id}/appeal"' in page
    answered = client.post(
        f"/compensations/{offer.id}/appeal",
        data={
            "reason": "Klient <b>odejdzie</b> bez zwrotu.",
            "csrf_token": csrf_token(client, f"/cases/{case_id}"),
        },
        follow_redirects=False,
    )
    assert answered.status_code == 303
    page = client.get(f"/cases/{case_id}").text
    said = section(page, f"exchange-{offer.id}")
    assert said.index("Druga awaria.") < said.index("Za dużo.") < said.index("odejdzie")
    assert "Klient &lt;b&gt;odejdzie&lt;/b&gt; bez zwrotu." in said
    assert "Przełożony" in said and "Konsultant" in said
    assert f'action="/compensations/{offer.id}/appeal"' not in page  # answered once
    login(client, "supervisor")
    board = client.get("/board").text
    assert f'action="/compensations/{offer.id}/approve"' in board
    both = section(board, "approvals")
    assert "Za dużo." in both and "Klient &lt;b&gt;odejdzie&lt;/b&gt; bez zwrotu." in both
    assert "Ответ оператора" in both


def test_a_closed_case_offers_no_compensation_form(
    agents_case: AgentsCase, client: TestClient, login: LoginHelper
) -> None:
    case_id = agents_case(CaseStatus.CLOSED).id
    login(client, "agent")
    page = client.get(f"/cases/{case_id}").text
    assert f'action="/cases/{case_id}/compensation"' not in page
    assert "ponownie otworzyć" in page
