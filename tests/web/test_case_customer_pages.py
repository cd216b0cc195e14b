"""The case pages on the customer: the new case form keeps what was typed and names the bad
field beside it, every channel is offered and in-person remarks go without a contact; the case
page records the customer's answer, a promised call-back, and shows the survey link."""

from __future__ import annotations

import re
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from calmdesk.cases import service as cases_service
from calmdesk.cases.enums import CaseStatus
from calmdesk.cases.models import Case
from calmdesk.cases.schemas import CustomerUpdate
from calmdesk.playbook.load import default_playbook
from calmdesk.storage.types import utcnow
from calmdesk.users.models import User
from tests.cases.conftest import walk_to
from tests.conftest import LoginHelper, TokenGetter
from tests.web.test_case_legal_and_money_pages import intake

PL = default_playbook("pl")


def test_a_refused_contact_keeps_the_form_and_names_the_field(
    client: TestClient, login: LoginHelper, csrf_token: TokenGetter
) -> None:
    login(client, "agent")  # reads Polish
    page = client.get("/cases/new").text
    for channel in ("phone", "chat", "email", "social", "in_person", "internal"):
        assert f'<option value="{channel}"' in page
    typed = {
        "customer_name": "Jan <b>Kowalski</b>",
        "customer_contact": "12345",
        "description": "Kurier nie przyjechał, czekałem cały dzień.",
        "channel": "phone",
        "language": "pl",
        "csrf_token": csrf_token(client, "/cases/new"),
    }
    refused = client.post("/cases/new", data=typed)
    assert refused.status_code == 422
    assert 'data-testid="error-customer_contact"' in refused.text
    assert "nie jest istniejącym numerem telefonu" in refused.text
    assert 'value="12345"' in refused.text
    assert "Kurier nie przyjechał, czekałem cały dzień." in refused.text
    assert "Jan &lt;b&gt;Kowalski&lt;/b&gt;" in refused.text  # escaped, still there
    assert "<b>Kowalski</b>" not in refused.text


def test_a_remark_made_in_person_is_recorded_without_a_contact(
    client: TestClient, login: LoginHelper, csrf_token: TokenGetter, session: Session
) -> None:
    login(client, "agent")
    made = client.post(
        "/cases/new",
        data={
            "customer_contact": "",
            "description": "Klientka powiedziała w szatni, że w sali jest za zimno.",
            "channel": "in_person",
            "language": "pl",
            "csrf_token": csrf_token(client, "/cases/new"),
        },
        follow_redirects=False,
    )
    assert made.status_code == 303, made.text
    case_id = int(made.headers["location"].rsplit("/", 1)[1])
    case = session.get(Case, case_id)
    assert case is not None and case.customer_contact is None and case.channel == "in_person"
    assert "brak kontaktu" in client.get(f"/cases/{case_id}").text


def test_resolving_on_the_page_records_the_answer_and_a_call_back_shows(
    client: TestClient,
    login: LoginHelper,
    csrf_token: TokenGetter,
    session: Session,
    users: dict[str, User],
) -> None:
    case_id = intake(session, users["handler"])
    case = cases_service.get_or_raise(session, case_id=case_id)
    walk_to(session, case, CaseStatus.IN_PROGRESS, PL)
    session.commit()
    login(client, "handler")  # reads English
    told = client.post(
        f"/cases/{case_id}/inform",
        data={
            "how": "We will call back after checking the invoice.",
            "channel": "phone",
            "next_contact_at": "2099-03-18T12:00",
            "csrf_token": csrf_token(client, f"/cases/{case_id}"),
        },
        follow_redirects=False,
    )
    assert told.status_code == 303, told.text
    page = client.get(f"/cases/{case_id}").text
    shown = re.search(r'data-testid="callback-due">([^<]+)<', page)
    assert shown is not None and "2099" in shown.group(1)  # in the reader's own date format
    without = client.post(
        f"/cases/{case_id}/transition",
        data={"to": "resolved", "csrf_token": csrf_token(client, f"/cases/{case_id}")},
    )
    assert without.status_code == 422
    moved = client.post(
        f"/cases/{case_id}/transition",
        data={
            "to": "resolved",
            "customer_answer": "accepted",
            "csrf_token": csrf_token(client, f"/cases/{case_id}"),
        },
        follow_redirects=False,
    )
    assert moved.status_code == 303
    page = client.get(f"/cases/{case_id}").text
    assert re.search(r'data-testid="customer-answer">Accepted the solution<', page)
    assert 'data-testid="callback-due"' not in page


def test_a_closed_case_shows_its_survey_link_and_the_results_page_counts_it(
    client: TestClient, login: LoginHelper, session: Session, users: dict[str, User]
) -> None:
    case_id = intake(session, users["handler"])
    walk_to(session, cases_service.get_or_raise(session, case_id=case_id), CaseStatus.CLOSED, PL)
    session.commit()
    login(client, "handler")
    page = client.get(f"/cases/{case_id}").text
    link = re.search(r'data-testid="survey-link">([^<]+)<', page)
    assert link is not None and "/survey/" in link.group(1)
    login(client, "supervisor")  # reads Russian
    results = client.get("/satisfaction?by=category").text
    assert "Удовлетворённость клиентов" in results
    assert re.search(r"<td>1</td><td>0</td>", results)


def test_the_queue_lists_call_backs_due_soon_with_a_badge(
    client: TestClient, login: LoginHelper, session: Session, users: dict[str, User]
) -> None:
    soon, later = (intake(session, users["handler"]) for _ in range(2))
    for case_id, hours in ((soon, 2), (later, 30)):
        case = cases_service.get_or_raise(session, case_id=case_id)
        walk_to(session, case, CaseStatus.IN_PROGRESS, PL)
        cases_service.inform_customer(
            session,
            case=case,
            update=CustomerUpdate(
                how="Oddzwonimy.",
                channel="phone",
                next_contact_at=utcnow() + timedelta(hours=hours),
            ),
            actor_id=None,
        )
    session.commit()
    login(client, "handler")
    queue = client.get("/cases?due=callback").text
    rows = re.findall(r'data-case-id="(\d+)"', queue)
    assert rows == [str(soon)]
    assert 'data-testid="callback-badge"' in queue
