"""The coach's words are a Babel catalog: complete in pl and ru, placeholders kept, plural forms
chosen by Babel's rules, and a stored message rendered in the language of whoever reads it."""

from __future__ import annotations

import string
from pathlib import Path
from typing import Any

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from calmdesk.coach import messages
from calmdesk.coach.messages import Text, render, text

LOCALE = Path(messages.LOCALE_DIR)


def _names(msg: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(msg) if name}


def _catalog(lang: str) -> list[tuple[str | None, Any, Any]]:
    with (LOCALE / lang / "LC_MESSAGES" / "coach.po").open("rb") as handle:
        return [(m.context, m.id, m.string) for m in read_po(handle, locale=lang) if m.id]


@pytest.mark.parametrize("lang", ["pl", "ru"])
def test_every_message_is_translated_with_its_placeholders(lang: str) -> None:
    catalog = {context: (msgid, strings) for context, msgid, strings in _catalog(lang)}
    assert set(catalog) == set(messages.english())
    for key, (msgid, strings) in catalog.items():
        ids = msgid if isinstance(msgid, tuple) else (msgid,)
        forms = strings if isinstance(strings, tuple) else (strings,)
        assert all(forms), key
        wanted = _names(str(ids[0]))
        assert all(_names(str(form)) == wanted for form in forms), key


@pytest.mark.parametrize("lang", ["pl", "ru"])
def test_the_compiled_catalog_matches_its_source(lang: str) -> None:
    source = {(c, i if isinstance(i, str) else i[0]) for c, i, _ in _catalog(lang)}
    with (LOCALE / lang / "LC_MESSAGES" / "coach.mo").open("rb") as handle:
        compiled = {
            (m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in read_mo(handle) if m.id
        }
    assert compiled == source


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("pl", ["1 minutę", "2 minuty", "5 minut", "22 minuty", "12 minut"]),
        ("ru", ["1 минуту", "2 минуты", "5 минут", "21 минуту", "11 минут"]),
        ("en", ["1-minute", "2-minute", "5-minute", "22-minute", "12-minute"]),
    ],
)
def test_plural_forms_follow_the_language(lang: str, expected: list[str]) -> None:
    counts = [1, 2, 5, 22 if lang != "ru" else 21, 12 if lang != "ru" else 11]
    for count, words in zip(counts, expected, strict=True):
        assert words in text("alerts.break_recommended", lang, minutes=count)


def test_a_stored_message_is_rendered_for_each_reader() -> None:
    stored = Text("end_call_reasons.ladder", {"rung": "silent_record"}).to_dict()
    params = stored["params"]
    assert isinstance(params, dict)
    shown = {lang: render(str(stored["key"]), params, lang) for lang in ("pl", "ru", "en")}
    assert "Milcz i notuj" in shown["pl"]
    assert "Молчите" in shown["ru"]
    assert "Silence, note every word" in shown["en"]
    # the stage's internal key never reaches a reader
    assert all("silent_record" not in words for words in shown.values())


def test_an_unknown_rung_is_a_dash_not_a_key() -> None:
    assert render("end_call_reasons.ladder", {"rung": "-"}, "pl").endswith("(teraz: —).")


def test_a_stored_message_this_version_does_not_know_keeps_its_stored_words() -> None:
    from calmdesk.live.localize import localized_record

    stored: dict[str, Any] = {
        "alerts": [{"kind": "abuse", "message": "Stored words", "text": {"key": "alerts.gone"}}],
        "end_call_text": {"key": "end_call_reasons.warnings", "params": {}},
        "end_call_reason": "Stored reason",
    }
    shown = localized_record(stored, "ru")
    assert shown is not None
    assert shown["alerts"][0]["message"] == "Stored words"
    assert shown["end_call_reason"] == "Stored reason"  # a parameter missing: kept as stored
    assert stored["alerts"][0]["message"] == "Stored words"  # the stored row is not touched
