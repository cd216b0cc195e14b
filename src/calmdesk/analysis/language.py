"""Which language a message is in: ``pl``, ``ru``, ``en``, or ``other``.

Short chat messages defeat statistical detectors, so cheap evidence comes first:

1. the script: Cyrillic is Russian unless it has Ukrainian or Belarusian letters (``other``);
2. Polish letters (``ą ę ł ś ź ż ć ń``) mean Polish;
3. Russian typed in Latin letters (``ty che, idiot? gde moi den'gi``, ``blyat``) is recognised
   from a short list of distinctive translit words (``lexicons/ru/translit.txt``);
4. otherwise ``lingua``, restricted to a few languages and built once, decides; languages other
   than pl/ru/en, and texts it cannot place (emoji, digits), are ``other``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from calmdesk.analysis.lexicon import load_lexicon, load_words
from calmdesk.analysis.normalize import Token, strip_control, tokenize
from calmdesk.languages import ANALYSIS_LANGUAGES, LANGUAGES, OTHER

SUPPORTED = LANGUAGES
ALL_LANGS = ANALYSIS_LANGUAGES
# Below this confidence lingua's answer on a short text is a guess: report ``other``.
MIN_CONFIDENCE = 0.35
# lingua must be this sure to call a message with pl/en everyday words another language.
OTHER_NEEDS_CONFIDENCE = 0.95
# One translit word overrules lingua when lingua is less sure than this.
TRANSLIT_OVERRULES_BELOW = 0.9
# Up to this many words, any lead in everyday and swear words settles the language.
SHORT_MESSAGE_WORDS = 4

_CYRILLIC = re.compile("[\u0400-\u04ff]")
# Links and @handles say nothing about the language of the message around them (hashtags do).
_NOT_LANGUAGE = re.compile(r"https?://\S+|www\.\S+|@[\w-]+")
_LETTER = re.compile(r"[^\W\d_]")
_NON_RUSSIAN_CYRILLIC = set("іїєґўІЇЄҐЎ")
CONFUSABLE_WITH_OURS = ("de", "uk", "cs", "fr", "es")
_POLISH_LETTERS = set("ąęłśźżćńĄĘŁŚŹŻĆŃ")


@dataclass(frozen=True, slots=True)
class LanguageGuess:
    lang: str
    reason: str


@cache
def language_detector() -> Any:
    """The lingua detector, built once (low-accuracy mode: about 0.1 s to build)."""
    from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

    # Ours, and the neighbours most often mistaken for them (they answer ``other``).
    codes = (*LANGUAGES, *CONFUSABLE_WITH_OURS)
    languages = [Language.from_iso_code_639_1(getattr(IsoCode639_1, c.upper())) for c in codes]
    return LanguageDetectorBuilder.from_languages(*languages).with_low_accuracy_mode().build()


def _translit_hits(tokens: list[Token]) -> int:
    words = load_words("ru", "translit.txt")
    return sum(1 for token in tokens if token.script == "latin" and token.plain in words)


def _vote(words: list[Token], *, any_lead: bool = False) -> str | None:
    """Polish or English by everyday words (2 points each) and swear or insult words (1 point)
    when one clearly leads: in a short message any lead, in a longer one a third of the words'
    worth and three times the other language's score. Otherwise ``None`` (lingua decides)."""
    scores: dict[str, int] = {}
    for lang in ("pl", "en"):
        common = load_words(lang, "common.txt")
        profanity, insults = load_lexicon(lang, "profanity"), load_lexicon(lang, "insult")
        score = 0
        for token in words:
            if token.plain in common:
                score += 2
            elif (
                profanity.match(token.plain)
                or insults.match(token.plain)
                or (token.pattern is not None and profanity.match_pattern(token.pattern))
            ):
                score += 1
        scores[lang] = score
    (best, top), (_, second) = sorted(scores.items(), key=lambda item: item[1], reverse=True)
    if any_lead or len(words) <= SHORT_MESSAGE_WORDS:
        return best if top > second else None
    if top >= 2 * len(words) / 3 and top >= 3 * second:
        return best
    return None


def guess_language(text: str) -> str:
    """The language of a text of any length (``pl``, ``ru``, ``en`` or ``other``): the same
    guess :func:`~calmdesk.analysis.analyze` makes, for callers that need only the language."""
    text = strip_control(text)
    return detect_language(text, tokenize(text)).lang


def detect_language(text: str, tokens: list[Token]) -> LanguageGuess:
    """Guess the language of ``text``; ``tokens`` are its words from
    :func:`~calmdesk.analysis.normalize.tokenize`."""
    text = _NOT_LANGUAGE.sub(" ", text)
    cyrillic = len(_CYRILLIC.findall(text))
    latin = len(_LETTER.findall(text)) - cyrillic
    if cyrillic == 0 and latin == 0:
        return LanguageGuess(OTHER, "no letters")
    if cyrillic > latin:
        if any(char in _NON_RUSSIAN_CYRILLIC for char in text):
            return LanguageGuess(OTHER, "Cyrillic with Ukrainian or Belarusian letters")
        return LanguageGuess("ru", "Cyrillic script")
    if any(char in _POLISH_LETTERS for char in text):
        return LanguageGuess("pl", "Polish letters")
    return _latin_guess(text, [token for token in tokens if not token.spaced])


def _latin_guess(text: str, words: list[Token]) -> LanguageGuess:
    hits = _translit_hits(words)
    if hits >= 2 or (hits == 1 and len(words) <= 3):
        return LanguageGuess("ru", f"Russian typed in Latin letters ({hits} telltale words)")
    voted = _vote(words)
    if voted is not None:
        return LanguageGuess(voted, "everyday or swear words of one language")
    leaning = _vote(words, any_lead=True)
    detected = language_detector().compute_language_confidence_values(text)
    if detected:
        best = detected[0]
        code = best.language.iso_code_639_1.name.lower()
        lang = code if code in LANGUAGES else OTHER
        if hits and lang != "ru" and best.value < TRANSLIT_OVERRULES_BELOW:
            return LanguageGuess("ru", "Russian typed in Latin letters (1 telltale word)")
        if lang == OTHER and leaning is not None and best.value < OTHER_NEEDS_CONFIDENCE:
            return LanguageGuess(leaning, f"everyday words; lingua unsure ({best.value:.2f})")
        if best.value >= MIN_CONFIDENCE:
            return LanguageGuess(lang, f"lingua: {best.language.name.lower()} {best.value:.2f}")
    return LanguageGuess(OTHER, "too short to tell")
