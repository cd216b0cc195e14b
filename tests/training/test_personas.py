"""The shipped personas load, cover every situation in every language, and their lines read as
the temper they are written for (the coach must hear an abusive line as abusive)."""

from __future__ import annotations

from collections import Counter

import pytest

from calmdesk.analysis import analyze
from calmdesk.analysis.signals import Intent
from calmdesk.training import (
    Persona,
    PersonaError,
    PersonaNotFound,
    Situation,
    builtin_personas,
    get_persona,
    parse_persona,
)

PERSONAS = list(builtin_personas().values())
IDS = [p.id for p in PERSONAS]


def test_every_language_has_at_least_four_personas() -> None:
    per_language = Counter(p.language for p in PERSONAS)
    assert min(per_language[lang] for lang in ("pl", "ru", "en")) >= 4


@pytest.mark.parametrize("persona", PERSONAS, ids=IDS)
def test_every_situation_has_lines(persona: Persona) -> None:
    for situation in Situation:
        for level in ("calm", "upset", "angry", "abusive"):
            assert persona.lines(situation, level), (situation, level)


@pytest.mark.parametrize("persona", PERSONAS, ids=IDS)
def test_the_analysis_reads_each_line_at_its_temper(persona: Persona) -> None:
    wrong = []
    for situation, by_temper in persona.script.items():
        for temper, lines in by_temper.items():
            for line in lines:
                abusive = analyze(line, persona.language).is_abusive
                if abusive != (temper == "abusive"):
                    wrong.append((situation.value, temper, line))
    assert wrong == []


@pytest.mark.parametrize("persona", PERSONAS, ids=IDS)
def test_the_scenario_facts_are_recognised(persona: Persona) -> None:
    for fact in persona.scenario.facts:
        assert analyze(fact, persona.language).facts, fact


@pytest.mark.parametrize("persona", [p for p in PERSONAS if "supervisor" in p.id], ids=str)
def test_the_supervisor_persona_asks_for_one_until_transferred(persona: Persona) -> None:
    for situation, by_temper in persona.script.items():
        if situation in (Situation.TRANSFERRED, Situation.SOLUTION):
            continue
        for temper, lines in by_temper.items():
            if temper == "angry":
                for line in lines:
                    intents = analyze(line, persona.language).intents
                    assert Intent.SUPERVISOR_REQUEST in intents, line


def test_a_persona_missing_a_situation_names_it() -> None:
    text = """
id: x
language: en
name: X
title: X
scenario: {summary: s, wants: w}
temperament: {start: upset}
script:
  opening: {upset: ["Hello"]}
"""
    with pytest.raises(PersonaError) as caught:
        parse_persona(text, name="x.yaml")
    assert "x.yaml" in caught.value.message
    assert "empathy" in caught.value.message


def test_an_unknown_key_and_a_bad_temper_name_their_yaml_path() -> None:
    text = """
id: x
language: en
name: X
title: X
colour: red
scenario: {summary: s, wants: w}
temperament: {start: furious}
script: {}
"""
    with pytest.raises(PersonaError) as caught:
        parse_persona(text, name="x.yaml")
    assert "colour" in caught.value.message
    assert "temperament.start" in caught.value.message


def test_a_floor_hotter_than_the_start_is_refused() -> None:
    text = "id: x\nlanguage: en\nname: X\ntitle: X\nscenario: {summary: s, wants: w}\n"
    text += "temperament: {start: calm, floor: angry}\nscript: {}\n"
    with pytest.raises(PersonaError, match="floor"):
        parse_persona(text)


def test_bad_yaml_is_a_clear_error() -> None:
    with pytest.raises(PersonaError, match="not valid YAML"):
        parse_persona("id: [unclosed", name="broken.yaml")


def test_an_unknown_persona_lists_the_known_ones() -> None:
    with pytest.raises(PersonaNotFound) as caught:
        get_persona("pl_nobody")
    assert "pl_invoice_calm" in caught.value.message
    assert caught.value.code == "persona_not_found"


def test_the_nearest_temper_is_used_and_a_hotter_one_wins_a_tie() -> None:
    persona = get_persona("pl_marian_extreme")
    assert persona.lines(Situation.EMPATHY, "calm") == persona.script[Situation.EMPATHY]["abusive"]
    lines = "\n".join(f"  {s.value}: {{calm: ['cool'], angry: ['hot']}}" for s in Situation)
    text = "id: x\nlanguage: en\nname: X\ntitle: X\nscenario: {summary: s, wants: w}\n"
    tie = parse_persona(text + "temperament: {start: angry}\nscript:\n" + lines)
    assert tie.lines(Situation.OPENING, "upset") == ["hot"]
    assert tie.lines(Situation.OPENING, "calm") == ["cool"]
    assert tie.lines(Situation.OPENING, "abusive") == ["hot"]
