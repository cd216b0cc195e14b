"""Language guesses on short chat messages, translit Russian, and the caller's override."""

from __future__ import annotations

import pytest

from calmdesk.analysis import analyze


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Dzień dobry", "pl"),
        ("nie", "pl"),
        ("dziekuje", "pl"),
        ("kurwa", "pl"),
        ("gdzie sa moje pieniadze", "pl"),
        ("Faktura jest o 200 zl wyzsza niz w umowie", "pl"),
        ("Добрый день", "ru"),
        ("где мои деньги?", "ru"),
        ("ty che, idiot? gde moi den'gi", "ru"),
        ("blyat", "ru"),
        ("pizdec", "ru"),
        ("spasibo", "ru"),
        ("hello", "en"),
        ("thanks", "en"),
        ("you idiot", "en"),
        ("where is my refund", "en"),
        ("Ich warte seit drei Wochen auf mein Geld", "other"),
        ("Привіт, де мої гроші?", "other"),
        ("🖕🖕", "other"),
        ("12345", "other"),
    ],
)
def test_it_guesses_the_language(text: str, lang: str) -> None:
    signals = analyze(text)
    assert signals.lang == lang
    assert any(e.signal == "lang" for e in signals.explanations)


def test_the_caller_may_force_the_language() -> None:
    signals = analyze("hello", lang="pl")
    assert signals.lang == "pl"
    assert [e.reason for e in signals.explanations if e.signal == "lang"] == ["given by the caller"]


def test_translit_mat_is_matched_in_cyrillic() -> None:
    signals = analyze("nahuy idi so svoim tarifom")
    assert signals.lang == "ru"
    assert [span.entry for span in signals.profanity] == ["~хуй*"]


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("RT @deubugefedev: взять кредит наличными http://t.co/wtyAYWQ3Sz", "ru"),
        ("I lost my bills, check them", "en"),
        ("Back to the start of the queue again.", "en"),
    ],
)
def test_links_and_handles_do_not_decide_the_language(text: str, lang: str) -> None:
    assert analyze(text).lang == lang
