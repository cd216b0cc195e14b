"""`scoring.fuse`: how lexicon hits, cues and the tone model's scores become abuse, anger and the
level; and, through the full pipeline with the shipped model, that calm complaints stay calm."""

from __future__ import annotations

import pytest

from calmdesk.analysis import analyze
from calmdesk.analysis.scoring import (
    ABUSE_THRESHOLD,
    MODEL_ABUSE_THRESHOLD,
    MODEL_ANGER_THRESHOLD,
    MODEL_ONLY_MIN_ANGER,
    MODEL_ONLY_SURE,
    FusionInput,
    fuse,
    rescale,
)
from calmdesk.analysis.signals import Explanation, ProfanitySpan

SWEAR = ProfanitySpan(0, 5, "k***a", "profanity", "kurwa", "kurw")


def evidence(**overrides: object) -> FusionInput:
    fields: dict[str, object] = {
        "profanity": (),
        "insult_directed": False,
        "shouting": False,
        "anger_cues": (),
        "model_abuse": 0.02,
        "model_anger": 0.05,
    }
    fields.update(overrides)
    return FusionInput(**fields)  # type: ignore[arg-type]


def cue(name: str) -> Explanation:
    return Explanation("anger", name, "cue")


def test_no_evidence_is_calm() -> None:
    result = fuse(evidence())
    assert result.level == "calm"
    assert result.abuse < ABUSE_THRESHOLD


def test_a_swear_word_is_abusive_even_when_the_model_disagrees() -> None:
    result = fuse(evidence(profanity=(SWEAR,), model_abuse=0.01))
    assert result.level == "abusive"
    assert result.abuse >= ABUSE_THRESHOLD


def test_a_directed_insult_without_swearing_is_abusive() -> None:
    assert fuse(evidence(insult_directed=True)).level == "abusive"


def test_the_model_alone_makes_a_heated_message_abusive_above_its_threshold() -> None:
    heated = MODEL_ONLY_MIN_ANGER + 0.1
    above = fuse(evidence(model_abuse=MODEL_ABUSE_THRESHOLD + 0.05, model_anger=heated))
    below = fuse(evidence(model_abuse=MODEL_ABUSE_THRESHOLD - 0.05, model_anger=heated))
    assert above.level == "abusive" and above.abuse >= ABUSE_THRESHOLD
    assert below.level != "abusive" and below.abuse < ABUSE_THRESHOLD
    assert any(e.source == "model" and e.signal == "abuse" for e in above.explanations)


def test_a_calm_message_needs_a_nearly_sure_model_to_be_abusive() -> None:
    # Innocent look-alikes (скипидар, shitake) fool the n-grams but read calm.
    calm = MODEL_ONLY_MIN_ANGER - 0.1
    look_alike = fuse(evidence(model_abuse=(MODEL_ABUSE_THRESHOLD + 1) / 2, model_anger=calm))
    sure = fuse(evidence(model_abuse=min(0.999, MODEL_ONLY_SURE + 0.02), model_anger=calm))
    assert look_alike.level != "abusive" and look_alike.abuse < ABUSE_THRESHOLD
    assert any("reads calm" in e.reason for e in look_alike.explanations)
    assert sure.level == "abusive"


def test_a_lexicon_hit_does_not_need_the_model_to_hear_anger() -> None:
    result = fuse(evidence(profanity=(SWEAR,), model_abuse=0.8, model_anger=0.01))
    assert result.level == "abusive"


def test_the_model_anger_score_raises_the_level() -> None:
    angry = fuse(evidence(model_anger=min(0.99, MODEL_ANGER_THRESHOLD + 0.1)))
    calm = fuse(evidence(model_anger=0.05))
    assert angry.level == "angry"
    assert calm.level == "calm"
    assert angry.anger > calm.anger


def test_shouting_and_cues_make_a_civil_message_angry_without_the_model() -> None:
    result = fuse(
        evidence(
            shouting=True,
            anger_cues=(cue("third time"), cue("!!!")),
            model_abuse=None,
            model_anger=None,
        )
    )
    assert result.level == "angry"
    assert result.abuse == 0.0


def test_the_model_and_the_cues_add_up_as_independent_evidence() -> None:
    # "This is the THIRD time!!!": the model finds it half-angry, two cues say the same.
    cues = (cue("third time"), cue("!!!"))
    model_only = fuse(evidence(model_anger=0.47))
    cues_only = fuse(evidence(anger_cues=cues, model_anger=None))
    both = fuse(evidence(anger_cues=cues, model_anger=0.47))
    assert model_only.level == "upset" and cues_only.level == "upset"
    assert both.level == "angry"
    assert both.anger == pytest.approx(1 - (1 - 0.47) * (1 - 0.4), abs=1e-3)


def test_one_cue_alone_is_at_most_upset() -> None:
    assert fuse(evidence(anger_cues=(cue("waiting a long time"),))).level in ("calm", "upset")


def test_it_works_without_a_model() -> None:
    result = fuse(evidence(profanity=(SWEAR,), model_abuse=None, model_anger=None))
    assert result.level == "abusive"
    assert not any(e.source == "model" for e in result.explanations)


@pytest.mark.parametrize("pivot", [0.2, 0.5, 0.8])
def test_rescale_keeps_order_and_maps_the_pivot_to_the_target(pivot: float) -> None:
    values = [rescale(p / 20, pivot, 0.5) for p in range(21)]
    assert values == sorted(values)
    assert values[0] == 0.0 and values[-1] == 1.0
    assert rescale(pivot, pivot, 0.5) == pytest.approx(0.5)


CALM_COMPLAINTS = [
    ("pl", "Faktura jest o 200 zł wyższa niż w umowie."),
    ("pl", "Zamówienie nr 4512 miało przyjść we wtorek, a nadal go nie ma."),
    ("pl", "Proszę o zwrot pieniędzy za uszkodzoną sukienkę."),
    ("ru", "В счёте сумма на 500 рублей больше, чем в договоре."),
    ("ru", "Прошу вернуть деньги за отменённый заказ."),
    ("ru", "Мне нельзя употреблять сахар, а в составе он есть. Прошу заменить товар."),
    ("en", "The invoice is 200 zł higher than the contract."),
    ("en", "I'd like a refund for the cocktail glasses, two arrived broken."),
    ("en", "My address in Scunthorpe is rejected by your checkout form."),
]


@pytest.mark.parametrize(("lang", "text"), CALM_COMPLAINTS)
def test_a_calm_complaint_is_never_abusive_with_the_shipped_model(lang: str, text: str) -> None:
    signals = analyze(text, lang=lang)
    assert signals.level != "abusive", signals.explanations
    assert signals.abuse < ABUSE_THRESHOLD
