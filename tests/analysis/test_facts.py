"""Facts with normalised values: amounts, dates, durations, references and phone numbers."""

from __future__ import annotations

import pytest

from calmdesk.analysis import analyze


def facts_of(text: str, lang: str | None = None) -> list[tuple[str, str]]:
    return [(fact.kind, fact.value) for fact in analyze(text, lang=lang).facts]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Faktura jest o 200 zł wyższa", "200 PLN"),
        ("zapłaciłem 200 PLN", "200 PLN"),
        ("naliczono 1 500,50 zł", "1500.50 PLN"),
        ("to 200 złotych za nic", "200 PLN"),
        ("списали 300 руб. лишних", "300 RUB"),
        ("списали 300 ₽", "300 RUB"),
        ("ещё 300 рублей", "300 RUB"),
        ("сняли 300р за смс", "300 RUB"),
        ("you charged me $20", "20 USD"),
        ("a fee of 20 USD", "20 USD"),
        ("it was €15", "15 EUR"),
        ("refund £10 please", "10 GBP"),
        ("the bill is $1,250.99", "1250.99 USD"),
    ],
)
def test_it_reads_amounts_with_their_currency(text: str, value: str) -> None:
    assert ("amount", value) in facts_of(text)


@pytest.mark.parametrize("text", ["звонил 300 раз", "mam 200 zamówień", "2 razy dzwoniłem"])
def test_numbers_without_a_currency_are_not_amounts(text: str) -> None:
    assert not [kind for kind, _ in facts_of(text) if kind == "amount"]


def test_an_amount_keeps_number_and_currency_apart() -> None:
    (fact,) = [f for f in analyze("Faktura jest o 1 500,50 zł wyższa").facts if f.kind == "amount"]
    assert (fact.amount, fact.currency, fact.text) == ("1500.50", "PLN", "1 500,50 zł")


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("zamówiłem 12.03.2025", "2025-03-12"),
        ("ordered on 2025-03-12", "2025-03-12"),
        ("dostawa miała być 12 marca", "--03-12"),
        ("обещали 12 марта 2025", "2025-03-12"),
        ("it was due March 12, 2025", "2025-03-12"),
        ("it was due on 12th March", "--03-12"),
        ("dzwoniłem wczoraj", "-P1D"),
        ("звонил вчера", "-P1D"),
        ("I called yesterday", "-P1D"),
        ("przedwczoraj przyszła paczka", "-P2D"),
    ],
)
def test_it_reads_dates(text: str, value: str) -> None:
    assert ("date", value) in facts_of(text)


def test_impossible_dates_are_not_facts() -> None:
    assert not [kind for kind, _ in facts_of("kod 31.02.2025") if kind == "date"]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("czekam trzy tygodnie", "P21D"),
        ("czekam od dwóch tygodni", "P14D"),
        ("czekam od tygodnia", "P7D"),
        ("już 5 dni nic", "P5D"),
        ("уже две недели жду", "P14D"),
        ("жду уже неделю", "P7D"),
        ("третий месяц? нет, уже три месяца", "P3M"),
        ("I've been waiting for three weeks", "P21D"),
        ("on hold for 45 minutes", "PT45M"),
        ("for a week now", "P7D"),
        ("czekam dwanaście godzin", "PT12H"),
    ],
)
def test_it_reads_durations_in_digits_and_words(text: str, value: str) -> None:
    assert ("duration", value) in facts_of(text)


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("dotyczy FV/2025/03/123", "invoice", "FV/2025/03/123"),
        ("faktura nr 123/2025 jest zła", "invoice", "123/2025"),
        ("zamówienie 12345 nie doszło", "order", "12345"),
        ("заказ № 123456 не пришёл", "order", "123456"),
        ("order #A-12345 is missing", "order", "A-12345"),
        ("see ticket 4567", "ticket", "4567"),
        ("reklamacja nr R-2025-77", "ticket", "R-2025-77"),
    ],
)
def test_it_reads_references(text: str, kind: str, value: str) -> None:
    assert (kind, value) in facts_of(text)


@pytest.mark.parametrize(
    ("text", "lang", "value"),
    [
        ("proszę oddzwonić 601 234 567", "pl", "+48601234567"),
        ("мой номер +7 912 345-67-89", "ru", "+79123456789"),
        ("call me on 07911 123456", "en", "+447911123456"),
    ],
)
def test_it_reads_phone_numbers_by_the_language_region(text: str, lang: str, value: str) -> None:
    assert ("phone", value) in facts_of(text, lang)


def test_a_reference_is_not_also_a_phone_number() -> None:
    kinds = [kind for kind, _ in facts_of("zamówienie 601234567 nie doszło", "pl")]
    assert kinds == ["order"]
