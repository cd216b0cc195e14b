"""Replaying events and the contact's summary."""

import json

import pytest

from calmdesk.coach import Conversation, Stage, event_from_dict
from calmdesk.errors import InvalidInput
from calmdesk.playbook.schema import Playbook
from tests.coach.conftest import ConversationFactory
from tests.coach.helpers import STARTED_AT, amount, signals


def play_a_rough_call(talk: Conversation) -> list[object]:
    return [
        talk.customer_says("#$&^&%@! gdzie mój laptop?", signals("abusive")),
        talk.agent_says("Nazywam się Bartek, nie mogę tego sprawdzić."),
        talk.customer_says("Ty $#%^&!", signals("abusive")),
        talk.agent_did("boundary_stated"),
        talk.customer_says(
            "Dobra. Zapłaciłem 200 zł i nic.", signals("upset", facts=[amount("200")])
        ),
        talk.customer_says("Tak.", signals()),
        talk.agent_did("call_ended"),
    ]


def test_replaying_the_events_gives_the_same_guidance(
    playbook: Playbook, conversation: ConversationFactory
) -> None:
    talk = conversation()
    original = play_a_rough_call(talk)
    replayed = Conversation.from_events(
        playbook, talk.events, agent_name="Bartek", started_at=STARTED_AT
    )
    assert replayed.guidance == original[-1]
    again = Conversation(playbook, agent_name="Bartek", started_at=STARTED_AT)
    assert [again.record(event) for event in talk.events] == original
    assert replayed.summary() == talk.summary()


def test_events_survive_a_round_trip_through_json(
    playbook: Playbook, conversation: ConversationFactory
) -> None:
    talk = conversation()
    play_a_rough_call(talk)
    stored = json.loads(json.dumps([event.to_dict() for event in talk.events]))
    rebuilt = [event_from_dict(item) for item in stored]
    assert rebuilt == list(talk.events)


def test_the_summary_counts_what_happened(conversation: ConversationFactory) -> None:
    talk = conversation()
    play_a_rough_call(talk)
    summary = talk.summary()
    assert summary.customer_turns == 4
    assert summary.agent_turns == 1
    assert summary.abusive_turns == 2
    assert summary.highest_rung is Stage.SET_BOUNDARY
    assert summary.boundaries == 1
    assert summary.ended == "closed"
    assert summary.peak_anger == 0.9
    assert [f.value for f in summary.facts] == ["200 PLN"]
    assert summary.to_dict()["highest_rung"] == "set_boundary"


def test_a_calm_contact_is_easy_and_needs_no_break(conversation: ConversationFactory) -> None:
    talk = conversation()
    talk.customer_says("Faktura ma złą kwotę 200 zł.", signals(facts=[amount("200")]))
    talk.customer_says("Tak.", signals())
    ended = talk.agent_did("call_ended")
    summary = talk.summary()
    assert summary.difficulty < 0.2
    assert summary.break_minutes == 0
    assert "break_recommended" not in ended.alert_kinds()
    assert summary.category == "invoice_error"


def test_difficulty_grows_with_insults_and_the_rung_reached(
    conversation: ConversationFactory,
) -> None:
    mild, harsh = conversation(), conversation()
    mild.customer_says("#$&^&%@!", signals("abusive"))
    for _ in range(3):
        harsh.customer_says("#$&^&%@!", signals("abusive"))
    assert harsh.summary().difficulty > mild.summary().difficulty


def test_a_transfer_is_recorded_in_the_summary(conversation: ConversationFactory) -> None:
    talk = conversation()
    talk.customer_says(
        "Chcę rozmawiać z kierownikiem.", signals("upset", intents=["supervisor_request"])
    )
    talk.agent_did("transfer_offered")
    talk.agent_did("transferred")
    summary = talk.summary()
    assert summary.transfer.offered and summary.transfer.done and not summary.transfer.failed
    assert summary.ended == "transferred"
    assert summary.supervisor_requested


def test_the_bench_reports_ordered_percentiles() -> None:
    from calmdesk.coach.bench import run_coach_bench

    figures = run_coach_bench(n=30)
    assert figures["turns"] == 30
    assert 0 < figures["p50_ms"] <= figures["p99_ms"] <= figures["max_ms"]
    assert figures["target_p99_ms"] == 15.0


@pytest.mark.parametrize(
    "data",
    [
        {"type": "customer_said", "text": "hi"},
        {"type": "agent_did", "action": "dance"},
        {"type": "shouted", "text": "HI"},
        {"type": "customer_said", "text": "hi", "signals": {"lang": "pl", "level": "furious"}},
    ],
)
def test_a_malformed_stored_event_is_refused_clearly(data: dict[str, object]) -> None:
    with pytest.raises(InvalidInput):
        event_from_dict(data)
