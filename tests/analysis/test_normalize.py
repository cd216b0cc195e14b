"""Normalisation and lexicon lookup, below the pipeline."""

from __future__ import annotations

import pytest

from calmdesk.analysis.lexicon import Lexicon, load_lexicon, load_patterns
from calmdesk.analysis.normalize import strip_control, tokenize, translit_to_cyrillic


@pytest.mark.parametrize(
    ("typed", "plain", "pattern"),
    [
        ("sh1t", "shit", "sh?t"),
        ("k***a", "k**a", "k???a"),
        ("kuuuurwa", "kuurwa", None),
        ("xуй", "хуй", None),
        ("Бл@ть", "блать", "бл?ть"),
    ],
)
def test_a_word_gets_its_lookup_forms(typed: str, plain: str, pattern: str | None) -> None:
    (token,) = tokenize(typed)
    assert (token.text, token.plain, token.pattern) == (typed, plain, pattern)


def test_spaced_letters_become_one_extra_token() -> None:
    spaced = [token for token in tokenize("no k u r w a no") if token.spaced]
    assert [(t.text, t.plain, t.start, t.end) for t in spaced] == [("k u r w a", "kurwa", 3, 12)]


def test_trailing_exclamation_marks_are_not_part_of_a_word() -> None:
    assert [t.text for t in tokenize("idiot!!! sh!t")] == ["idiot", "sh!t"]


def test_a_mixed_script_word_gets_its_other_script_reading() -> None:
    (token,) = tokenize("cyкa")
    assert token.alternate == "сука"


@pytest.mark.parametrize(
    ("latin", "cyrillic"),
    [("blyat", "блят"), ("nahuy", "нахуй"), ("pizdec", "пиздец"), ("zhdu", "жду")],
)
def test_translit_goes_back_to_cyrillic(latin: str, cyrillic: str) -> None:
    assert translit_to_cyrillic(latin) == cyrillic


def test_control_characters_are_stripped_but_newlines_kept() -> None:
    assert strip_control("a\x00b\u200bc\nd\x1b") == "abc\nd"


def test_a_family_entry_matches_inflections_and_prefixes_but_not_the_allowlist() -> None:
    lexicon = Lexicon("pl", "profanity", ["~jeb*", "suka"], ["sukienk*"], ["za", "wy"])
    assert lexicon.match("zajebisty") == "~jeb*"
    assert lexicon.match("wyjebany") == "~jeb*"
    assert lexicon.match("suka") == "suka"
    assert lexicon.match("sukienka") is None


def test_short_entries_with_a_double_letter_are_not_collapsed() -> None:
    lexicon = Lexicon("en", "profanity", ["ass", "asshole*"], [], [])
    assert lexicon.match("ass") == "ass"
    assert lexicon.match("as") is None
    assert lexicon.match("ashole") == "asshole*"


@pytest.mark.parametrize(
    ("pattern", "entry"),
    [("k???a", "~kurw*"), ("ch?j", "~chuj*"), ("x???", None), ("?urwa", None), ("k?", None)],
)
def test_masked_words_match_the_longest_family(pattern: str, entry: str | None) -> None:
    assert load_lexicon("pl", "profanity").match_pattern(pattern) == entry


def test_one_shown_letter_is_enough_for_a_whole_masked_word() -> None:
    assert load_lexicon("en", "profanity").match_pattern("f???") == "fuck*"


def test_russian_lemmas_match_every_form() -> None:
    lexicon = load_lexicon("ru", "insult")
    assert lexicon.match("козлами") == "=козел"
    assert lexicon.match("мошенникам") is not None


def test_every_language_ships_every_data_file() -> None:
    for lang in ("pl", "ru", "en"):
        assert load_lexicon(lang, "profanity").entries
        assert load_lexicon(lang, "insult").entries
        assert set(load_patterns(lang, "intents.txt")) == {
            "supervisor_request",
            "threat_public",
            "threat_legal",
            "churn",
            "threat_violence",
            "self_harm",
        }
        assert set(load_patterns(lang, "cues.txt")) == {
            "repeat_contact",
            "long_wait",
            "exasperation",
        }


@pytest.mark.parametrize("typed", ["TW055", "abc123", "A4"])
def test_trailing_digits_are_a_code_not_hidden_letters(typed: str) -> None:
    assert all(token.pattern is None for token in tokenize(typed))
