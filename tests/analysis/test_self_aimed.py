"""An insult the speaker aims at themself ("I feel like an idiot") is not abuse, and the tone
model does not read the word; the same word aimed at the listener still is abuse."""

from __future__ import annotations

import pytest

from calmdesk.analysis import analyze, pipeline

SELF_AIMED = [
    ("en", "I feel like an idiot, honestly.", "idiot"),
    ("en", "Silly me, I'm such an idiot, I typed the wrong postcode.", "idiot"),
    ("pl", "Ale ze mnie głupek, podałam zły numer.", "głupek"),
    ("pl", "Wyszłam na idiotkę, pomyliłam daty.", "idiotkę"),
    ("ru", "Вот я дурак, не тот номер продиктовал.", "дурак"),
    ("ru", "Чувствую себя идиоткой, перепутала даты.", "идиоткой"),
]
SOMEONE_ELSE = [
    ("en", "Passing me on to the next idiot?"),
    ("pl", "Przełączyli mnie do kolejnego idioty."),
    ("ru", "Меня опять переключили на очередного идиота."),
]
AIMED_AT_THE_LISTENER = [
    ("en", "I am not the idiot here, you are an idiot."),
    ("pl", "Ja nic nie zrobiłem, ty idioto."),
    ("ru", "Я не дурак, это вы все идиоты."),
]


@pytest.mark.parametrize(("lang", "text", "word"), SELF_AIMED)
def test_a_self_aimed_insult_is_not_abuse_and_is_explained(lang: str, text: str, word: str) -> None:
    signals = analyze(text, lang)
    assert signals.level != "abusive"
    assert not signals.profanity and not signals.insult_directed
    reasons = [e.reason for e in signals.explanations if e.matched == word]
    assert any("aimed at the speaker" in reason for reason in reasons), signals.explanations


@pytest.mark.parametrize(("lang", "text", "word"), SELF_AIMED)
def test_the_tone_model_does_not_read_a_self_aimed_insult(lang: str, text: str, word: str) -> None:
    prepared = pipeline._prepare(text, lang)
    assert word not in prepared.model_input()
    assert prepared.model_input().replace("  ", " ") != text


@pytest.mark.parametrize(("lang", "text"), AIMED_AT_THE_LISTENER)
def test_the_same_words_aimed_at_the_listener_stay_abuse(lang: str, text: str) -> None:
    signals = analyze(text, lang)
    assert signals.level == "abusive"
    assert signals.insult_directed


@pytest.mark.parametrize(("lang", "text"), SOMEONE_ELSE)
def test_an_insult_about_someone_else_is_not_self_aimed(lang: str, text: str) -> None:
    # "me" is the object here: the idiot is the next agent, not the speaker.
    prepared = pipeline._prepare(text, lang)
    assert prepared.self_aimed == ()
    assert not any("aimed at the speaker" in e.reason for e in prepared.explanations)
