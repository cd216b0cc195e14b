"""The one translation mechanism: Babel catalogs (``.po`` translated, ``.mo`` compiled and
committed), one domain per package that has words for people. The web pages read the
``messages`` domain in ``web/locale``; the coach reads the ``coach`` domain in ``coach/locale``.
Plurals go through the catalog's own ``Plural-Forms`` (CLDR rules: three forms in Polish and
Russian), never around them by wording.

Dates, durations and money are formatted with Babel's CLDR data for the reader's language
(:func:`format_moment`, :func:`format_duration`, :func:`format_money`); moments in the
company's time zone.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time, get_datetime_format
from babel.numbers import format_currency, format_decimal
from babel.support import NullTranslations, Translations
from babel.units import format_unit

from calmdesk.languages import LANGUAGES

SOURCE_LANGUAGE = "en"
"""The language the msgids are written in."""


@lru_cache(maxsize=32)
def catalog(directory: str, domain: str, lang: str) -> NullTranslations:
    """The compiled catalog of ``domain`` in ``lang`` under ``directory`` (the English source
    for English or an unknown language: msgids are the English texts)."""
    if lang not in LANGUAGES or lang == SOURCE_LANGUAGE:
        return NullTranslations()
    return Translations.load(directory, [lang], domain=domain)


def locale_dir(package_file: str) -> str:
    """The ``locale`` folder beside a package's ``__init__``/module file."""
    return str(Path(package_file).parent / "locale")


def format_moment(moment: datetime, lang: str, timezone: str) -> str:
    """``12 lis 2026, 16:00`` / ``12 нояб. 2026 г., 16:00`` / ``Nov 12, 2026, 4:00 PM``: in the
    company's time zone, to the minute, as a reader of ``lang`` writes it."""
    local = moment.astimezone(ZoneInfo(timezone))
    pattern = get_datetime_format("medium", locale=lang)
    return str(pattern).format(
        format_time(local, "short", locale=lang), format_date(local, "medium", locale=lang)
    )


def format_day(day: date, lang: str) -> str:
    """A calendar day as ``lang`` writes it (``12 lis 2026``)."""
    return format_date(day, format="medium", locale=lang)


def format_duration(delta: timedelta, lang: str) -> str:
    """``14 dni``, ``3 часа``, ``90 minutes``: in the unit it divides into (days, hours, else
    minutes), in the reader's words, never ``P14D``."""
    minutes = int(delta.total_seconds() // 60)
    if minutes and minutes % (24 * 60) == 0:
        return str(format_unit(minutes // (24 * 60), "duration-day", length="long", locale=lang))
    if minutes and minutes % 60 == 0:
        return str(format_unit(minutes // 60, "duration-hour", length="long", locale=lang))
    return str(format_unit(minutes, "duration-minute", length="long", locale=lang))


PERCENT = "%"


def format_money(amount: Decimal | str | float, currency: str, lang: str) -> str:
    """``1 250,50 zł``, ``1 250,50 ₽``, ``PLN 1,250.50``: as a native speaker writes money (a
    ``%`` "currency", a percent discount, as ``15 %`` / ``15%``)."""
    value = Decimal(str(amount))
    if currency == PERCENT:
        number = format_decimal(value, locale=lang)
        return f"{number}\u00a0%" if lang in ("pl", "ru") else f"{number}%"
    text = str(format_currency(value, currency, locale=lang))
    # CLDR glues a currency code to the number in English ("PLN1,250.50"); a code is a word
    # and is written apart from the number, as a native writes it ("PLN 1,250.50").
    return re.sub(r"^([A-Z]{3})(?=[\d-])", "\\1\u00a0", text)
