"""The pipeline's contract: limits and bad input, batches, cues, and the Signals it returns."""

from __future__ import annotations

import pytest

from calmdesk.analysis import MAX_TEXT_CHARS, Signals, analyze, analyze_many
from calmdesk.errors import InvalidInput


@pytest.mark.parametrize("text", ["", "   ", "\n\t ", "\x00\x01"])
def test_empty_text_is_refused(text: str) -> None:
    with pytest.raises(InvalidInput) as error:
        analyze(text)
    assert error.value.code == "empty_text"


def test_too_long_text_is_refused_stating_the_limit() -> None:
    with pytest.raises(InvalidInput) as error:
        analyze("a" * (MAX_TEXT_CHARS + 1))
    assert error.value.code == "text_too_long"
    assert f"{MAX_TEXT_CHARS:,}" in error.value.message


def test_text_at_the_limit_is_accepted() -> None:
    signals = analyze("ok " * (MAX_TEXT_CHARS // 3))
    assert signals.profanity == ()
    assert signals.facts == ()


def test_an_unknown_forced_language_is_refused() -> None:
    with pytest.raises(InvalidInput) as error:
        analyze("hello", lang="xx")
    assert error.value.code == "unknown_language"


def test_control_characters_do_not_hide_a_swear_word() -> None:
    signals = analyze("ku\x00rwa\u200b!")
    assert [span.text for span in signals.profanity] == ["kurwa"]


@pytest.mark.parametrize("text", ["🙂🙂", "😡😡😡", "🖕"])
def test_emoji_only_text_is_analysed(text: str) -> None:
    assert isinstance(analyze(text), Signals)


def test_analyze_many_keeps_order_and_languages() -> None:
    texts = ["ty idioto", "спасибо", "thank you very much"]
    results = analyze_many(texts, ["pl", None, None])
    assert [signals.lang for signals in results] == ["pl", "ru", "en"]
    assert [signals.level == "abusive" for signals in results] == [True, False, False]


def test_analyze_many_names_the_bad_text() -> None:
    with pytest.raises(InvalidInput) as error:
        analyze_many(["fine", "  "])
    assert error.value.fields["index"] == 1
    assert error.value.code == "empty_text"


def test_analyze_many_refuses_mismatched_languages() -> None:
    with pytest.raises(InvalidInput):
        analyze_many(["a", "b"], ["pl"])


@pytest.mark.parametrize(
    ("text", "cue"),
    [
        ("Dzwonię już trzeci raz w tej sprawie", "contacting again"),
        ("Третий раз звоню!", "contacting again"),
        ("This is the third time I call", "contacting again"),
        ("Czekam od tygodnia na odpowiedź", "waiting a long time"),
        ("Жду уже две недели", "waiting a long time"),
        ("I've been waiting for weeks", "waiting a long time"),
        ("To skandal", "exasperation"),
        ("Это безобразие", "exasperation"),
        ("This is ridiculous", "exasperation"),
        ("Gdzie są moje pieniądze?!", "repeated punctuation"),
    ],
)
def test_anger_cues_are_explained(text: str, cue: str) -> None:
    signals = analyze(text)
    assert any(e.source == "cue" and e.reason.startswith(cue) for e in signals.explanations)
    assert signals.anger > 0


def test_capitals_are_shouting_but_acronyms_are_not() -> None:
    assert analyze("I WANT MY MONEY BACK TODAY").shouting
    assert not analyze("Zgłoszę to do UOKiK, faktura FV na 200 PLN w USD").shouting


def test_a_calm_message_has_no_anger_cues() -> None:
    signals = analyze("Dzień dobry, chciałbym zapytać o status zamówienia.")
    assert not signals.shouting
    assert not [e for e in signals.explanations if e.source == "cue"]


def test_signals_serialise_to_plain_data() -> None:
    data = analyze("Pozwę was, złodzieje! FV/2025/03/123").to_dict()
    assert data["intents"] == ["threat_legal"]
    assert data["insult_directed"] is True
    assert data["facts"][0]["value"] == "FV/2025/03/123"
