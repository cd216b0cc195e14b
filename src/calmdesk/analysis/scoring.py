"""Fusion: lexicon findings, cues and the trained model's scores become ``abuse``, ``anger``
and ``level``. Kept apart from the detectors so its thresholds can be tuned on dev data
(``benchmarks/tune_fusion.py``; the chosen values and their dev scores are in
``docs/model-card.md``).

The rules, in order of strength:

- a swear word, grawlix or abusive emoji, or an insult aimed at the listener, makes the message
  abusive whatever the model says (the lexicons explain themselves and are precise);
- otherwise the model's abuse probability must reach :data:`MODEL_ABUSE_THRESHOLD`, and the
  message must also sound heated (:data:`MODEL_ONLY_MIN_ANGER`) unless the model is nearly sure
  (:data:`MODEL_ONLY_SURE`); a message whose insult the speaker aims at themself ("I feel like
  an idiot") is never abusive on the model's word alone;
- anger joins the model's anger probability and the cues (capitals, ``!!!``, "third time I
  call", "czekam od tygodnia") as independent evidence, ``1 - (1 - model) * (1 - cues)``, so a
  short "This is the THIRD time!!!" that the model finds only half-angry still reads angry;
  abuse makes a message at least :data:`ANGER_FROM_ABUSE` as angry as it is abusive. (On the
  dev split this lifts the mean anger F1 from 0.531 to 0.543 over taking the larger of the two,
  and leaves abuse unchanged.)

Both model probabilities are rescaled piecewise-linearly so that their tuned thresholds land on
the public ones (:data:`ABUSE_THRESHOLD`, :data:`ANGRY_THRESHOLD`): ``abuse >= 0.5`` always
means the level is ``abusive``, whatever drove it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from calmdesk.analysis.signals import Explanation, Level, ProfanitySpan

ABUSE_THRESHOLD = 0.5
ANGRY_THRESHOLD = 0.6
UPSET_THRESHOLD = 0.3

# Raw model probabilities that count as abusive / angry on their own (tuned on the dev split).
MODEL_ABUSE_THRESHOLD = 0.6
MODEL_ANGER_THRESHOLD = 0.6
# Without a lexicon hit, the model alone makes a message abusive only if the message also sounds
# heated (model anger at least this) or the model is nearly sure. Innocent look-alikes
# (``скипидар``, ``бляха``, ``shitake``) fool the character n-grams but read calm; on the dev split
# this costs 0.002 of mean abuse F1 (0.803 -> 0.801) and lifts the customer-service rows
# (0.875 -> 0.933). Stricter gates (0.3 / 0.95) catch more look-alikes but cost 0.012, most of
# it on Russian toxic comments, which are often insults said coldly.
MODEL_ONLY_MIN_ANGER = 0.2
MODEL_ONLY_SURE = 0.9

# Lexicon evidence: swearing aimed at someone is the clearest abuse there is.
PROFANITY_DIRECTED_SCORE = 0.95
PROFANITY_SCORE = 0.8
INSULT_DIRECTED_SCORE = 0.85
# Each anger cue adds this much; shouting (most letters in capitals) a little more.
CUE_WEIGHT = 0.2
SHOUTING_WEIGHT = 0.25
# Abuse implies some anger: an abusive message is at least this share as angry.
ANGER_FROM_ABUSE = 0.8


@dataclass(frozen=True, slots=True)
class FusionInput:
    profanity: tuple[ProfanitySpan, ...]
    insult_directed: bool
    shouting: bool
    anger_cues: tuple[Explanation, ...]
    model_abuse: float | None = None
    model_anger: float | None = None
    # "full" (sentence encoder and n-grams) or "ngrams" (the cascade trusted the n-gram heads).
    model_scorer: str = "full"
    # The message's insult words are aimed at the speaker ("I feel like an idiot").
    insult_self_aimed: bool = False


@dataclass(frozen=True, slots=True)
class FusionResult:
    abuse: float
    anger: float
    level: Level
    explanations: tuple[Explanation, ...] = field(default_factory=tuple)


def rescale(probability: float, pivot: float, target: float) -> float:
    """Piecewise-linear map of [0, 1] onto itself sending ``pivot`` to ``target``.

    >>> rescale(0.6, pivot=0.6, target=0.5)
    0.5
    """
    probability = min(1.0, max(0.0, probability))
    if probability <= pivot:
        return target * probability / pivot
    return target + (1.0 - target) * (probability - pivot) / (1.0 - pivot)


def lexicon_abuse(profanity: tuple[ProfanitySpan, ...], insult_directed: bool) -> float:
    """The abuse score the lexicons alone give (0 when they found nothing)."""
    if profanity:
        return PROFANITY_DIRECTED_SCORE if insult_directed else PROFANITY_SCORE
    return INSULT_DIRECTED_SCORE if insult_directed else 0.0


def _model_name(data: FusionInput) -> str:
    return "tone model" if data.model_scorer == "full" else "tone model (n-grams)"


def _model_abuse(data: FusionInput, lexicon_abuse: float) -> tuple[float, str]:
    """The model's share of the abuse score and why."""
    raw = data.model_abuse or 0.0
    name = _model_name(data)
    scaled = rescale(raw, MODEL_ABUSE_THRESHOLD, ABUSE_THRESHOLD)
    if scaled < ABUSE_THRESHOLD:
        return scaled, f"{name}: not abusive on its own ({raw:.2f})"
    if not lexicon_abuse and data.insult_self_aimed:
        capped = round(ABUSE_THRESHOLD - 0.01, 3)
        return capped, f"{name}: abusive wording ({raw:.2f}), but its insult is self-aimed"
    calm = data.model_anger is not None and data.model_anger < MODEL_ONLY_MIN_ANGER
    if not lexicon_abuse and calm and raw < MODEL_ONLY_SURE:
        capped = round(ABUSE_THRESHOLD - 0.01, 3)
        return capped, f"{name}: wording looks abusive ({raw:.2f}) but the message reads calm"
    return scaled, f"{name}: abusive wording ({raw:.2f})"


def _level(abuse: float, anger: float) -> Level:
    if abuse >= ABUSE_THRESHOLD:
        return "abusive"
    if anger >= ANGRY_THRESHOLD:
        return "angry"
    if anger >= UPSET_THRESHOLD:
        return "upset"
    return "calm"


def fuse(data: FusionInput) -> FusionResult:
    """Combine the evidence: lexicon hits decide abuse when present, the model otherwise."""
    explanations: list[Explanation] = []
    from_lexicon = lexicon_abuse(data.profanity, data.insult_directed)
    model_abuse = 0.0
    if data.model_abuse is not None:
        model_abuse, reason = _model_abuse(data, from_lexicon)
        explanations.append(Explanation("abuse", reason, "model", score=round(data.model_abuse, 3)))
    abuse = max(from_lexicon, model_abuse)

    cue_anger = min(
        1.0, CUE_WEIGHT * len(data.anger_cues) + (SHOUTING_WEIGHT if data.shouting else 0.0)
    )
    model_anger = 0.0
    if data.model_anger is not None:
        model_anger = rescale(data.model_anger, MODEL_ANGER_THRESHOLD, ANGRY_THRESHOLD)
        explanations.append(
            Explanation(
                "anger",
                f"{_model_name(data)}: anger {data.model_anger:.2f}",
                "model",
                score=round(data.model_anger, 3),
            )
        )
    either = 1.0 - (1.0 - model_anger) * (1.0 - cue_anger)
    anger = min(1.0, max(either, abuse * ANGER_FROM_ABUSE))
    return FusionResult(
        abuse=round(abuse, 3),
        anger=round(anger, 3),
        level=_level(abuse, anger),
        explanations=tuple(explanations),
    )
