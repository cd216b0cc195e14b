"""Every spelling of one phone or e-mail gives one key; other phones and contacts do not."""

from __future__ import annotations

import pytest

from calmdesk.analysis.contact_keys import contact_key, keys_in


@pytest.mark.parametrize(
    "spelling",
    [
        "+48 601 234 567",
        "+48601234567",
        "601-234-567",
        "601 234 567",
        "0048 601 234 567",
        "(601) 234 567",
        " +48 (601) 234-567 ",
    ],
)
def test_the_spellings_of_a_polish_number_are_one_key(spelling: str) -> None:
    assert contact_key(spelling, "PL") == "+48601234567"


def test_a_national_number_is_read_in_the_companys_country() -> None:
    assert contact_key("8 912 000-00-00", "RU") == "+79120000000"
    assert contact_key("+7 912 000-00-00", "PL") == "+79120000000"
    # No valid number in Poland: its digits still make one key for its spellings.
    assert contact_key("8 912 000-00-00", "PL") == contact_key("8(912)0000000", "PL")
    assert contact_key("601 234 567", "PL") != contact_key("601 234 568", "PL")


def test_e_mails_and_handles_are_trimmed_and_case_folded() -> None:
    assert contact_key("  Jan.Kowalski@Example.PL ") == "jan.kowalski@example.pl"
    assert contact_key("facebook:@Marta.K") == "facebook:@marta.k"
    assert contact_key("12345") == "12345"  # too short to be a phone: kept as written


def test_the_keys_of_a_text_are_its_phones_and_e_mails() -> None:
    line = "Mój numer 601 234 567, mail Jan.Kowalski@Example.PL, zamówienie 48213."
    assert keys_in(line, "PL", "pl") == {"+48601234567", "jan.kowalski@example.pl"}
    assert keys_in("Номер 8 912 000-00-00", "PL", "ru") == {"+79120000000"}
    assert keys_in("Faktura FV/2026/03/118 na 200 zł", "PL", "pl") == set()
