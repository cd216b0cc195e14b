"""The simulated customer reacts to the trainee by its persona's rules while the live coach
watches the same call."""

from __future__ import annotations

import itertools

import pytest

from calmdesk.coach import Action
from calmdesk.errors import InvalidInput
from calmdesk.playbook.schema import Stage
from calmdesk.training import RehearsalFinished, Simulation, Situation, get_persona
from tests.training.helpers import GOOD_INVOICE_PL, LADDER_PL, STARTED_AT, play


def test_a_good_rehearsal_calms_the_invoice_customer_who_accepts() -> None:
    simulation = play("pl_invoice_calm", GOOD_INVOICE_PL[:3])
    tempers = [turn.temper for turn in simulation.turns]
    assert tempers[-1] == "calm"
    assert simulation.accepted and simulation.finished
    accepted_line = simulation.turns[-1].customer_line
    assert accepted_line in get_persona("pl_invoice_calm").script[Situation.SOLUTION]["calm"]


def test_negative_wording_heats_the_customer_up() -> None:
    simulation = play("en_invoice_calm", [("There's nothing I can do about invoices.", None)])
    turn = simulation.turns[0]
    assert Situation.NEGATIVE_WORDING in turn.situations
    assert (turn.temper_before, turn.temper) == ("upset", "angry")
    assert [a.kind.value for a in turn.agent_alerts] == ["negative_wording"]


def test_the_seed_001_caller_allows_ending_only_after_the_failed_transfer() -> None:
    simulation = play("pl_marian_extreme", LADDER_PL[:5], agent_name="Bartek")
    stages = [turn.guidance.stage for turn in simulation.turns]
    assert stages == [
        Stage.SET_BOUNDARY,
        Stage.WARN,
        Stage.SILENT_RECORD,
        Stage.TRANSFER,
        Stage.TRANSFER,
    ]
    assert [t.recorded for t in simulation.turns][1:3] == [
        (Action.BOUNDARY_STATED,),
        (Action.WARNING_GIVEN,),
    ]
    assert not any(turn.guidance.may_end_call for turn in simulation.turns)
    failed = simulation.agent_turn(action="transfer_failed")
    assert failed.guidance.may_end_call is True
    assert failed.guidance.stage is Stage.END_CALL
    ended = simulation.agent_turn(action="call_ended")
    assert ended.customer_line is None and simulation.finished
    assert simulation.conversation.summary().ended == "hang_up"


def test_the_abusive_customer_calms_once_a_boundary_is_set() -> None:
    simulation = play(
        "en_abusive_calms", [("Please don't insult me, I'm here to help you with this.", None)]
    )
    turn = simulation.turns[0]
    assert turn.recorded == (Action.BOUNDARY_STATED,)
    assert turn.temper == "upset"
    assert turn.guidance.signals is not None and not turn.guidance.signals.is_abusive


def test_silence_gets_the_silence_line() -> None:
    simulation = play("ru_invoice_calm", [(None, None)])
    turn = simulation.turns[0]
    assert turn.silent and turn.situations == (Situation.SILENCE,)
    persona = get_persona("ru_invoice_calm")
    assert turn.customer_line in persona.lines(Situation.SILENCE, turn.temper)


@pytest.mark.parametrize("persona", ["pl_abusive_calms", "ru_extreme_caller", "en_invoice_calm"])
def test_the_same_seed_gives_the_same_lines(persona: str) -> None:
    turns = [("Rozumiem.", None), (None, None), ("?", None), (None, None), ("ok", None)]

    def lines(seed: int) -> list[str | None]:
        simulation = play(persona, turns, seed=seed)
        return [simulation.opening] + [t.customer_line for t in simulation.turns]

    assert lines(5) == lines(5)
    assert len({tuple(lines(seed)) for seed in range(12)}) > 1


def test_a_variant_is_not_repeated_twice_in_a_row() -> None:
    simulation = play("pl_marian_extreme", [(None, None)] * 6)
    lines = [t.customer_line for t in simulation.turns]
    assert all(a != b for a, b in itertools.pairwise(lines))


def test_an_unknown_action_is_a_clear_error_and_changes_nothing() -> None:
    simulation = Simulation(get_persona("en_invoice_calm"), started_at=STARTED_AT)
    simulation.start()
    with pytest.raises(InvalidInput, match="unknown action 'hang_up'"):
        simulation.agent_turn(action="hang_up")
    assert simulation.turns == []


def test_nothing_can_be_said_after_the_end_but_an_accepted_call_may_be_closed() -> None:
    simulation = play("pl_invoice_calm", GOOD_INVOICE_PL[:3])
    with pytest.raises(RehearsalFinished):
        simulation.agent_turn("Czy mogę jeszcze w czymś pomóc?")
    closed = simulation.agent_turn(action="call_ended")
    assert closed.customer_line is None
    with pytest.raises(RehearsalFinished):
        simulation.agent_turn(action="call_ended")


def test_a_supervisor_request_is_transferred_and_the_customer_waits() -> None:
    simulation = play(
        "en_supervisor_demand",
        [("Of course, I'll put you through to my supervisor right away.", None)],
    )
    turn = simulation.turns[0]
    assert turn.before.stage is Stage.TRANSFER
    assert turn.recorded == (Action.TRANSFER_OFFERED,)
    assert turn.temper in ("calm", "upset")
    done = simulation.agent_turn(action="transferred")
    assert done.finished and done.customer_line is None


@pytest.mark.parametrize("lang", ["pl", "ru", "en"])
def test_public_threats_raise_alerts_and_never_climb_the_ladder(lang: str) -> None:
    simulation = play(f"{lang}_public_threat", [(None, None), (None, None)])
    opening = simulation.turns[0].before
    assert {"threat_public", "churn_risk"} & set(opening.alert_kinds())
    assert all(turn.guidance.rung is None for turn in simulation.turns)
    assert not any(turn.guidance.may_end_call for turn in simulation.turns)


LADDERS = {
    "en_extreme_caller": [
        "My name is Sam. I can hear you're very upset.",
        "I'm here to help you, but I won't accept insults.",
        "If the insults continue, I will end this call.",
        None,
        "I'll try to put you through to my supervisor, please stay on the line.",
    ],
    "ru_extreme_caller": [
        "Меня зовут Анна. Я слышу, что вы очень расстроены.",
        "Я здесь, чтобы помочь, но прошу без оскорблений.",
        "Если оскорбления продолжатся, я завершу разговор.",
        None,
        "Я попробую соединить вас с руководителем, оставайтесь на линии.",
    ],
}


@pytest.mark.parametrize("persona", sorted(LADDERS))
def test_the_extreme_caller_is_walked_up_the_ladder_by_words_alone(persona: str) -> None:
    simulation = play(persona, [(line, None) for line in LADDERS[persona]])
    rungs = [turn.guidance.rung for turn in simulation.turns]
    assert rungs == [
        Stage.SET_BOUNDARY,
        Stage.WARN,
        Stage.SILENT_RECORD,
        Stage.TRANSFER,
        Stage.TRANSFER,
    ]
    assert not simulation.guidance.may_end_call
    assert simulation.agent_turn(action="transfer_failed").guidance.may_end_call


def test_following_the_coach_listen_step_is_not_ignoring_the_customer() -> None:
    simulation = play("en_invoice_calm", [])
    listen = simulation.guidance.suggestions[0].text if simulation.guidance.suggestions else ""
    turn = simulation.agent_turn(listen or "Please go on, I'm listening.")
    assert Situation.IGNORED not in turn.situations
    assert turn.temper != "angry"
