"""Personal data per country and redaction."""

from __future__ import annotations

import pytest

from calmdesk.analysis import analyze, find_pii, redact
from calmdesk.errors import InvalidInput


@pytest.mark.parametrize(
    ("text", "kind", "found"),
    [
        ("PESEL 44051401359 proszę", "pesel", "44051401359"),
        ("konto PL61 1090 1014 0000 0712 1981 2874", "iban", "PL61 1090 1014 0000 0712 1981 2874"),
        ("konto 61 1090 1014 0000 0712 1981 2874", "iban", "61 1090 1014 0000 0712 1981 2874"),
        ("IBAN GB82WEST12345698765432", "iban", "GB82WEST12345698765432"),
        ("karta 4111 1111 1111 1111", "card", "4111 1111 1111 1111"),
        ("card 5555-5555-5555-4444 was charged", "card", "5555-5555-5555-4444"),
        ("mail jan.kowalski@example.com", "email", "jan.kowalski@example.com"),
        ("ИНН 7707083893", "inn", "7707083893"),
        ("СНИЛС 112-233-445 95", "snils", "112-233-445 95"),
        ("tel. 601 234 567", "phone", "601 234 567"),
    ],
)
def test_it_finds_personal_data(text: str, kind: str, found: str) -> None:
    assert [(span.kind, span.text) for span in find_pii(text, "pl")] == [(kind, found)]


@pytest.mark.parametrize(
    "text",
    [
        "PESEL 44051401358",  # wrong check digit
        "karta 4111 1111 1111 1112",  # fails Luhn
        "ИНН 7707083890",
        "zamówienie 12345678901234",
    ],
)
def test_numbers_with_a_wrong_checksum_are_not_personal_data(text: str) -> None:
    assert find_pii(text, "pl") == []


def test_redact_replaces_every_kind_with_a_placeholder() -> None:
    text = "Jan, tel. 601 234 567, jan@example.com, PESEL 44051401359, karta 4111 1111 1111 1111"
    assert redact(text, lang="pl") == "Jan, tel. [PHONE], [EMAIL], PESEL [PESEL], karta [CARD]"


def test_redact_can_keep_some_kinds() -> None:
    text = "tel. 601 234 567, jan@example.com"
    assert redact(text, kinds=["email"], lang="pl") == "tel. 601 234 567, [EMAIL]"


def test_redact_names_an_unknown_kind() -> None:
    with pytest.raises(InvalidInput, match="fingerprint") as error:
        redact("x", kinds=["fingerprint"])
    assert error.value.code == "unknown_pii_kind"


def test_redact_leaves_text_without_personal_data_alone() -> None:
    assert redact("Faktura jest o 200 zł wyższa") == "Faktura jest o 200 zł wyższa"


def test_signals_carry_personal_data_spans() -> None:
    signals = analyze("Mój mail to jan@example.com")
    assert [(span.kind, span.start, span.end) for span in signals.pii] == [("email", 12, 27)]


@pytest.mark.parametrize(
    ("text", "redacted"),
    [
        (
            "Мой паспорт: серия 45 06 номер 123456, звоните",
            "Мой паспорт: серия [PASSPORT], звоните",
        ),
        ("паспорт 4506123456", "паспорт [PASSPORT]"),
        ("Данные: 45 06 123456.", "Данные: [PASSPORT]."),
        ("Заказ 4506123456 не пришёл", "Заказ 4506123456 не пришёл"),  # no word, no spacing
    ],
)
def test_a_russian_passport_number_is_redacted_like_a_pesel(text: str, redacted: str) -> None:
    assert redact(text, lang="ru") == redacted
