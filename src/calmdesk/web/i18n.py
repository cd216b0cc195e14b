"""Translations of the web pages: Babel catalogs in ``web/locale/{pl,ru,en}/LC_MESSAGES``.

The page language is, in order: the signed-in user's stored language, the ``calmdesk_lang``
cookie set by the language picker, the best match of the browser's ``Accept-Language``, and
finally English. Templates call ``_("...")``; the catalogs are compiled ``.mo`` files committed
with the sources (see ``docs/translations.md`` for extracting and compiling).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from babel.support import NullTranslations

from calmdesk.i18n import catalog
from calmdesk.languages import LANGUAGES, NATIVE_NAMES

LOCALE_DIR = Path(__file__).parent / "locale"
SUPPORTED = LANGUAGES
FALLBACK = "en"
LANGUAGE_COOKIE = "calmdesk_lang"
LANGUAGE_NAMES = NATIVE_NAMES
"""Each language named in itself, so a reader finds their own in the picker."""


@lru_cache(maxsize=len(SUPPORTED))
def translations(lang: str) -> NullTranslations:
    """The compiled catalog of ``lang`` (an empty one for English, the source language)."""
    return catalog(str(LOCALE_DIR), "messages", lang)


def gettext_for(lang: str) -> Callable[[str], str]:
    return translations(lang).gettext


def ngettext_for(lang: str) -> Callable[[str, str, int], str]:
    """``ngettext(singular, plural, n)``: the form ``n`` takes in ``lang`` (three in Polish and
    Russian, by the catalog's ``Plural-Forms``)."""
    return translations(lang).ngettext


def parse_accept_language(header: str | None) -> list[str]:
    """The primary language tags of an ``Accept-Language`` header, best first.

    >>> parse_accept_language("ru-RU,ru;q=0.9,en-US;q=0.8,en;q=0.7")
    ['ru', 'en']
    """
    if not header:
        return []
    weighted: list[tuple[float, int, str]] = []
    for index, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        tag = tag.strip().lower()
        if not tag or tag == "*":
            continue
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if quality > 0:
            weighted.append((-quality, index, tag.split("-")[0]))
    seen: list[str] = []
    for _, _, primary in sorted(weighted):
        if primary not in seen:
            seen.append(primary)
    return seen


def choose_language(
    *, user_language: str | None, cookie: str | None, accept_language: str | None
) -> str:
    """The page language from the user's setting, the picker's cookie and the browser."""
    for candidate in (user_language, cookie):
        if candidate in SUPPORTED:
            return candidate
    for tag in parse_accept_language(accept_language):
        if tag in SUPPORTED:
            return tag
    return FALLBACK
