"""The ladder's order and the agent's actions."""

import pytest

from calmdesk.coach import LADDER, Action, Stage, parse_action
from calmdesk.coach.stages import next_rung
from calmdesk.errors import InvalidInput


def test_the_ladder_climbs_in_the_seed_order() -> None:
    rung = None
    climbed = []
    for _ in LADDER:
        rung = next_rung(rung, transfer_possible=True)
        climbed.append(rung)
    assert climbed == [
        Stage.ACKNOWLEDGE,
        Stage.SET_BOUNDARY,
        Stage.WARN,
        Stage.SILENT_RECORD,
        Stage.TRANSFER,
        Stage.END_CALL,
    ]


def test_transfer_is_skipped_when_no_transfer_is_possible() -> None:
    assert next_rung(Stage.SILENT_RECORD, transfer_possible=False) is Stage.END_CALL


def test_end_call_is_the_top() -> None:
    assert next_rung(Stage.END_CALL, transfer_possible=True) is Stage.END_CALL


def test_actions_parse_from_their_names() -> None:
    assert parse_action(" Warning_Given ") is Action.WARNING_GIVEN


def test_an_unknown_action_names_the_action_and_the_known_ones() -> None:
    with pytest.raises(InvalidInput) as raised:
        parse_action("hung_up")
    assert "hung_up" in raised.value.message
    assert "transfer_failed" in raised.value.message
    assert raised.value.code == "unknown_action"
