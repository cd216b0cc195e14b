"""Properties over random sequences of customer turns, agent words and actions."""

from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from calmdesk.analysis.signals import Intent
from calmdesk.coach import LADDER, Action, AgentDid, Conversation, CustomerSaid, Stage
from calmdesk.playbook.load import default_playbook
from tests.coach.helpers import signals

PLAYBOOK = default_playbook("pl")
STARTED_AT = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)

# Weighted towards abuse, warnings and failed transfers so the top of the ladder is often reached.
customer_turns = st.tuples(
    st.just("customer"),
    st.sampled_from(["calm", "upset", "angry", "abusive", "abusive", "abusive", "abusive"]),
    st.one_of(
        st.just(frozenset()),
        st.just(frozenset()),
        st.frozensets(st.sampled_from(list(Intent)), max_size=2),
    ),
    st.sampled_from(["Gdzie moja paczka?", "Jesteś tam?", "#$&^&%@!", "Dobrze."]),
)
agent_turns = st.tuples(
    st.just("agent"), st.sampled_from(["Nie mogę.", "Gwarantuję to.", "Sprawdzę to."])
)
actions = st.tuples(
    st.just("action"),
    st.sampled_from([*Action, Action.WARNING_GIVEN, Action.WARNING_GIVEN, Action.TRANSFER_FAILED]),
)
random_steps = st.lists(
    st.one_of(customer_turns, customer_turns, customer_turns, agent_turns, actions), max_size=30
)
ABUSIVE_TURN = ("customer", "abusive", frozenset(), "#$&^&%@!")
# Half the runs start up the ladder to the warning, so the rule for ending is really exercised.
LADDER_START = [ABUSIVE_TURN] * 3 + [("action", Action.WARNING_GIVEN)]
steps = st.one_of(random_steps, random_steps.map(lambda tail: LADDER_START + tail))
options = st.fixed_dictionaries(
    {"can_transfer": st.booleans(), "agent_name": st.sampled_from([None, "Ola"])}
)


def play(steps: list[tuple[object, ...]], **opts: object) -> tuple[Conversation, list[object]]:
    talk = Conversation(PLAYBOOK, started_at=STARTED_AT, **opts)  # type: ignore[arg-type]
    guidance = []
    for step in steps:
        if step[0] == "customer":
            _, level, intents, text = step
            guidance.append(talk.customer_says(text, signals(level, intents=intents)))  # type: ignore[arg-type]
        elif step[0] == "agent":
            guidance.append(talk.agent_says(step[1]))  # type: ignore[arg-type]
        else:
            guidance.append(talk.agent_did(step[1]))  # type: ignore[arg-type]
    return talk, guidance


@settings(max_examples=150, deadline=None)
@given(steps, options)
def test_ending_is_never_allowed_without_a_warning_and_abuse_after_it(
    steps: list[tuple[object, ...]], opts: dict[str, object]
) -> None:
    talk, guidance = play(steps, **opts)
    for index, advice in enumerate(guidance):
        if not advice.may_end_call:  # type: ignore[attr-defined]
            continue
        history = talk.events[: index + 1]
        warnings = [i for i, e in enumerate(history) if e == AgentDid(Action.WARNING_GIVEN)]
        assert warnings, "may_end_call without any warning"
        after = history[warnings[-1] + 1 :]
        assert any(isinstance(e, CustomerSaid) and e.signals.is_abusive for e in after)
        last_customer = [e for e in history if isinstance(e, CustomerSaid)][-1]
        assert last_customer.signals.is_abusive, "may_end_call for a customer not abusive"


@settings(max_examples=150, deadline=None)
@given(steps, options)
def test_a_supervisor_request_always_yields_transfer(
    steps: list[tuple[object, ...]], opts: dict[str, object]
) -> None:
    talk, guidance = play(steps, **opts)
    for event, advice in zip(talk.events, guidance, strict=True):
        if isinstance(event, CustomerSaid) and Intent.SUPERVISOR_REQUEST in event.signals.intents:
            assert advice.stage is Stage.TRANSFER  # type: ignore[attr-defined]
            assert "supervisor_requested" in advice.alert_kinds()  # type: ignore[attr-defined]


@settings(max_examples=100, deadline=None)
@given(steps, options)
def test_replaying_the_events_gives_equal_guidance(
    steps: list[tuple[object, ...]], opts: dict[str, object]
) -> None:
    talk, guidance = play(steps, **opts)
    again = Conversation(PLAYBOOK, started_at=STARTED_AT, **opts)  # type: ignore[arg-type]
    assert [again.record(event) for event in talk.events] == guidance
    assert again.summary() == talk.summary()
    assert 0.0 <= talk.summary().difficulty <= 1.0


@settings(max_examples=100, deadline=None)
@given(steps, options)
def test_the_rung_never_goes_down_and_ending_needs_the_last_rung(
    steps: list[tuple[object, ...]], opts: dict[str, object]
) -> None:
    _, guidance = play(steps, **opts)
    reached = -1
    for advice in guidance:
        index = LADDER.index(advice.rung) if advice.rung else -1  # type: ignore[attr-defined]
        assert index >= reached
        reached = index
        if advice.may_end_call:  # type: ignore[attr-defined]
            assert advice.rung is Stage.END_CALL  # type: ignore[attr-defined]
            # transfer: a supervisor request or an offer the agent made with no transfer possible
            assert advice.stage in (Stage.END_CALL, Stage.TRANSFER)  # type: ignore[attr-defined]
