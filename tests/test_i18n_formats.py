"""Moments, days, durations and money as a native reader writes them (Babel's CLDR data), in
the company's time zone: never ``P14D`` nor ``2026-11-12T15:00:00Z``."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from calmdesk.i18n import format_day, format_duration, format_moment, format_money

MOMENT = datetime(2026, 11, 12, 15, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("pl", "12 lis 2026, 16:00"),
        ("ru", "12 нояб. 2026\u202fг., 16:00"),
        ("en", "Nov 12, 2026, 4:00\u202fPM"),
    ],
)
def test_a_moment_is_in_the_companys_time_zone_to_the_minute(lang: str, expected: str) -> None:
    assert format_moment(MOMENT, lang, "Europe/Warsaw") == expected


def test_the_time_zone_is_the_companys_not_the_servers() -> None:
    assert format_moment(MOMENT, "ru", "Europe/Moscow").endswith("18:00")


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("pl", "16 mar 2026"), ("ru", "16 мар. 2026\u202fг."), ("en", "Mar 16, 2026")],
)
def test_a_day(lang: str, expected: str) -> None:
    assert format_day(date(2026, 3, 16), lang) == expected


@pytest.mark.parametrize(
    ("lang", "delta", "expected"),
    [
        ("pl", timedelta(days=14), "14 dni"),
        ("pl", timedelta(days=1), "1 dzień"),
        ("ru", timedelta(days=14), "14 дней"),
        ("ru", timedelta(hours=3), "3 часа"),
        ("en", timedelta(hours=1), "1 hour"),
        ("en", timedelta(minutes=90), "90 minutes"),
    ],
)
def test_a_duration_in_the_unit_it_divides_into(lang: str, delta: timedelta, expected: str) -> None:
    assert format_duration(delta, lang) == expected


@pytest.mark.parametrize(
    ("amount", "currency", "lang", "expected"),
    [
        ("150", "PLN", "pl", "150,00\xa0zł"),
        ("1250.5", "PLN", "pl", "1\xa0250,50\xa0zł"),
        ("1250.5", "RUB", "ru", "1\xa0250,50\xa0₽"),
        ("1250.5", "PLN", "en", "PLN\xa01,250.50"),
        ("1250.5", "GBP", "en", "£1,250.50"),
        ("15", "%", "pl", "15\xa0%"),
        ("15", "%", "en", "15%"),
    ],
)
def test_money_as_a_native_writes_it(amount: str, currency: str, lang: str, expected: str) -> None:
    assert format_money(amount, currency, lang) == expected
