"""Property tests: any text either analyses or is refused with InvalidInput, and every span
points at the text it claims, in the cleaned text."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from calmdesk.analysis import analyze, redact
from calmdesk.analysis.normalize import strip_control
from calmdesk.errors import InvalidInput

# Letters of the three languages, masks, digits, emoji and control characters, so that the
# disguise-reading paths are exercised, not only plain ASCII.
ALPHABET = st.sampled_from(
    list("abcdefghijklmnopqrstuvwxyzkurwachująęłśźżćńóABCXYZ")
    + list("абвгдеёжзийклмнопрстуфхцчшщъыьэюяхуйбляАБВ")
    + list("*#@$%&^!?.,;: -_/0123456789\n\t\x00\x1b\u200b")
    + ["🖕", "💩", "😡", "🙂", "zł", "₽", "€", "£"]
)
TEXTS = st.lists(ALPHABET, max_size=80).map("".join) | st.text(max_size=80)


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_any_text_is_analysed_or_refused_cleanly(text: str) -> None:
    try:
        signals = analyze(text)
    except InvalidInput as error:
        assert error.code in ("empty_text", "text_too_long")
        return
    cleaned = strip_control(text)
    for span in signals.profanity:
        assert cleaned[span.start : span.end] == span.text
    for fact in signals.facts:
        assert cleaned[fact.start : fact.end] == fact.text
    for pii in signals.pii:
        assert cleaned[pii.start : pii.end] == pii.text
    assert 0.0 <= signals.abuse <= 1.0 and 0.0 <= signals.anger <= 1.0
    assert signals.lang in ("pl", "ru", "en", "other")


@settings(max_examples=200, deadline=None)
@given(TEXTS)
def test_redacting_twice_changes_nothing_more(text: str) -> None:
    once = redact(text)
    assert redact(once) == once
