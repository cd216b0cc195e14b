"""Intake: a complaint from any channel becomes a case with a category, severity, team and both
clocks from the playbook."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from calmdesk.cases import service
from calmdesk.cases.categorize import guess_language, suggest_category
from calmdesk.cases.enums import CaseEventKind, CaseStatus
from calmdesk.cases.errors import InvalidCaseInput
from calmdesk.playbook.schema import Playbook
from tests.cases.conftest import MakeCase

# Complaints worded unlike the playbook's own examples, one per language.
SUGGESTIONS = [
    ("pl", "Na fakturze za kwiecień naliczono więcej, niż mówi umowa.", "invoice_error"),
    ("pl", "Paczka miała być w poniedziałek, a do dziś jej nie ma.", "delivery_delay"),
    ("ru", "Посылку обещали во вторник, а её до сих пор нет.", "delivery_delay"),
    ("ru", "Мне дважды списали деньги за одну покупку.", "billing_error"),
    ("en", "The kettle I bought arrived broken and does not work.", "defective_product"),
    ("en", "The parcel was promised for Monday and it still has not arrived.", "delivery_delay"),
]


@pytest.mark.parametrize(("lang", "text", "expected"), SUGGESTIONS)
def test_it_suggests_a_category_from_the_text(
    lang: str, text: str, expected: str, pl: Playbook, ru: Playbook, en: Playbook
) -> None:
    playbook = {"pl": pl, "ru": ru, "en": en}[lang]
    assert suggest_category(playbook, text).category == expected


def test_it_marks_a_suggested_category_and_explains_it(
    make_case: MakeCase, session: Session
) -> None:
    case = make_case(category=None, description="Kurier nie dowiózł paczki na czas.")
    assert case.category == "delivery_delay"
    assert case.category_suggested is True
    created = service.events_of(session, case_id=case.id)[0]
    assert created.kind == CaseEventKind.CREATED
    assert "why" in created.data["suggestion"]


def test_a_given_category_is_not_marked_suggested(make_case: MakeCase) -> None:
    case = make_case(category="invoice_error")
    assert case.category_suggested is False


def test_severity_and_team_come_from_the_playbook(make_case: MakeCase, pl: Playbook) -> None:
    case = make_case(category="payment_service")
    category = pl.category("payment_service")
    assert case.team == category.team
    assert case.severity == category.default_severity
    assert case.status == CaseStatus.RECEIVED


def test_an_explicit_severity_must_belong_to_the_category(make_case: MakeCase) -> None:
    assert make_case(severity="critical").severity == "critical"
    with pytest.raises(InvalidCaseInput) as error:
        make_case(severity="apocalyptic")
    assert error.value.fields["field"] == "severity"


def test_an_unknown_category_is_refused_naming_the_field(make_case: MakeCase) -> None:
    with pytest.raises(InvalidCaseInput) as error:
        make_case(category="weather")
    assert error.value.fields["field"] == "category"
    assert "invoice_error" in error.value.message


@pytest.mark.parametrize("channel", ["phone", "chat", "email", "social", "in_person", "internal"])
def test_every_channel_is_accepted(make_case: MakeCase, channel: str) -> None:
    assert make_case(channel=channel).channel == channel


def test_the_contact_is_normalised_so_a_customer_is_found_again(make_case: MakeCase) -> None:
    case = make_case(customer_contact="  Jan.Kowalski@Example.PL ")
    assert case.customer_contact == "jan.kowalski@example.pl"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Посылка не пришла", "ru"),
        ("Paczka nie dotarła", "pl"),
        ("Zamówienie ma błąd", "pl"),
        ("The parcel never came", "en"),
    ],
)
def test_it_guesses_the_language_when_none_is_given(text: str, expected: str, pl: Playbook) -> None:
    assert guess_language(text, pl) == expected
