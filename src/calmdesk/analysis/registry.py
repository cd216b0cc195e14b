"""The built-in detectors, listed explicitly (never discovered by walking subclasses).

Order matters where findings overlap: in ``ABUSE`` the lexicon's reading of a word wins over a
grawlix reading of the same characters, in ``FACTS`` a reference wins over a phone number made of
the same digits.
"""

from __future__ import annotations

from calmdesk.analysis.abuse import (
    AbuseFinding,
    AbusiveEmojiDetector,
    AbusivePhraseDetector,
    GrawlixDetector,
    LexiconAbuseDetector,
)
from calmdesk.analysis.base import Detector
from calmdesk.analysis.cues import (
    AngerEmojiDetector,
    PhraseCueDetector,
    PunctuationDetector,
    ShoutingDetector,
)
from calmdesk.analysis.facts import (
    AmountDetector,
    DateDetector,
    DurationDetector,
    PhoneFactDetector,
    ReferenceDetector,
)
from calmdesk.analysis.intents import IntentFinding, IntentPatternDetector
from calmdesk.analysis.language import language_detector
from calmdesk.analysis.lexicon import lemma_of
from calmdesk.analysis.pii import PiiDetector
from calmdesk.analysis.signals import Explanation, Fact, PiiSpan

LEXICON_ABUSE = LexiconAbuseDetector()
ABUSE: tuple[Detector[AbuseFinding], ...] = (
    LEXICON_ABUSE,
    AbusivePhraseDetector(),
    GrawlixDetector(),
    AbusiveEmojiDetector(),
)
CUES: tuple[Detector[Explanation], ...] = (
    ShoutingDetector(),
    PunctuationDetector(),
    PhraseCueDetector(),
    AngerEmojiDetector(),
)
INTENTS: tuple[Detector[IntentFinding], ...] = (IntentPatternDetector(),)
FACTS: tuple[Detector[Fact], ...] = (
    ReferenceDetector(),
    AmountDetector(),
    DateDetector(),
    DurationDetector(),
    PhoneFactDetector(),
)
PII: tuple[Detector[PiiSpan], ...] = (PiiDetector(),)


def load_all() -> None:
    """Load every detector's data now, with the Russian morphology and the language detector
    (a server calls this at start-up, so the first message is not the slow one)."""
    for group in (ABUSE, CUES, INTENTS, FACTS, PII):
        for detector in group:
            detector.ensure_loaded()
    lemma_of("идиоты")
    language_detector()
