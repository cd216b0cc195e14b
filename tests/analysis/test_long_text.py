"""Long texts in pieces: one insult in the middle of a long letter is flagged at its sentence,
intents anywhere are found, offsets point into the whole text, and past the limit a clear
error names it."""

from __future__ import annotations

import pytest

from calmdesk.analysis.long_text import MAX_LONG_CHARS, PIECE_CHARS, analyze_long, pieces_of
from calmdesk.errors import InvalidInput

CALM = {
    "pl": "Dzień dobry, piszę w sprawie faktury za marzec. "
    "Kwota jest o 200 zł wyższa niż w umowie. ",
    "ru": "Здравствуйте, пишу по поводу счёта за март. "
    "Сумма на 200 рублей больше, чем в договоре. ",
    "en": "Hello, I am writing about the March invoice. "
    "The amount is 200 pounds more than agreed. ",
}
INSULT = {
    "pl": "Wasz konsultant to skończony idiota. ",
    "ru": "Ваш оператор просто тупой идиот. ",
    "en": "Your agent is a complete idiot. ",
}


def test_pieces_cover_the_text_in_order_and_respect_the_size() -> None:
    text = CALM["pl"] * 60 + "x" * 3000 + " " + CALM["en"] * 10
    parts = pieces_of(text)
    assert all(len(p.text) <= PIECE_CHARS for p in parts)
    assert [p.start for p in parts] == sorted(p.start for p in parts)
    assert all(text[p.start : p.end] == p.text for p in parts)
    assert "".join(p.text for p in parts).replace(" ", "") == text.replace(" ", "")


@pytest.mark.parametrize("lang", ["pl", "ru", "en"])
def test_one_insult_in_the_middle_of_a_long_letter_is_flagged_at_its_sentence(lang: str) -> None:
    text = CALM[lang] * 40 + INSULT[lang] + CALM[lang] * 40
    assert len(text) > 6_000
    found = analyze_long(text)
    assert found.signals.level == "abusive"
    assert found.signals.lang == lang
    [finding] = [f for f in found.findings if f.level == "abusive"]
    assert finding.sentence == INSULT[lang].strip()
    span = found.signals.profanity[0]
    assert text[span.start : span.end].lower() in INSULT[lang].lower()


def test_an_intent_at_the_end_of_a_long_letter_is_found() -> None:
    text = CALM["en"] * 80 + "If this is not fixed by Friday I will take you to court."
    found = analyze_long(text)
    assert "threat_legal" in found.signals.intents
    assert found.findings[-1].end == len(text)


def test_past_the_limit_the_error_names_it() -> None:
    with pytest.raises(InvalidInput) as refused:
        analyze_long("a" * (MAX_LONG_CHARS + 1))
    assert refused.value.code == "text_too_long"
    assert refused.value.fields["limit"] == MAX_LONG_CHARS
