"""The customer's contact is checked and stored in one spelling; in-person and internal remarks
may go without; resolving records the customer's answer; a promised next contact is a call-back."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from calmdesk.cases import service
from calmdesk.cases.contacts import ContactProblem, InvalidContact, check_contact
from calmdesk.cases.enums import CaseStatus, Channel, CustomerAnswer
from calmdesk.cases.errors import CustomerAnswerRequired
from calmdesk.cases.schemas import CaseFilters, CustomerUpdate, PageParams
from calmdesk.playbook.schema import Playbook
from calmdesk.storage.types import utcnow
from tests.cases.conftest import MakeCase

Headers = dict[str, dict[str, str]]


@pytest.mark.parametrize(
    ("given", "channel", "region", "stored"),
    [
        ("+48 601 234 567", "phone", "PL", "+48601234567"),
        ("601-234-567", "phone", "PL", "+48601234567"),
        ("8 (912) 345-67-89", "phone", "RU", "+79123456789"),
        ("+7 912 345 67 89", "chat", "PL", "+79123456789"),
        ("  Jan.Kowalski@Example.PL ", "email", "PL", "jan.kowalski@example.pl"),
        ("anna@пример.рф", "email", "RU", "anna@пример.рф"),
        ("facebook:@anna.nowak", "social", "PL", "facebook:@anna.nowak"),
        ("chatwoot:42", "chat", "PL", "chatwoot:42"),
        ("@tomek_w", "social", "PL", "@tomek_w"),
    ],
)
def test_a_contact_is_stored_in_one_spelling(
    given: str, channel: str, region: str, stored: str
) -> None:
    checked = check_contact(given, channel, region)
    assert checked is not None
    assert checked.shown == stored


@pytest.mark.parametrize(
    ("given", "channel", "problem"),
    [
        ("12345", "phone", ContactProblem.NOT_A_PHONE),
        ("+48 000 000 000", "email", ContactProblem.NOT_A_PHONE),
        ("jan@", "email", ContactProblem.NOT_AN_EMAIL),
        ("jan@@example.pl", "phone", ContactProblem.NOT_AN_EMAIL),
        ("jan kowalski", "phone", ContactProblem.NOT_A_CONTACT),
        ("facebook:@anna", "phone", ContactProblem.NOT_A_CONTACT),
        ("", "phone", ContactProblem.REQUIRED),
        ("   ", "email", ContactProblem.REQUIRED),
    ],
)
def test_a_contact_that_is_none_of_them_is_refused_with_the_reason(
    given: str, channel: str, problem: ContactProblem
) -> None:
    with pytest.raises(InvalidContact) as refused:
        check_contact(given, channel, "PL")
    assert refused.value.problem == problem


@pytest.mark.parametrize("channel", [Channel.IN_PERSON, Channel.INTERNAL])
def test_an_in_person_or_internal_remark_needs_no_contact(
    make_case: MakeCase, channel: Channel
) -> None:
    case = make_case(channel=channel, customer_contact=None)
    assert case.customer_contact is None
    assert case.customer_key is None


@pytest.mark.parametrize(
    ("contact", "who", "reason", "words"),
    [
        ("12", "agent", "not_a_phone", "nie jest istniejącym numerem telefonu"),
        ("jan@", "supervisor", "not_an_email", "некорректный адрес"),
        (None, "handler", "contact_required", "is needed for this channel"),
    ],
)
def test_the_api_names_the_contact_problem_in_the_askers_language(
    client: TestClient,
    tokens: Headers,
    contact: str | None,
    who: str,
    reason: str,
    words: str,
) -> None:
    """The agent reads Polish, the supervisor Russian, the handler English."""
    body: dict[str, Any] = {"channel": "phone", "description": "Faktura jest za wysoka."}
    if contact is not None:
        body["customer_contact"] = contact
    response = client.post("/api/cases", json=body, headers=tokens[who])
    assert response.status_code == 422
    answer = response.json()
    assert (answer["code"], answer["field"], answer["reason"]) == (
        "customer_contact_invalid",
        "customer_contact",
        reason,
    )
    assert words in answer["message"]


def test_the_api_stores_the_phone_in_e164_and_finds_it_by_any_spelling(
    client: TestClient, tokens: Headers
) -> None:
    created = client.post(
        "/api/cases",
        json={"channel": "phone", "customer_contact": "601 234 567", "description": "Za drogo."},
        headers=tokens["agent"],
    )
    assert created.status_code == 201, created.text
    assert created.json()["customer_contact"] == "+48601234567"
    found = client.get(
        "/api/cases", params={"customer_contact": "+48-601-234-567"}, headers=tokens["handler"]
    )
    assert [c["id"] for c in found.json()["items"]] == [created.json()["id"]]


def test_resolving_needs_the_customers_answer_and_records_it(
    make_case: MakeCase, walk: Any, session: Session, pl: Playbook
) -> None:
    case = walk(make_case(), CaseStatus.IN_PROGRESS)
    with pytest.raises(CustomerAnswerRequired):
        service.transition(
            session, case=case, to=CaseStatus.RESOLVED, actor_id=None, note=None, playbook=pl
        )
    assert case.status == CaseStatus.IN_PROGRESS
    service.transition(
        session,
        case=case,
        to=CaseStatus.RESOLVED,
        actor_id=None,
        note=None,
        playbook=pl,
        customer_answer=CustomerAnswer.REJECTED,
    )
    assert (case.status, case.customer_answer) == (CaseStatus.RESOLVED, "rejected")


def test_the_api_refuses_resolving_without_the_answer(client: TestClient, tokens: Headers) -> None:
    created = client.post(
        "/api/cases",
        json={"customer_contact": "jan@example.pl", "description": "Faktura jest za wysoka."},
        headers=tokens["agent"],
    ).json()
    url = f"/api/cases/{created['id']}/transitions"
    for to in ("acknowledged", "in_progress"):
        assert client.post(url, json={"to": to}, headers=tokens["handler"]).status_code == 200
    refused = client.post(url, json={"to": "resolved"}, headers=tokens["supervisor"])
    assert refused.status_code == 422
    assert refused.json()["code"] == "customer_answer_required"
    assert "ответ клиента" in refused.json()["message"]
    moved = client.post(
        url, json={"to": "resolved", "customer_answer": "no_answer"}, headers=tokens["handler"]
    )
    assert moved.json()["customer_answer"] == "no_answer"


def test_a_promised_next_contact_is_a_call_back_until_the_customer_is_told_again(
    make_case: MakeCase, walk: Any, session: Session, pl: Playbook
) -> None:
    case = walk(make_case(), CaseStatus.IN_PROGRESS)
    promised = (utcnow() + timedelta(hours=3)).replace(microsecond=0)
    service.inform_customer(
        session,
        case=case,
        update=CustomerUpdate(
            how="Oddzwonimy po sprawdzeniu faktury.", channel="phone", next_contact_at=promised
        ),
        actor_id=None,
    )
    assert (case.callback_due, case.callback_channel) == (promised, "phone")
    due_soon = service.list_(
        session,
        filters=CaseFilters(callback_before=promised + timedelta(minutes=1)),
        page=PageParams(),
    )
    assert [c.id for c in due_soon.items] == [case.id]
    not_yet = service.list_(
        session, filters=CaseFilters(callback_before=promised), page=PageParams()
    )
    assert case.id not in [c.id for c in not_yet.items]
    service.inform_customer(
        session,
        case=case,
        update=CustomerUpdate(how="Korekta faktury jest wysłana.", channel="phone"),
        actor_id=None,
    )
    assert case.callback_due is None


def test_resolving_ends_the_call_back(
    make_case: MakeCase, walk: Any, session: Session, pl: Playbook
) -> None:
    case = walk(make_case(), CaseStatus.IN_PROGRESS)
    service.inform_customer(
        session,
        case=case,
        update=CustomerUpdate(
            how="Oddzwonimy.", channel="phone", next_contact_at=utcnow() + timedelta(days=1)
        ),
        actor_id=None,
    )
    assert case.callback_due is not None
    service.transition(
        session,
        case=case,
        to=CaseStatus.RESOLVED,
        actor_id=None,
        note=None,
        playbook=pl,
        customer_answer=CustomerAnswer.ACCEPTED,
    )
    assert case.callback_due is None
