"""What the three default playbooks promise: the law they encode, their calendars, and a
phrasebook the coach can use in every language."""

from __future__ import annotations

from datetime import time

import pytest

from calmdesk.playbook.load import DEFAULT_KEYS, default_playbook
from calmdesk.playbook.schema import STAGE_PLACEHOLDERS, Playbook, Stage, placeholders


@pytest.fixture(params=DEFAULT_KEYS)
def playbook(request: pytest.FixtureRequest) -> Playbook:
    return default_playbook(request.param)


def test_every_default_speaks_polish_russian_and_english(playbook: Playbook) -> None:
    assert sorted(playbook.languages) == ["en", "pl", "ru"]


def test_every_stage_has_several_variants_in_every_language(playbook: Playbook) -> None:
    for stage in Stage:
        for lang in playbook.languages:
            variants = playbook.phrases.stages[stage][lang]
            assert len(variants) >= 3, (stage, lang)
            assert len(set(variants)) == len(variants), (stage, lang)


def test_phrases_use_only_the_placeholders_their_stage_fills(playbook: Playbook) -> None:
    for stage, texts in playbook.phrases.stages.items():
        for variants in texts.values():
            for variant in variants:
                assert placeholders(variant) <= STAGE_PLACEHOLDERS[stage], variant


def test_the_phrasebook_never_uses_its_own_wordings_to_avoid(playbook: Playbook) -> None:
    for lang in playbook.languages:
        avoided = [w.phrase.lower() for w in playbook.phrases.negative_wordings[lang]]
        texts = [v for stage in playbook.phrases.stages.values() for v in stage[lang]]
        texts += playbook.phrases.still_here[lang]
        for text in texts:
            assert not [phrase for phrase in avoided if phrase in text.lower()], text


@pytest.mark.parametrize(
    ("lang", "phrase"),
    [
        ("pl", "nie mogę"),
        ("pl", "to niemożliwe"),
        ("pl", "nie da się"),
        ("pl", "nie wiem"),
        ("pl", "to nie moja wina"),
        ("ru", "я не могу"),
        ("ru", "невозможно"),
        ("ru", "это не ко мне"),
        ("ru", "не знаю"),
        ("en", "I can't"),
        ("en", "impossible"),
        ("en", "that's not my job"),
        ("en", "there's nothing I can do"),
        ("en", "calm down"),
    ],
)
def test_common_negative_wordings_have_a_positive_alternative(lang: str, phrase: str) -> None:
    for key in DEFAULT_KEYS:
        wordings = {
            w.phrase: w.alternative for w in default_playbook(key).phrases.negative_wordings[lang]
        }
        assert wordings.get(phrase), (key, lang, phrase)


def test_the_silent_stage_has_an_answer_to_are_you_there(playbook: Playbook) -> None:
    for lang in playbook.languages:
        assert playbook.phrases.still_here[lang]
        assert playbook.phrases.listening_signals[lang]


def test_each_default_has_at_least_five_categories_with_examples(playbook: Playbook) -> None:
    assert len(playbook.categories) >= 5
    for category in playbook.categories:
        for lang in playbook.languages:
            assert category.examples[lang], (category.key, lang)


def test_every_category_has_a_compensation_rule(playbook: Playbook) -> None:
    for category in playbook.categories:
        assert playbook.compensation_rule(category.key, category.default_severity)


def test_polish_law_deadlines() -> None:
    pl = default_playbook("pl")
    consumer = pl.category("defective_product").legal
    assert (consumer.days, consumer.business_days) == (14, False)
    assert "uznanie reklamacji" in consumer.consequence["pl"]
    telecom = pl.category("telecom_service").legal
    assert telecom.days == 30
    financial = pl.category("financial_service").legal
    assert (financial.days, financial.extended_days) == (30, 60)
    payments = pl.category("payment_service").legal
    assert (payments.days, payments.business_days, payments.extended_days) == (15, True, 35)
    assert not any(c.legal.to_confirm for c in pl.categories if c.key != "service_quality")


def test_russian_law_deadlines() -> None:
    ru = default_playbook("ru")
    assert ru.category("product_refund").legal.days == 10
    assert "ст. 22" in ru.category("product_refund").legal.basis["ru"]
    replacement = ru.category("product_replacement").legal
    assert (replacement.days, replacement.extended_days) == (7, 20)
    assert ru.category("product_repair").legal.days == 45


def test_english_deadlines_are_all_marked_to_confirm() -> None:
    assert all(c.legal.to_confirm for c in default_playbook("en").categories)


@pytest.mark.parametrize(
    ("key", "zone", "country"),
    [("pl", "Europe/Warsaw", "PL"), ("ru", "Europe/Moscow", "RU"), ("en", "Europe/London", "GB")],
)
def test_calendars(key: str, zone: str, country: str) -> None:
    calendar = default_playbook(key).calendar
    assert (calendar.timezone, calendar.country) == (zone, country)
    assert not calendar.working_hours.get("sat")
    assert len(calendar.working_hours["mon"]) == 2  # a lunch break splits the day


def test_polish_day_is_split_around_lunch() -> None:
    monday = default_playbook("pl").calendar.working_hours["mon"]
    assert [(p.start, p.end) for p in monday] == [
        (time(8, 0), time(12, 0)),
        (time(12, 30), time(16, 0)),
    ]


def test_conversation_policy_and_breaks(playbook: Playbook) -> None:
    policy = playbook.conversation
    assert policy.end_call_allowed and policy.transfer_available
    assert policy.warnings_before_end == 1
    assert policy.break_for(policy.break_threshold - 0.01) == 0
    assert 0 < policy.break_for(policy.break_threshold) < policy.break_for(1.0)


def test_public_complaints_answer_within_an_hour_weekends_included(playbook: Playbook) -> None:
    assert playbook.public.weekends_included
    assert playbook.public.first_response.total_seconds() <= 3600
    for lang in playbook.languages:
        assert len(playbook.public.guidance[lang]) == 5  # the 5P rule


def test_intake_script_covers_the_essentials(playbook: Playbook) -> None:
    keys = [q.key for q in playbook.intake]
    assert keys == [
        "what_happened",
        "amounts",
        "dates",
        "references",
        "wanted_solution",
        "contact_channel",
    ]
