"""Page language choice and the translation catalogs."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from calmdesk.web.i18n import LOCALE_DIR, choose_language, gettext_for, parse_accept_language


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
    translated = {m.id for m in catalog if m.id and m.string}
    assert wanted - translated == set()


@pytest.mark.parametrize("lang", ["pl", "ru"])
def test_the_compiled_catalog_matches_its_source(lang: str) -> None:
    with _catalog(lang).open("rb") as handle:
        source = {m.id: m.string for m in read_po(handle, locale=lang) if m.id}
    with _catalog(lang).with_suffix(".mo").open("rb") as handle:
        compiled = {m.id: m.string for m in read_mo(handle) if m.id}
    assert compiled == source


def test_placeholders_survive_translation() -> None:
    for lang in ("pl", "ru"):
        text = gettext_for(lang)("Case {number}")
        assert text.format(number=7).endswith("7")
        assert text != "Case {number}"
