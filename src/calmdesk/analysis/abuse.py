"""Abuse detectors: swear words and insults from the lexicons, grawlix, abusive emoji.

Swear words always count (``this f***ing printer`` is abuse-lite: a span, not directed). Insult
words (``idiot``, ``złodzieje``, ``мошенники``) count only when aimed at the listener or the
company: a second-person or company word nearby in the same sentence (``ty idioto``,
``jesteście bandą złodziei``, ``вы все идиоты``, ``you people are useless``), a vocative, or a
sentence that is nothing but the insult. ``I feel like an idiot`` is not abuse.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import ClassVar

from calmdesk.analysis.base import Detector, Document
from calmdesk.analysis.lexicon import load_lexicon, load_patterns, load_words, read_lines
from calmdesk.analysis.normalize import Token, translit_to_cyrillic
from calmdesk.analysis.signals import Explanation, ProfanitySpan
from calmdesk.languages import LANGUAGES

# How many words apart an insult and "you"/"your company" may stand in one sentence.
DIRECTED_WINDOW = 5
# A sentence of at most this many words that holds an insult is aimed at the listener
# ("Idiots.", "Жулики! Только деньги драть умеете.").
BARE_INSULT_WORDS = 2

_GRAWLIX = re.compile(r"(?<![\w@.#$])[#$%&@*!^]{3,}[^\W\d_]?(?![\w@])")
_GRAWLIX_SYMBOLS = set("#$%&@*^")
_EMAIL_AROUND = re.compile(r"\S+@\S+\.\w+")


@dataclass(frozen=True, slots=True)
class AbuseFinding:
    span: ProfanitySpan
    explanation: Explanation
    directed: bool = False
    directed_by: str | None = None


def _candidate_forms(
    plain: str, script: str, pattern: str | None, alternate: str | None, translit: bool
) -> list[tuple[str, str, bool]]:
    """``(lang, form, is_pattern)`` pairs to look a word up with."""
    forms: list[tuple[str, str, bool]] = []
    if script == "cyrillic":
        forms.append(("ru", plain, False))
        if pattern:
            forms.append(("ru", pattern, True))
        if alternate:
            forms += [("pl", alternate, False), ("en", alternate, False)]
    elif script == "latin":
        for lang in ("pl", "en"):
            forms.append((lang, plain, False))
            if pattern:
                forms.append((lang, pattern, True))
        if alternate:
            forms.append(("ru", alternate, False))
        if translit:
            forms.append(("ru", translit_to_cyrillic(plain), False))
    return forms


@lru_cache(maxsize=65536)
def match_word(
    plain: str, script: str, pattern: str | None, alternate: str | None, translit: bool
) -> tuple[str, str, str, str] | None:
    """``(kind, lang, entry, normalised form)`` of a word's first lexicon hit, swear words
    before insults; ``translit`` also reads a Latin word as Russian."""
    for kind in ("profanity", "insult"):
        for lang, form, is_pattern in _candidate_forms(plain, script, pattern, alternate, translit):
            lexicon = load_lexicon(lang, kind)
            entry = lexicon.match_pattern(form) if is_pattern else lexicon.match(form)
            if entry is not None:
                return kind, lang, entry, form
    return None


class LexiconAbuseDetector(Detector[AbuseFinding]):
    """Swear words and insults of every language, matched per word after normalisation."""

    name: ClassVar[str] = "lexicon_abuse"

    def load(self) -> None:
        for lang in LANGUAGES:
            load_lexicon(lang, "profanity")
            load_lexicon(lang, "insult")
        self._translit = load_words("ru", "translit.txt")
        self_words = frozenset().union(*(load_words(lang, "self.txt") for lang in LANGUAGES))
        self._self_words = frozenset(word for word in self_words if " " not in word)
        self._self_pairs = frozenset(
            tuple(word.split()) for word in self_words if len(word.split()) == 2
        )
        self._aiming: dict[str, frozenset[str]] = {}
        self._possessives: dict[str, frozenset[str]] = {}
        for lang in LANGUAGES:
            words = load_words(lang, "directed.txt")
            self._aiming[lang] = frozenset(word for word in words if not word.startswith(">"))
            self._possessives[lang] = frozenset(word[1:] for word in words if word[0] == ">")

    def _markers(self, langs: set[str]) -> tuple[frozenset[str], frozenset[str]]:
        """Aiming words and possessives of ``langs`` only: Polish ``was`` is not English."""
        aiming = frozenset().union(*(self._aiming[lang] for lang in langs))
        possessives = frozenset().union(*(self._possessives[lang] for lang in langs))
        return aiming, possessives

    def _match(self, token: Token, doc_lang: str) -> tuple[str, str, str, str] | None:
        translit = doc_lang == "ru" or token.plain in self._translit
        return match_word(token.plain, token.script, token.pattern, token.alternate, translit)

    def _director(
        self, doc: Document, words: list[Token], index: int, kind: str, lang: str
    ) -> str | None:
        """The word that aims ``words[index]`` at the listener, if any, among the aiming words of
        the message's language and of the lexicon that matched. A bare insult (``Idiot!``) is
        aimed by itself; a bare swear word (``kurwa!``) is not."""
        aiming, possessives = self._markers({lang} | set(doc.languages))
        token = words[index]
        if token.plain in aiming:
            return token.text
        sentence = doc.sentence_of(token.start)
        if kind == "insult" and _sentence_length(doc, words, sentence) <= BARE_INSULT_WORDS:
            return "(the insult on its own)"
        # A vocative set off by commas: "Где мой заказ, идиот?", "Listen, moron, ...".
        clause = doc.clause_of(token.start)
        if kind == "insult" and _clause_length(doc, words, clause) <= BARE_INSULT_WORDS:
            return "(the insult addressed as its own clause)"
        low, high = max(0, index - DIRECTED_WINDOW), min(len(words), index + DIRECTED_WINDOW + 1)
        for position in range(low, high):
            other = words[position]
            if position == index or doc.sentence_of(other.start) != sentence:
                continue
            if other.plain in aiming or (position < index and other.plain in possessives):
                return other.text
        return None

    def detect(self, doc: Document) -> list[AbuseFinding]:
        words = [token for token in doc.tokens if not token.spaced]
        findings: list[AbuseFinding] = []
        for index, token in enumerate(words):
            hit = self._match(token, doc.lang)
            if hit is None:
                continue
            kind, lang, entry, form = hit
            director = self._director(doc, words, index, kind, lang)
            if kind == "insult" and director is None:
                continue
            findings.append(self._finding(token, kind, lang, entry, form, director))
        for token in doc.tokens:
            if token.spaced and (hit := self._match(token, doc.lang)) is not None:
                kind, lang, entry, form = hit
                findings.append(self._finding(token, kind, lang, entry, form, None))
        return findings

    def aimed_at_the_speaker(self, doc: Document) -> list[tuple[Token, str]]:
        """Insult words the speaker aims at themself (``I feel like an idiot``, ``вот я
        дурак``, ``ale ze mnie głupek``), each with the words that aim it: an insult word that
        nothing aims at the listener, with a first-person word or pair of words
        (``lexicons/<lang>/self.txt``) among the :data:`DIRECTED_WINDOW` words before it in its
        sentence. Object forms are not listed: in "passing me on to the next idiot" the idiot
        is someone else."""
        self.ensure_loaded()
        words = [token for token in doc.tokens if not token.spaced]
        found = []
        for index, token in enumerate(words):
            hit = self._match(token, doc.lang)
            if hit is None or hit[0] != "insult":
                continue
            if self._director(doc, words, index, hit[0], hit[1]) is not None:
                continue
            sentence = doc.sentence_of(token.start)
            before = [
                word
                for word in words[max(0, index - DIRECTED_WINDOW) : index]
                if doc.sentence_of(word.start) == sentence
            ]
            aimer = self._first_person(before)
            if aimer is not None:
                found.append((token, aimer))
        return found

    def _first_person(self, words: list[Token]) -> str | None:
        for position, word in enumerate(words):
            if word.plain in self._self_words:
                return word.text
            following = words[position + 1] if position + 1 < len(words) else None
            if following is not None and (word.plain, following.plain) in self._self_pairs:
                return f"{word.text} {following.text}"
        return None

    @staticmethod
    def _finding(
        token: Token, kind: str, lang: str, entry: str, form: str, director: str | None
    ) -> AbuseFinding:
        shown = form.replace("?", "·")
        how = "" if shown == token.text.lower() else f" (read as '{shown}')"
        reason = f"'{token.text}'{how} belongs to the {lang} {kind} family '{entry}'"
        if director is not None and kind == "insult":
            reason += f", aimed at the listener by '{director}'"
        span = ProfanitySpan(token.start, token.end, token.text, kind, form, entry)
        explanation = Explanation("abuse", reason, "lexicon", matched=token.text)
        return AbuseFinding(span, explanation, director is not None, director)


def _sentence_length(doc: Document, words: list[Token], sentence: int) -> int:
    return sum(1 for word in words if doc.sentence_of(word.start) == sentence)


def _clause_length(doc: Document, words: list[Token], clause: int) -> int:
    return sum(1 for word in words if doc.clause_of(word.start) == clause)


class GrawlixDetector(Detector[AbuseFinding]):
    """Symbol strings standing for swearing (``#$&^&%@!``, ``#*&^a``): three or more of
    ``#$%&@*!^`` with at least two different ones besides ``!``; e-mail addresses, prices
    (``$20``) and hashtags (``#word``) are not grawlix."""

    name: ClassVar[str] = "grawlix"

    def detect(self, doc: Document) -> list[AbuseFinding]:
        findings = []
        for match in _GRAWLIX.finditer(doc.text):
            symbols = set(match.group()) & _GRAWLIX_SYMBOLS
            if len(symbols) < 2 or _inside_email(doc.text, match.start()):
                continue
            text = match.group()
            span = ProfanitySpan(match.start(), match.end(), text, "grawlix", text, "grawlix")
            reason = f"'{text}' is a string of symbols standing for swearing"
            findings.append(
                AbuseFinding(span, Explanation("abuse", reason, "pattern", matched=text))
            )
        return findings


def _inside_email(text: str, offset: int) -> bool:
    return any(m.start() <= offset < m.end() for m in _EMAIL_AROUND.finditer(text))


class AbusiveEmojiDetector(Detector[AbuseFinding]):
    """Emoji that insult by themselves (``lexicons/any/abusive_emoji.txt``); the middle finger
    is aimed at the listener."""

    name: ClassVar[str] = "abusive_emoji"
    _AIMED = "🖕"

    def load(self) -> None:
        emoji = read_lines("any", "abusive_emoji.txt")
        self._pattern = re.compile("|".join(map(re.escape, emoji)))

    def detect(self, doc: Document) -> list[AbuseFinding]:
        findings = []
        for match in self._pattern.finditer(doc.text):
            char = match.group()
            span = ProfanitySpan(match.start(), match.end(), char, "emoji", char, char)
            aimed = char == self._AIMED
            explanation = Explanation(
                "abuse", f"'{char}' is an abusive emoji", "emoji", matched=char
            )
            findings.append(AbuseFinding(span, explanation, aimed, char if aimed else None))
        return findings


class AbusivePhraseDetector(Detector[AbuseFinding]):
    """Phrases that insult or threaten the listener without a swear word (``zamknij się``,
    ``заткнись``, ``shut up``, ``I know where you live``), from
    ``lexicons/<lang>/abuse_phrases.txt``; every match is aimed at the listener."""

    name: ClassVar[str] = "abusive_phrases"

    def load(self) -> None:
        self._patterns = [
            (lang, kind, pattern)
            for lang in LANGUAGES
            for kind, pattern in load_patterns(lang, "abuse_phrases.txt").items()
        ]

    def detect(self, doc: Document) -> list[AbuseFinding]:
        findings = []
        for lang, kind, pattern in self._patterns:
            if not doc.may_hold(lang):
                continue
            for match in pattern.finditer(doc.folded):
                text = doc.text[match.start() : match.end()]
                span = ProfanitySpan(match.start(), match.end(), text, kind, match.group(), kind)
                what = "a threat" if kind == "threat" else "an insult"
                reason = f"'{text}' is {what} aimed at the listener ({lang} phrase list)"
                explanation = Explanation("abuse", reason, "pattern", matched=text)
                findings.append(AbuseFinding(span, explanation, True, text))
        return findings


def merge_overlapping(findings: list[AbuseFinding]) -> list[AbuseFinding]:
    """One finding per stretch of text, earliest first; the first detector's finding wins."""
    kept: list[AbuseFinding] = []
    for finding in findings:
        span = finding.span
        if all(span.end <= other.span.start or span.start >= other.span.end for other in kept):
            kept.append(finding)
    return sorted(kept, key=lambda finding: finding.span.start)
