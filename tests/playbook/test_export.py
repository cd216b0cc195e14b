"""The exported policy: complete, in the chosen language, and inert whatever the playbook holds."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from typing import Any

import pytest

from calmdesk.errors import InvalidInput
from calmdesk.playbook.export import ladder, render_html, render_markdown
from calmdesk.playbook.labels import days_text, duration_text, labels, with_slots
from calmdesk.playbook.load import default_playbook
from calmdesk.playbook.schema import Playbook, Stage

HOSTILE = '<script>alert("x")</script>'


class TagCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)


def tags_of(document: str) -> list[str]:
    collector = TagCollector()
    collector.feed(document)
    return collector.tags


@pytest.fixture
def hostile(minimal: dict[str, Any]) -> Playbook:
    minimal["name"] = HOSTILE
    minimal["categories"][0]["name"] = {"en": HOSTILE, "pl": HOSTILE}
    minimal["categories"][0]["examples"] = {
        lang: ["<img src=x onerror=alert(1)>"] for lang in ("en", "pl")
    }
    minimal["phrases"]["negative_wordings"]["en"][0]["alternative"] = "a | b <b>bold</b>"
    return Playbook.model_validate(minimal)


def test_html_export_renders_a_script_category_name_inert(hostile: Playbook) -> None:
    document = render_html(hostile, "en")

    assert "script" not in tags_of(document)
    assert "img" not in tags_of(document)
    assert "&lt;script&gt;" in document


def test_markdown_export_escapes_html_and_table_pipes(hostile: Playbook) -> None:
    document = render_markdown(hostile, "en")

    assert "<script>" not in document
    assert "&lt;script&gt;" in document
    assert "a \\| b &lt;b&gt;bold&lt;/b&gt;" in document


def test_html_export_is_a_complete_document_unless_a_fragment_is_asked() -> None:
    playbook = default_playbook("pl")
    whole = render_html(playbook, "pl")
    fragment = render_html(playbook, "pl", fragment=True)

    assert whole.lstrip().startswith("<!DOCTYPE html>")
    assert '<html lang="pl">' in whole
    assert "<html" not in fragment
    assert "<body" not in fragment
    assert fragment.strip().startswith('<article class="playbook" lang="pl">')


@pytest.mark.parametrize("key", ["pl", "ru", "en"])
@pytest.mark.parametrize("lang", ["pl", "ru", "en"])
def test_every_default_exports_in_every_language_with_its_headings(key: str, lang: str) -> None:
    playbook = default_playbook(key)
    words = labels(lang)
    # Compare unescaped text: each format escapes quotes its own way.
    for document in (render_html(playbook, lang), render_markdown(playbook, lang)):
        text = html.unescape(document)
        for heading in ("categories", "compensation", "intake", "conversation", "phrasebook"):
            assert words[heading] in text
        for category in playbook.categories:
            assert category.name[lang] in text
        for stage in Stage:
            assert with_slots(playbook.phrases.stages[stage][lang][0], lang) in text
        assert not re.search(r"\{[a-z_]+\}", text)  # no placeholder reaches a reader


@pytest.mark.parametrize(
    ("lang", "phrase", "expected"),
    [
        ("pl", "Nazywam się {agent_name}.", "Nazywam się [imię i nazwisko]."),
        ("ru", "Меня зовут {agent_name}.", "Меня зовут [ваше имя]."),
        ("en", "By {deadline}, via {channel}.", "By [the date], via [the channel]."),
    ],
)
def test_a_phrases_placeholders_read_as_what_they_stand_for(
    lang: str, phrase: str, expected: str
) -> None:
    assert with_slots(phrase, lang) == expected
    assert with_slots("{unknown_slot}", lang) == "{unknown_slot}"


def test_export_shows_kpi_beside_the_legal_deadline_with_basis_and_consequence() -> None:
    playbook = default_playbook("pl")
    payments = playbook.category("payment_service")
    document = render_markdown(playbook, "en")

    assert "15 business days (in complex cases up to 35 business days)" in document
    assert payments.legal.basis["en"] in document
    assert payments.legal.consequence["en"] in document
    assert "First response 2 h; Resolution 37 h 30 min" in document


def test_en_defaults_are_marked_to_confirm_in_the_export() -> None:
    document = render_html(default_playbook("en"), "en")
    assert document.count("to confirm with counsel") == len(default_playbook("en").categories)


def test_export_refuses_a_language_the_playbook_lacks() -> None:
    with pytest.raises(InvalidInput, match="'de' is not one of"):
        render_markdown(default_playbook("pl"), "de")


def test_the_ladder_drops_rungs_the_policy_forbids(minimal: dict[str, Any]) -> None:
    minimal["conversation"].update(transfer_available=False, end_call_allowed=False)
    strict = Playbook.model_validate(minimal)
    assert Stage.TRANSFER not in ladder(strict)
    assert Stage.END_CALL not in ladder(strict)
    assert ladder(default_playbook("pl"))[-2:] == [Stage.TRANSFER, Stage.END_CALL]


@pytest.mark.parametrize(
    ("lang", "count", "business", "text"),
    [
        ("pl", 1, False, "1 dzień"),
        ("pl", 14, False, "14 dni"),
        ("pl", 3, True, "3 dni robocze"),
        ("pl", 15, True, "15 dni roboczych"),
        ("ru", 1, False, "1 день"),
        ("ru", 21, False, "21 день"),
        ("ru", 3, False, "3 дня"),
        ("ru", 10, False, "10 дней"),
        ("ru", 12, True, "12 рабочих дней"),
        ("ru", 22, True, "22 рабочих дня"),
        ("en", 1, True, "1 business day"),
        ("en", 45, False, "45 days"),
    ],
)
def test_day_counts_use_each_languages_plural(
    lang: str, count: int, business: bool, text: str
) -> None:
    assert days_text(lang, count, business=business) == text


def test_durations_read_in_hours_and_minutes() -> None:
    from datetime import timedelta

    assert duration_text("en", timedelta(hours=22, minutes=30)) == "22 h 30 min"
    assert duration_text("ru", timedelta(minutes=45)) == "45 мин"
    assert duration_text("pl", timedelta(days=2)) == "48 godz."


def test_working_hours_group_consecutive_days_with_the_same_periods(
    minimal: dict[str, Any],
) -> None:
    assert "Mon–Fri 08:00-12:00, 12:30-16:00" in render_markdown(default_playbook("pl"), "en")
    separate = render_markdown(Playbook.model_validate(minimal), "pl")
    assert "pon. 08:00-12:00, 12:30-16:00; pt. 09:00-13:00" in separate


@pytest.mark.parametrize(
    ("lang", "sentence"),
    [
        ("pl", "najwyżej 600,00\xa0zł w ciągu 30 dni"),
        ("ru", "не больше 600,00\xa0PLN за 30 дней"),
        ("en", "at most PLN\xa0600.00 over 30 days"),
    ],
)
def test_export_states_the_cap_per_customer_and_period(lang: str, sentence: str) -> None:
    playbook = default_playbook("pl")
    assert sentence in render_markdown(playbook, lang)
    assert sentence in html.unescape(render_html(playbook, lang))
    uncapped = playbook.model_copy(update={"customer_compensation_cap": None})
    assert 'data-testid="customer-cap"' not in render_html(uncapped, lang)


def test_a_cap_needs_a_positive_period(minimal: dict[str, Any]) -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match=r"customer_compensation_cap\.period_days"):
        Playbook.model_validate(
            {**minimal, "customer_compensation_cap": {"amount": 100, "period_days": 0}}
        )
