"""What the analysis found in one utterance: :class:`Signals` and the spans it is made of.

Every flag carries an :class:`Explanation`, so an agent or a supervisor can see why a message
was flagged and dispute it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any, Literal

Level = Literal["calm", "upset", "angry", "abusive"]
LEVELS: tuple[Level, ...] = ("calm", "upset", "angry", "abusive")


class Intent(StrEnum):
    SUPERVISOR_REQUEST = "supervisor_request"
    THREAT_PUBLIC = "threat_public"
    THREAT_LEGAL = "threat_legal"
    CHURN = "churn"
    THREAT_VIOLENCE = "threat_violence"
    """A threat of physical harm to staff or property (abusive; the safety procedure applies)."""
    SELF_HARM = "self_harm"
    """The customer speaks of hurting or killing themselves (care, never the ladder)."""


@dataclass(frozen=True, slots=True)
class Explanation:
    """Why a flag was raised: ``signal`` names the flag, ``reason`` says why in plain words,
    ``source`` is where it came from (``lexicon``, ``model``, ``cue``, ``pattern``)."""

    signal: str
    reason: str
    source: str
    score: float | None = None
    matched: str | None = None


@dataclass(frozen=True, slots=True)
class ProfanitySpan:
    """A swear word, insult, grawlix (``#$&^&%@!``) or abusive emoji in the original text.

    ``kind`` is ``profanity``, ``insult``, ``threat`` (``I know where you live``), ``grawlix`` or
    ``emoji``; ``text`` is the text as typed
    (``k***a``), ``normalized`` the form that matched after de-obfuscation, ``entry`` the lexicon
    entry (the word family's stem)."""

    start: int
    end: int
    text: str
    kind: str
    normalized: str
    entry: str


@dataclass(frozen=True, slots=True)
class Fact:
    """Something concrete the customer said, for the agent to paraphrase.

    ``kind`` is ``amount``, ``date``, ``duration``, ``order``, ``invoice``, ``ticket`` or
    ``phone``; ``value`` is a normalised rendering (``200 PLN``, ``2026-12-23``, ``P21D``,
    ``+48601234567``)."""

    kind: str
    text: str
    value: str
    start: int
    end: int
    amount: str | None = None
    currency: str | None = None


@dataclass(frozen=True, slots=True)
class PiiSpan:
    """Personal data: ``kind`` is ``phone``, ``email``, ``pesel``, ``iban`` or ``card``."""

    kind: str
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Signals:
    lang: str
    anger: float
    abuse: float
    level: Level
    profanity: tuple[ProfanitySpan, ...] = ()
    insult_directed: bool = False
    shouting: bool = False
    intents: frozenset[str] = field(default_factory=frozenset)
    facts: tuple[Fact, ...] = ()
    pii: tuple[PiiSpan, ...] = ()
    explanations: tuple[Explanation, ...] = ()

    @property
    def is_abusive(self) -> bool:
        return self.level == "abusive"

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["intents"] = sorted(self.intents)
        return data
