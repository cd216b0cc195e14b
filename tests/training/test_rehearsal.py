"""Recorded rehearsals: parsing with clear errors, and a replay that gives the same lines."""

from __future__ import annotations

import json

import pytest

from calmdesk.training import (
    InvalidRehearsal,
    PersonaNotFound,
    TraineeTurn,
    parse_rehearsal,
    record,
    replay,
)
from tests.training.helpers import GOOD_INVOICE_PL, play


def test_a_recorded_rehearsal_replays_to_the_same_lines_and_score() -> None:
    played = play("pl_invoice_calm", GOOD_INVOICE_PL, seed=4)
    saved = json.dumps(record(played).to_dict(), ensure_ascii=False)
    again = replay(parse_rehearsal(saved))
    assert again.opening == played.opening
    assert [t.customer_line for t in again.turns] == [t.customer_line for t in played.turns]
    assert again.turns[-1].action is not None and again.turns[-1].action.value == "call_ended"


def test_silence_and_line_with_action_round_trip() -> None:
    parsed = parse_rehearsal(
        '{"persona": "en_extreme_caller", "turns": [{"silence": true},'
        ' {"agent": "Please stop the insults.", "action": "boundary_stated"}]}'
    )
    assert parsed.turns[0] == TraineeTurn()
    assert parsed.turns[1].to_dict() == {
        "agent": "Please stop the insults.",
        "action": "boundary_stated",
    }


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{", "not valid JSON"),
        ("[]", "JSON object"),
        ('{"turns": []}', "'persona'"),
        ('{"persona": "pl_invoice_calm"}', "'turns'"),
        ('{"persona": "pl_invoice_calm", "seed": "x", "turns": []}', "'seed'"),
        ('{"persona": "pl_invoice_calm", "turns": [{}]}', "turn 0"),
        ('{"persona": "pl_invoice_calm", "turns": [{"agent": " "}]}', "turn 0"),
        ('{"persona": "pl_invoice_calm", "turns": [{"say": "hi"}]}', "unknown keys"),
        ('{"persona": "pl_invoice_calm", "turns": [{"action": "hang_up"}]}', "hang_up"),
        ('{"persona": "pl_invoice_calm", "started_at": "2026-11-23", "turns": []}', "time zone"),
        ('{"persona": "p", "turns": [{"silence": true, "agent": "x"}]}', "silence"),
    ],
)
def test_bad_input_names_the_problem(text: str, message: str) -> None:
    with pytest.raises(InvalidRehearsal, match=message):
        parse_rehearsal(text)


def test_a_turn_after_the_end_names_its_index() -> None:
    document = {
        "persona": "en_supervisor_demand",
        "turns": [{"action": "transferred"}, {"agent": "Hello?"}],
    }
    with pytest.raises(InvalidRehearsal, match="turn 1: the rehearsal has finished"):
        replay(parse_rehearsal(json.dumps(document)))


def test_an_unknown_persona_is_not_found() -> None:
    with pytest.raises(PersonaNotFound):
        replay(parse_rehearsal('{"persona": "xx_nobody", "turns": []}'))
