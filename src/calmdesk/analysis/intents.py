"""Intents by patterns per language (``lexicons/<lang>/intents.txt``): a request for a
supervisor, a threat to go public or to law, and a customer about to leave.

Every language's patterns run on every message (customers mix languages; the patterns are
compiled once per section). A match is dropped when a negation stands just before it in the
same clause: ``nie chcę iść do sądu``, ``I don't want to sue``, ``не буду подавать в суд``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar

from calmdesk.analysis.base import Detector, Document
from calmdesk.analysis.lexicon import load_patterns
from calmdesk.analysis.signals import Explanation, Intent
from calmdesk.languages import LANGUAGES

# How many words before a match a negation may stand and still cancel it.
NEGATION_WINDOW = 4
_NEGATIONS = frozenset(
    {
        "nie",
        "не",
        "ни",
        "not",
        "don't",
        "dont",
        "won't",
        "wont",
        "never",
        "no",
        "didn't",
        "doesn't",
        "nigdy",
        "никогда",
        "без",
        "bez",
        "without",
        "isn't",
        "wasn't",
        "wouldn't",
    }
)
_WORD = re.compile(r"[\w'’]+")

_INTENT_REASONS = {
    Intent.SUPERVISOR_REQUEST: "asks for a supervisor",
    Intent.THREAT_PUBLIC: "threatens to go public",
    Intent.THREAT_LEGAL: "threatens legal steps",
    Intent.CHURN: "says they will leave",
    Intent.THREAT_VIOLENCE: "threatens physical harm",
    Intent.SELF_HARM: "speaks of harming themselves",
}


@dataclass(frozen=True, slots=True)
class IntentFinding:
    intent: Intent
    explanation: Explanation


class IntentPatternDetector(Detector[IntentFinding]):
    name: ClassVar[str] = "intent_patterns"

    def load(self) -> None:
        self._patterns: list[tuple[str, Intent, re.Pattern[str]]] = []
        for lang in LANGUAGES:
            for section, pattern in load_patterns(lang, "intents.txt").items():
                self._patterns.append((lang, Intent(section), pattern))

    def detect(self, doc: Document) -> list[IntentFinding]:
        found: dict[Intent, IntentFinding] = {}
        for lang, intent, pattern in self._patterns:
            if intent in found or not doc.may_hold(lang):
                continue
            for match in pattern.finditer(doc.folded):
                if _negated(doc, match.start()):
                    continue
                text = doc.text[match.start() : match.end()]
                reason = f"{_INTENT_REASONS[intent]}: '{text}'"
                found[intent] = IntentFinding(
                    intent, Explanation(str(intent), reason, "pattern", matched=text)
                )
                break
        return list(found.values())


def _negated(doc: Document, offset: int) -> bool:
    clause = doc.clause_of(offset)
    clause_start = doc.clause_ends[clause - 1] if clause > 0 else 0
    before = _WORD.findall(doc.folded[clause_start:offset])[-NEGATION_WINDOW:]
    return any(word in _NEGATIONS for word in before)
