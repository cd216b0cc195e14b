"""Anger cues: how the message is typed and said, apart from its words' meaning.

Capitals (shouting), runs of ``!``/``?``, anger emoji, and phrases per language from
``lexicons/<lang>/cues.txt``: calling again (``third time I call``, ``który raz dzwonię``),
waiting long (``czekam od tygodnia``, ``жду уже две недели``) and exasperation (``skandal``,
``безобразие``, ``ridiculous``). Each cue is one :class:`Explanation` for the fusion.
"""

from __future__ import annotations

import re
from typing import ClassVar

from calmdesk.analysis.base import Detector, Document
from calmdesk.analysis.lexicon import load_patterns, read_lines
from calmdesk.analysis.signals import Explanation
from calmdesk.languages import LANGUAGES

# Shouting: at least this many letters in capitalised words, making up this share of letters.
SHOUT_MIN_CAPS_LETTERS = 8
SHOUT_MIN_SHARE = 0.6
# Words this short in capitals are usually acronyms (PLN, USD, FV, UOKiK is mixed case anyway).
ACRONYM_MAX_LETTERS = 3

_LETTERS = re.compile(r"[^\W\d_]+")
_PUNCTUATION_RUN = re.compile(r"!{2,}|[!?]{3,}|\?!|!\?")

_CUE_NAMES = {
    "repeat_contact": "contacting again",
    "long_wait": "waiting a long time",
    "exasperation": "exasperation",
}


class ShoutingDetector(Detector[Explanation]):
    """Capital letters: most of the message's letters in all-caps words that are not acronyms."""

    name: ClassVar[str] = "shouting"

    def detect(self, doc: Document) -> list[Explanation]:
        words = _LETTERS.findall(doc.text)
        caps_words = [word for word in words if len(word) > ACRONYM_MAX_LETTERS and word.isupper()]
        caps_letters = sum(len(word) for word in caps_words)
        if caps_letters < SHOUT_MIN_CAPS_LETTERS:
            return []
        letters = sum(len(word) for word in words)
        if caps_letters < SHOUT_MIN_SHARE * letters:
            return []
        sample = " ".join(caps_words[:3])
        reason = f"written in capitals ({caps_letters} of {letters} letters, e.g. '{sample}')"
        return [Explanation("shouting", reason, "cue", matched=sample)]


class PunctuationDetector(Detector[Explanation]):
    name: ClassVar[str] = "punctuation"

    def detect(self, doc: Document) -> list[Explanation]:
        match = _PUNCTUATION_RUN.search(doc.text)
        if match is None:
            return []
        return [
            Explanation(
                "anger", f"repeated punctuation '{match.group()}'", "cue", matched=match.group()
            )
        ]


class PhraseCueDetector(Detector[Explanation]):
    """Anger phrases of every language (a message in one language may quote another)."""

    name: ClassVar[str] = "anger_phrases"

    def load(self) -> None:
        self._patterns = [(lang, load_patterns(lang, "cues.txt")) for lang in LANGUAGES]

    def detect(self, doc: Document) -> list[Explanation]:
        found: dict[str, Explanation] = {}
        for lang, sections in self._patterns:
            if not doc.may_hold(lang):
                continue
            for section, pattern in sections.items():
                if section in found:
                    continue
                match = pattern.search(doc.folded)
                if match is not None:
                    text = doc.text[match.start() : match.end()]
                    reason = f"{_CUE_NAMES.get(section, section)}: '{text}'"
                    found[section] = Explanation("anger", reason, "cue", matched=text)
        return list(found.values())


class AngerEmojiDetector(Detector[Explanation]):
    name: ClassVar[str] = "anger_emoji"

    def load(self) -> None:
        emoji = read_lines("any", "anger_emoji.txt")
        self._pattern = re.compile("|".join(map(re.escape, emoji)))

    def detect(self, doc: Document) -> list[Explanation]:
        match = self._pattern.search(doc.text)
        if match is None:
            return []
        char = match.group()
        return [Explanation("anger", f"angry emoji '{char}'", "cue", matched=char)]
