"""Fusion: lexicon findings, cues and the trained model's scores become ``abuse``, ``anger``
and ``level``. Kept apart from the detectors so its thresholds can be tuned on dev data."""

from __future__ import annotations

from dataclasses import dataclass, field

from calmdesk.analysis.signals import Explanation, Level, ProfanitySpan

ABUSE_THRESHOLD = 0.5
ANGRY_THRESHOLD = 0.6
UPSET_THRESHOLD = 0.3


@dataclass(frozen=True, slots=True)
class FusionInput:
    profanity: tuple[ProfanitySpan, ...]
    insult_directed: bool
    shouting: bool
    anger_cues: tuple[Explanation, ...]
    model_abuse: float | None = None
    model_anger: float | None = None


@dataclass(frozen=True, slots=True)
class FusionResult:
    abuse: float
    anger: float
    level: Level
    explanations: tuple[Explanation, ...] = field(default_factory=tuple)


def fuse(data: FusionInput) -> FusionResult:
    """Combine the evidence. Lexicon hits dominate abuse; the model refines both scores."""
    lexicon_abuse = 0.0
    if data.profanity:
        lexicon_abuse = 0.9 if data.insult_directed else 0.75
    elif data.insult_directed:
        lexicon_abuse = 0.8
    model_abuse = data.model_abuse or 0.0
    abuse = max(lexicon_abuse, model_abuse)

    cue_anger = min(1.0, 0.2 * len(data.anger_cues) + (0.2 if data.shouting else 0.0))
    model_anger = data.model_anger or 0.0
    anger = min(1.0, max(model_anger, cue_anger, abuse * 0.8))

    level: Level
    if abuse >= ABUSE_THRESHOLD:
        level = "abusive"
    elif anger >= ANGRY_THRESHOLD:
        level = "angry"
    elif anger >= UPSET_THRESHOLD:
        level = "upset"
    else:
        level = "calm"
    return FusionResult(abuse=round(abuse, 3), anger=round(anger, 3), level=level)
