"""Threats of violence and words of self-harm, in pl, ru and en, and their look-alikes.

A threat of physical harm is abusive however calmly it is worded; self-harm is flagged in
hyperbole too, while everyday idioms ("these fees are murder") are not."""

from __future__ import annotations

import pytest

from calmdesk.analysis.pipeline import analyze

VIOLENCE = [
    "wiem, gdzie mieszkasz",
    "Wiemy, gdzie jest wasze biuro. Uważaj na siebie po zmroku.",
    "jak jeszcze raz mnie rozłączycie, to przyjdę do was i rozwalę to biuro",
    "zabiję cię, rozumiesz?",
    "podpalę wam ten sklep",
    "Я знаю, где ваш офис, ждите гостей.",
    "я тебя найду, оглядывайся",
    "Ещё раз так сделаете — подожгу ваш офис.",
    "я вас всех урою",
    "I know where you live.",
    "You'd better watch your back.",
    "I'll burn your office down if this isn't fixed",
    "I'll be waiting outside after work.",
]
SELF_HARM = [
    "zaraz sobie coś zrobię przez was",
    "nie chcę już żyć, nic mi się nie udaje",
    "Chyba skoczę z mostu, mam dość.",
    "проще пойти и утопиться",
    "Я больше не хочу жить.",
    "наглотаюсь таблеток и всё",
    "I will kill myself if this is not fixed",
    "I don't want to live like this anymore",
    "Honestly I'd be better off dead.",
]
CLEAN = [
    "te opłaty mnie wykończą",
    "Kurier mnie zabija tym czekaniem.",
    "Wiem, gdzie jest wasz punkt odbioru, podjadę jutro.",
    "zabijcie mnie, ale nie rozumiem tej faktury",  # hyperbole of exasperation, no harm meant
    "Я не хочу жить без интернета целую неделю!",
    "Убью за нормальный сервис, честно.",
    "Я знаю, где находится пункт выдачи.",
    "these fees are murder",
    "I could kill for a coffee right now",
    "the queue is killing me",
    "I know where your office is, I'll drop the form off tomorrow.",
    "I don't want to live without my phone for a week",
]


@pytest.mark.parametrize("text", VIOLENCE)
def test_a_threat_of_violence_is_flagged_and_abusive(text: str) -> None:
    signals = analyze(text)
    assert "threat_violence" in signals.intents
    assert signals.is_abusive


@pytest.mark.parametrize("text", SELF_HARM)
def test_words_of_self_harm_are_flagged(text: str) -> None:
    assert "self_harm" in analyze(text).intents


@pytest.mark.parametrize("text", CLEAN)
def test_look_alikes_are_not_flagged(text: str) -> None:
    intents = analyze(text).intents
    assert "threat_violence" not in intents
    assert "self_harm" not in intents
