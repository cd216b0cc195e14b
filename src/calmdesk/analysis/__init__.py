"""Conversation analysis: what a customer said and how heated it is, in pl, ru and en.

>>> from calmdesk.analysis import analyze
>>> signals = analyze("Jesteście bandą złodziei!")
>>> signals.insult_directed, signals.level
(True, 'abusive')
"""

from calmdesk.analysis.line import MAX_TEXT_CHARS
from calmdesk.analysis.pii import PII_KINDS, find_pii, redact
from calmdesk.analysis.pipeline import analyze, analyze_many
from calmdesk.analysis.registry import load_all
from calmdesk.analysis.signals import (
    LEVELS,
    Explanation,
    Fact,
    Intent,
    Level,
    PiiSpan,
    ProfanitySpan,
    Signals,
)

__all__ = [
    "LEVELS",
    "MAX_TEXT_CHARS",
    "PII_KINDS",
    "Explanation",
    "Fact",
    "Intent",
    "Level",
    "PiiSpan",
    "ProfanitySpan",
    "Signals",
    "analyze",
    "analyze_many",
    "find_pii",
    "load_all",
    "redact",
]
