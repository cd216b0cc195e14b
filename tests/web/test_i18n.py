"""Page language choice and the translation catalogs."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from calmdesk.web.i18n import (
    LOCALE_DIR,
    choose_language,
    gettext_for,
    ngettext_for,
    parse_accept_language,
)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("ru-RU,ru;q=0.9,en-US;q=0.8,en;q=0.7", ["ru", "en"]),
        ("en;q=0.2, pl", ["pl", "en"]),
        ("de-DE, *;q=0.5", ["de"]),
        ("pl;q=0, ru", ["ru"]),
        ("en;q=bogus, ru", ["ru"]),
        ("", []),
        (None, []),
    ],
)
def test_it_reads_the_browser_languages_best_first(header: str | None, expected: list[str]) -> None:
    assert parse_accept_language(header) == expected


def test_the_users_choice_beats_the_cookie_and_the_browser() -> None:
    assert choose_language(user_language="ru", cookie="pl", accept_language="en") == "ru"
    assert choose_language(user_language=None, cookie="pl", accept_language="en") == "pl"
    assert choose_language(user_language=None, cookie=None, accept_language="de, ru;q=0.5") == "ru"
    assert choose_language(user_language=None, cookie="xx", accept_language="de") == "en"


def _catalog(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po"


@pytest.mark.parametrize("lang", ["pl", "ru"])
def test_every_interface_message_is_translated(lang: str) -> None:
    with _catalog(lang).open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    with (LOCALE_DIR / "messages.pot").open("rb") as handle:
        template = read_po(handle)
    wanted = {m.id for m in template if m.id}
    # A plural message needs every one of its forms (three in Polish and Russian).
    translated = {
        m.id for m in catalog if m.id and m.string and all(m.string if m.pluralizable else [1])
    }
    assert wanted - translated == set()


@pytest.mark.parametrize("lang", ["pl", "ru"])
def test_the_compiled_catalog_matches_its_source(lang: str) -> None:
    def key(value: object) -> object:
        return tuple(value) if isinstance(value, list | tuple) else value

    with _catalog(lang).open("rb") as handle:
        source = {key(m.id): key(m.string) for m in read_po(handle, locale=lang) if m.id}
    with _catalog(lang).with_suffix(".mo").open("rb") as handle:
        compiled = {key(m.id): key(m.string) for m in read_mo(handle) if m.id}
    assert compiled == source


def test_placeholders_survive_translation() -> None:
    for lang in ("pl", "ru"):
        text = gettext_for(lang)("Case {number}")
        assert text.format(number=7).endswith("7")
        assert text != "Case {number}"


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("pl", ["Znaleziono 1 zgłoszenie", "Znaleziono 3 zgłoszenia", "Znaleziono 5 zgłoszeń"]),
        ("ru", ["Найдена 1 претензия", "Найдено 3 претензии", "Найдено 5 претензий"]),
        ("en", ["1 case found", "3 cases found", "5 cases found"]),
    ],
)
def test_counts_take_the_plural_form_of_the_language(lang: str, expected: list[str]) -> None:
    ngettext = ngettext_for(lang)
    shown = [
        ngettext("{count} case found", "{count} cases found", n).format(count=n) for n in (1, 3, 5)
    ]
    assert shown == expected
